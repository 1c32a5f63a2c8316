using System.Net;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Dns;
using K8sNet.Testing.Generators;

namespace K8sNet.Dns.Tests.Naming;

/// <summary>Format then parse is the identity, for every valid generated name and every form.</summary>
public class NamingRoundTripProperties
{
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public void ServiceFqdn_ParsesBackToTheService_InAnyCase(ServiceName service, bool upper, bool absolute)
    {
        var fqdn = DnsNames.ServiceFqdn(service, "cluster.local", absolute);
        var written = upper ? fqdn.ToUpperInvariant() : fqdn;

        Assert.True(ClusterDnsName.TryParse(written, "cluster.local", out var parsed));
        Assert.Equal(ClusterDnsNameKind.Service, parsed.Kind);
        Assert.True(parsed.TryGetService(out var back));
        Assert.Equal(service, back);
        Assert.Equal(written.TrimEnd('.'), parsed.QueryName);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public void SrvName_ParsesBackToPortProtocolAndService(ServiceName service, PortLabel port, TransportProtocol protocol)
    {
        var name = DnsNames.SrvName(port.Value, protocol, service, absolute: true);

        Assert.True(ClusterDnsName.TryParse(name, "cluster.local", out var parsed));
        Assert.Equal(ClusterDnsNameKind.ServicePort, parsed.Kind);
        Assert.Equal(port.Value, parsed.Port);
        Assert.Equal(protocol.ToDnsLabel(), parsed.Protocol);
        Assert.True(parsed.TryGetService(out var back));
        Assert.Equal(service, back);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public void EndpointFqdn_ParsesBackToHostnameAndService(ServiceName service, HostLabel hostname)
    {
        var name = DnsNames.EndpointFqdn(hostname.Value, service);

        Assert.True(ClusterDnsName.TryParse(name, "cluster.local", out var parsed));
        Assert.Equal(ClusterDnsNameKind.Endpoint, parsed.Kind);
        Assert.Equal(hostname.Value, parsed.Endpoint);
        Assert.True(parsed.TryGetService(out var back));
        Assert.Equal(service, back);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public void ServiceHost_EveryForm_RoundTrips(ServiceName service, ServiceHostForm form, bool absolute)
    {
        var host = ServiceHostName.Format(service, form, absolute: absolute);

        var parsed = ServiceHostName.Parse(host);

        Assert.Equal(form, parsed.Form);
        Assert.Equal(absolute, parsed.IsAbsolute);
        Assert.Equal(service, parsed.ToServiceName(service.Namespace));
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public void Addresses_ReverseAndDashedNames_RoundTrip(IPAddress address)
    {
        Assert.True(DnsNames.TryParseReverseName(DnsNames.ReverseName(address, absolute: true), out var reverse));
        Assert.Equal(address, reverse);
        Assert.True(DnsNames.TryParseDashedAddress(DnsNames.DashedAddress(address), out var dashed));
        Assert.Equal(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, dashed);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void PodFqdn_ParsesBackToThePodsAddressAndNamespace(IPAddress address, ServiceName owner)
    {
        var name = DnsNames.PodFqdn(address, owner.Namespace);

        Assert.True(ClusterDnsName.TryParse(name, "cluster.local", out var parsed));
        Assert.Equal(ClusterDnsNameKind.Pod, parsed.Kind);
        Assert.Equal(owner.Namespace, parsed.Namespace);
        Assert.True(DnsNames.TryParseDashedAddress(parsed.Service, out var back));
        Assert.Equal(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, back);
    }

    public sealed record PortLabel(string Value);

    public sealed record HostLabel(string Value);

    public static class Arbitraries
    {
        public static Arbitrary<ServiceName> Services() => Arb.From(NameGen.ServiceName());

        public static Arbitrary<PortLabel> Ports() => Arb.From(NameGen.PortName().Select(p => new PortLabel(p)));

        public static Arbitrary<HostLabel> Hosts() => Arb.From(NameGen.Dns1123Label().Select(h => new HostLabel(h)));

        public static Arbitrary<ServiceHostForm> Forms() => Arb.From(Gen.Elements(Enum.GetValues<ServiceHostForm>()));

        public static Arbitrary<TransportProtocol> Protocols() => Arb.From(Gen.Elements(Enum.GetValues<TransportProtocol>()));

        public static Arbitrary<IPAddress> Addresses() => Arb.From(Gen.OneOf(
            Gen.ArrayOf(Gen.Choose(0, 255), 4).Select(b => new IPAddress(b.Select(x => (byte)x).ToArray())),
            Gen.ArrayOf(Gen.Elements<byte>(0, 0, 0, 1, 0xfd, 0x20, 0x0d, 0xb8, 0xff, 0x12), 16).Select(b => new IPAddress(b))));
    }
}
