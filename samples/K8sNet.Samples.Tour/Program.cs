// The K8sNet tour: cluster DNS naming at work (how a pod in namespace "web" names Services, which queries its resolver
// sends, which Services a URI reaches, how bad names are reported), then the pod-to-pod journey in a FakeCluster and
// K8sNet.Routing sending requests straight to pods while one is slowed and another killed, and a request from outside
// through the ingress controller.
using System.Net;
using K8sNet;
using K8sNet.Dns;

var context = ClientContext.Create("web", topology: new ClientTopology("node-a", "zone-1"));
Console.WriteLine($"A pod: {context}");
Console.WriteLine($"Its resolv.conf (what the kubelet writes for dnsPolicy ClusterFirst):");
Console.Write(Indent(context.ResolvConf.ToString()));

var orders = new ServiceName("shop", "orders");
Console.WriteLine();
Console.WriteLine("Names cluster DNS serves for Service shop/orders:");
Console.WriteLine($"  A/AAAA  {DnsNames.ServiceFqdn(orders, absolute: true)}");
Console.WriteLine($"  SRV     {DnsNames.SrvName("http", TransportProtocol.Tcp, orders, absolute: true)}");
Console.WriteLine($"  PTR     {DnsNames.ReverseName(IPAddress.Parse("10.96.0.20"), absolute: true)}");
Console.WriteLine($"  pod     {DnsNames.PodFqdn(IPAddress.Parse("10.244.1.5"), "shop", absolute: true)}");
Console.WriteLine($"  version {DnsNames.DnsVersionName(absolute: true)} TXT \"{DnsNames.SchemaVersion}\"");

var existing = new HashSet<ServiceName> { orders, new("web", "cart") };
Console.WriteLine();
Console.WriteLine("What the pod's resolver queries (glibc, ndots:5), stopping at the first hit:");
foreach (var name in new[] { "cart", "orders.shop", "orders.shop.svc", "orders.shop.svc.cluster.local", "orders.shop.svc.cluster.local." })
{
    var result = ResolverSearch.Run(name, context.ResolvConf, q =>
        ClusterDnsName.TryParse(q, context.ClusterDomain, out var n) && n.TryGetService(out var s) && existing.Contains(s)
            ? DnsLookupStatus.Found
            : DnsLookupStatus.NxDomain);
    Console.WriteLine($"  {name,-32} -> {string.Join(", ", result.Queries)}{(result.Found ? "  (hit)" : "  (no answer)")}");
}

var options = new ServiceUriOptions();
options.AllowedNamespaces.Add("web");
options.AllowedNamespaces.Add("shop");
var uris = new ServiceUriResolver(context, options);
var ports = new Dictionary<ServiceName, ServicePortInfo[]>
{
    [orders] = [new("http", 80, TargetPort.FromName("web")), new("grpc", 50051)],
    [new("web", "cart")] = [new("", 8080)],
};
Console.WriteLine();
Console.WriteLine("URIs to Services (namespaces web and shop allowed), and the Service port each asks for:");
foreach (var uri in new[] { "http://cart/basket", "http://orders.shop:80/x", "https+http://orders.shop", "k8s:///orders.shop:grpc", "http://example.com/" })
{
    var target = uris.Resolve(new Uri(uri));
    var port = target.HasCandidates && ServicePortSelector.TrySelect(target.Candidates[0], ports[target.Candidates[0]], target.Port, out var p, out _, out _)
        ? $"port {(p.Name.Length > 0 ? p.Name : "<unnamed>")} ({p.Port})"
        : target.Port.ToString();
    Console.WriteLine($"  {uri,-28} -> {(target.HasCandidates ? string.Join(", ", target.Candidates) : "not a cluster name: passes through")}; {port}");
}

Console.WriteLine();
Console.WriteLine("Bad input is rejected with the rule it breaks:");
foreach (var (ns, name) in new[] { ("shop", "Orders"), ("shop", "1orders"), ("shop_1", "orders") })
{
    if (!ServiceName.TryCreate(ns, name, out _, out var error))
    {
        Console.WriteLine($"  {error.Field} '{error.Input}': {error.Rule}");
    }
}

await K8sNet.Samples.Tour.ClusterTour.RunAsync();

static string Indent(string text) => string.Concat(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"  {l}\n"));
