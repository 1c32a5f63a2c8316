using System.Diagnostics;
using k8s.Models;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Samples.Tour;

/// <summary>
/// The pod-to-pod journey in a FakeCluster — pod A on node-1 calls <c>http://svc-b/</c>: its resolv.conf search path,
/// cluster DNS, the ClusterIP, kube-proxy on node-1, a pod of B on another node, the answer — then an app in pod A using
/// K8sNet.Routing, sending requests straight to B's pods with P2C while one pod is slowed and another killed.
/// </summary>
internal static class ClusterTour
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: svc-b}
        spec:
          selector: {app: b}
          ports: [{name: http, port: 80, targetPort: web}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: b}
        spec:
          replicas: 3
          selector: {matchLabels: {app: b}}
          template:
            metadata: {labels: {app: b}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: b, image: example/b:1, ports: [{name: web, containerPort: 8080}]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, labels: {app: a}}
        spec:
          nodeName: node-1
          containers: [{name: a, image: example/a:1}]
        """;

    public static async Task RunAsync()
    {
        // Loopback: every pod really listens on its own 127.x address (Linux and Windows route all of 127/8 to
        // loopback; macOS only 127.0.0.1, so there the pods answer in memory).
        var mode = OperatingSystem.IsMacOS() ? PodNetworkMode.Simulated : PodNetworkMode.Loopback;
        await using var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.Apply(Manifest);
        cluster.Serve("app=b");
        await cluster.WaitForIdleAsync();

        Console.WriteLine();
        Console.WriteLine($"A FakeCluster ({mode} network): {string.Join(", ", cluster.List<V1Node>().Select(n => $"{n.Name()} ({n.Labels()["topology.kubernetes.io/zone"]})"))}");
        foreach (var pod in cluster.List<V1Pod>("default").OrderBy(p => p.Name(), StringComparer.Ordinal))
        {
            Console.WriteLine($"  pod {pod.Name(),-18} {pod.Status.PodIP,-14} on {pod.Spec.NodeName}");
        }

        Console.WriteLine();
        Console.WriteLine("Pod a calls http://svc-b/ :");
        using (var http = cluster.CreateHttpClient(fromPod: "a"))
        using (var response = await http.GetAsync(new Uri("http://svc-b/hello")))
        {
            var dns = response.RequestMessage!.Options.TryGetValue(FakeCluster.DnsOption, out var d) ? d : null;
            var route = response.RequestMessage.Options.TryGetValue(FakeCluster.RouteOption, out var r) ? r : null;
            Console.WriteLine($"  1. DNS   a's resolver tries {string.Join(", ", dns!.Search.Queries)}");
            Console.WriteLine($"           -> {dns.Search.Answered} A {string.Join(", ", dns.Addresses)} (the ClusterIP)");
            Console.WriteLine($"  2. TCP   a ({cluster.Get<V1Pod>("a")!.Status.PodIP}) connects to {route!.Destination}");
            Console.WriteLine($"  3. proxy kube-proxy on {route.Node} picks pod {route.Pod?.Name} -> {route.Backend} on {route.PodNode}");
            Console.WriteLine($"  4. HTTP  {(int)response.StatusCode} from {response.Headers.GetValues(FakeClusterHeaders.Pod).Single()} on {response.Headers.GetValues(FakeClusterHeaders.Node).Single()}: {(await response.Content.ReadAsStringAsync()).Trim()}");
        }

        var services = new ServiceCollection();
        services.AddK8sNet()
            .UseFakeCluster(cluster)
            .AddClientContext(o =>
            {
                o.Namespace = "default";
                o.NodeName = "node-1";
                o.ReadFile = _ => null;
            });
        services.AddHttpClient("b").UseFakeClusterNetwork(cluster, fromPod: "a").AddK8sNetServiceDiscovery();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("b");

        Console.WriteLine();
        Console.WriteLine("An app in pod a with K8sNet.Routing: http://svc-b/ goes straight to a pod (P2C), no ClusterIP in between.");
        await LoadAsync(client, "three pods");

        var pods = cluster.List<V1Pod>("default", "app=b").OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
        cluster.SlowPod(pods[0].Name(), TimeSpan.FromMilliseconds(50));
        await LoadAsync(client, $"{pods[0].Name()} slowed by 50 ms: P2C sends it less");

        cluster.KillPod(pods[1].Name());
        await LoadAsync(client, $"{pods[1].Name()} killed: its connections refused, retried elsewhere; its replacement joins");
        await cluster.WaitForIdleAsync();
        var replacement = cluster.List<V1Pod>("default", "app=b").Single(p => pods.All(o => o.Name() != p.Name()));
        await LoadAsync(client, $"a moment later, with the replacement {replacement.Name()} ({replacement.Status.PodIP} on {replacement.Spec.NodeName})");

        // From outside: a browser's request to a public name, through the ingress controller.
        cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: b}
            spec:
              rules:
              - host: b.example.com
                http:
                  paths: [{path: /, pathType: Prefix, backend: {service: {name: svc-b, port: {name: http}}}}]
            """);
        Console.WriteLine();
        Console.WriteLine("A browser outside the cluster asks for http://b.example.com/catalog (an Ingress routes b.example.com to svc-b):");
        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://b.example.com/catalog"));
        foreach (var hop in exchange.Hops)
        {
            Console.WriteLine($"  {hop.Kind,-13} {hop.Description}");
        }

        using var miss = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://nobody.example.com/"));
        Console.WriteLine($"  http://nobody.example.com/ -> {(int)miss.Response.StatusCode} from the controller: {miss.Decision}");

        // The same through the Gateway API: a Gateway of the cluster's class, and an HTTPRoute that rewrites the path.
        cluster.EnsureGatewayClass();
        cluster.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: web}
            spec:
              gatewayClassName: k8snet
              listeners: [{name: http, port: 80, protocol: HTTP, hostname: "*.example.org"}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: shop}
            spec:
              parentRefs: [{name: web}]
              hostnames: [shop.example.org]
              rules:
              - matches: [{path: {type: PathPrefix, value: /shop}}]
                filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
                backendRefs: [{name: svc-b, port: 80}]
            """);
        await cluster.WaitForIdleAsync();
        Console.WriteLine();
        Console.WriteLine("And http://shop.example.org/shop/items through a Gateway (an HTTPRoute strips /shop and sends it to svc-b):");
        using var viaGateway = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.org/shop/items"));
        foreach (var hop in viaGateway.Hops)
        {
            Console.WriteLine($"  {hop.Kind,-13} {hop.Description}");
        }

        var shopRoute = cluster.Get<K8sNet.Gateway.GatewayApi.V1HTTPRoute>("shop")!;
        Console.WriteLine($"  the HTTPRoute's status: {string.Join(", ", shopRoute.Status!.Parents[0].Conditions.Select(c => $"{c.Type}={c.Status} ({c.Reason})"))}");
    }

    // 8 callers at once, 25 requests each, so that outstanding requests (what P2C compares) build up on a slow pod.
    private static async Task LoadAsync(HttpClient client, string what)
    {
        var served = new Dictionary<string, int>();
        var failed = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 25; i++)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri("http://svc-b/items"));
                    var pod = response.Headers.GetValues(FakeClusterHeaders.Pod).Single()["default/".Length..];
                    lock (served)
                    {
                        served[pod] = served.GetValueOrDefault(pod) + 1;
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        var spread = string.Join(", ", served.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} x{s.Value}"));
        Console.WriteLine($"  {what}:");
        Console.WriteLine($"    200 requests in {watch.ElapsedMilliseconds} ms -> {spread}; {failed} failed");
    }
}
