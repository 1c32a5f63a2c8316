using System.Collections.Immutable;
using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Dns;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Dns;

/// <summary>What a name resolved to from inside a pod: the search run (names queried, the one that answered) and its addresses.</summary>
/// <param name="ResolvConf">The pod's resolver configuration, as the kubelet writes it.</param>
/// <param name="Search">The search: queries in order and the answering name.</param>
/// <param name="Addresses">The A and AAAA addresses of the answering name (empty when none answered).</param>
public sealed record PodDnsLookup(ResolvConf ResolvConf, DnsSearchResult Search, ImmutableArray<IPAddress> Addresses);

internal static class PodDns
{
    /// <summary>
    /// The pod's resolv.conf as the kubelet writes it: ClusterFirst (the default) searches its namespace's Service
    /// domain, <c>svc.zone</c> and the zone with ndots 5, plus <c>dnsConfig</c>'s searches and options; <c>None</c> is
    /// <c>dnsConfig</c> alone; <c>Default</c> (the node's resolver) knows no cluster names here.
    /// </summary>
    public static ResolvConf ResolvConfOf(JsonObject pod, FakeClusterOptions options)
    {
        var ns = Json.Namespace(pod);
        var policy = Json.Str(pod["spec"]?["dnsPolicy"]) ?? "ClusterFirst";
        var config = pod["spec"]?["dnsConfig"] as JsonObject;
        var extraSearch = (config?["searches"] as JsonArray ?? []).Select(Json.Str).OfType<string>().ToList();
        var extraOptions = (config?["options"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(o => Json.Str(o["value"]) is { } v ? $"{Json.Str(o["name"])}:{v}" : Json.Str(o["name"]))
            .OfType<string>().ToList();
        var servers = (config?["nameservers"] as JsonArray ?? []).Select(Json.Str).Select(s => IPAddress.TryParse(s, out var ip) ? ip : null).OfType<IPAddress>().ToList();
        if (policy is "None" or "Default")
        {
            return ResolvConf.Create(servers, extraSearch, extraOptions);
        }

        var cluster = ResolvConf.ForClusterFirstPod(ns, options.ClusterDomain, IPAddress.Parse(options.ClusterDnsIP));
        return ResolvConf.Create([.. cluster.Nameservers, .. servers], [.. cluster.Search, .. extraSearch], ["ndots:5", .. extraOptions]);
    }

    public static PodDnsLookup Resolve(FakeCluster cluster, JsonObject pod, string name)
    {
        var conf = ResolvConfOf(pod, cluster.Options);
        var found = ImmutableArray<IPAddress>.Empty;
        var search = ResolverSearch.Run(name, conf, query =>
        {
            var a = cluster.Dns.Answer(query, DnsRecordType.A);
            var aaaa = cluster.Dns.Answer(query, DnsRecordType.AAAA);
            var addresses = a.Answer.Concat(aaaa.Answer).OfType<AddressRecord>().Select(r => r.Address).Distinct().ToImmutableArray();
            if (addresses.Length > 0)
            {
                found = addresses;
                return DnsLookupStatus.Found;
            }

            return a.ResponseCode switch
            {
                DnsResponseCode.NameError => DnsLookupStatus.NxDomain,
                DnsResponseCode.NoError => DnsLookupStatus.NoData,
                DnsResponseCode.ServerFailure => DnsLookupStatus.ServerFailure,
                _ => DnsLookupStatus.Failure, // outside the cluster: the fake has no upstream
            };
        });
        return new PodDnsLookup(conf, search, search.Found ? found : []);
    }
}
