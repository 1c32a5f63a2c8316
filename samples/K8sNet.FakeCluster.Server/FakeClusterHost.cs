using System.Globalization;
using K8sNet.Testing;

namespace K8sNet.Samples.ClusterServer;

/// <summary>
/// The standalone fake cluster: a <see cref="FakeCluster"/> with its API server (and, when asked, its DNS server) on
/// loopback, a kubeconfig written for kubectl, running until cancelled. What
/// <c>dotnet run --project samples/K8sNet.FakeCluster.Server -- --port 6443 --dns-port 1053 --kubeconfig ./kubeconfig</c>
/// runs.
/// </summary>
internal static class FakeClusterHost
{
    /// <summary>The command line it understands.</summary>
    public static string Usage { get; } = """
        K8sNet.FakeCluster.Server: an in-process Kubernetes cluster on loopback for kubectl and clients.

          --port N              API server port on 127.0.0.1 (default 6443; 0 picks one)
          --dns-port N          serve cluster DNS on 127.0.0.1:N, UDP and TCP (default: not served)
          --kubeconfig PATH     where to write the kubeconfig (default ./kubeconfig)
          --cluster-domain D    the cluster domain (default cluster.local)
          --service-cidr C[,C]  Service CIDRs, one per family (default 10.96.0.0/12)
          --nodes N             how many nodes (default 3)
          --zones a,b,c         the nodes' zones, in turn (default zone-a,zone-b,zone-c)
          --demo                start with a small workload (echo Deployments, Services, an Ingress for shop.example,
                                a Gateway with an HTTPRoute for gateway.shop.example)
          --tls                 HTTPS with a CA generated for the run (in the kubeconfig); a bearer token is
                                generated too unless one is given (or --anonymous)
          --token-file PATH     require the bearer token in PATH (its first line; 401 without it); the
                                environment variable K8SNET_CLUSTER_TOKEN does the same. The kubeconfig, which
                                holds it, is written readable by its owner only (0600)
          --token T             as --token-file, but T shows in the process list (ps): prefer the file
          --anonymous           with --tls, serve without a token (anyone who can reach the port can write)
          --ingress-port P      expose the ingress controller on 127.0.0.1:P (0 picks one): requests go where
                                the cluster's Ingresses send them by their Host header (pods of echo images echo)
                                Gateways of class k8snet (installed) are always exposed: each listener port is
                                served on a loopback port, printed as the Gateway appears (kubectl apply works)
          --network MODE        loopback (default: each pod on its own 127.x.y.z address, its pod IP, reachable
                                by any process on this machine: an app using the kubeconfig's endpoints dials pods
                                that answer) or simulated (pod IPs 10.244.x.x, answered only inside this process)
          --pod-shutdown S      seconds a pod's containers take to exit on SIGTERM (default 1; -1: never,
                                so a deleted pod stays Terminating for its whole grace period)
          --help                this text
        """;

    /// <summary>Runs the cluster until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print what it serves (and errors).</param>
    /// <param name="cancellationToken">Stops the cluster.</param>
    /// <param name="started">Called with the running cluster once it serves (for tests and embedding).</param>
    /// <returns>0 after a clean stop, 2 for a bad command line, 1 when the cluster cannot start as asked (the one-line error says why).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken, Action<FakeCluster>? started = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        output = TextWriter.Synchronized(output); // Gateway listeners are printed from the controller's thread
        Settings settings;
        try
        {
            settings = Parse(args);
        }
        catch (FormatException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (settings.Help)
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        try
        {
            return await ServeAsync(settings, output, started, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or KubernetesStatusException or IOException or UnauthorizedAccessException or K8sNetFormatException)
        {
            // A setting the cluster refuses, a port in use, a kubeconfig path that cannot be written: one line, no trace.
            await output.WriteLineAsync($"error: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ServeAsync(Settings settings, TextWriter output, Action<FakeCluster>? started, CancellationToken cancellationToken)
    {
        var cluster = new FakeCluster(o =>
        {
            o.ClusterDomain = settings.ClusterDomain;
            o.Nodes = settings.Nodes;
            o.ApiServerTls = settings.Tls;
            o.ApiServerToken = settings.Token;
            o.PodShutdownTime = settings.PodShutdown;
            o.ExposeGatewayListeners = true;
            o.NetworkMode = settings.Network;
            if (settings.Zones is { } zones)
            {
                o.Zones.Clear();
                foreach (var z in zones)
                {
                    o.Zones.Add(z);
                }
            }

            if (settings.ServiceCidrs is { } cidrs)
            {
                o.ServiceCidrs.Clear();
                foreach (var c in cidrs)
                {
                    o.ServiceCidrs.Add(c);
                }
            }
        });
        await using var owned = cluster.ConfigureAwait(false);
        var printing = new Lock();
        var stopping = false;
        cluster.GatewayListenerExposed += e =>
        {
            lock (printing)
            {
                if (!stopping)
                {
                    output.WriteLine($"gateway      {e.GatewayNamespace}/{e.GatewayName} port {e.GatewayPort} ({e.Listeners}) at {e.BaseAddress} (curl -H 'Host: <a route's hostname>' {e.BaseAddress})");
                }
            }
        };
        cluster.EnsureGatewayClass();
        if (settings.Demo)
        {
            cluster.Apply(DemoWorkload);
            await cluster.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        }

        var api = await cluster.StartApiServerAsync(settings.Port, cancellationToken).ConfigureAwait(false);
        cluster.WriteKubeconfig(settings.Kubeconfig);
        var auth = settings.TokenSource switch
        {
            null => " (no authentication: anyone who can reach the port can read and write)",
            "generated" => " (bearer token generated for the run, in the kubeconfig)",
            _ => $" (bearer token from {settings.TokenSource} required)",
        };
        await output.WriteLineAsync($"API server   {api.BaseAddress}{(settings.Tls ? " (TLS, CA in the kubeconfig)" : string.Empty)}{auth}").ConfigureAwait(false);
        await output.WriteLineAsync(settings.Network == PodNetworkMode.Loopback
            ? "pod network  loopback: each pod listens on its own 127.x.y.z address (its pod IP), reachable from this machine"
            : "pod network  simulated: pod IPs (10.244.x.x) are answered only in this process; apps elsewhere cannot dial them (--network loopback, the default, puts pods on this machine's loopback)").ConfigureAwait(false);
        if (settings.TokenSource == "--token")
        {
            await output.WriteLineAsync($"warning: --token shows the token to anyone who can list processes; use --token-file or {TokenVariable}").ConfigureAwait(false);
        }
        if (settings.DnsPort is { } dnsPort)
        {
            var dns = cluster.StartDnsServer(dnsPort);
            await output.WriteLineAsync($"cluster DNS  {dns.EndPoint} (UDP and TCP; dig @{dns.EndPoint.Address} -p {dns.EndPoint.Port} kubernetes.default.svc.{settings.ClusterDomain})").ConfigureAwait(false);
        }

        if (settings.IngressPort is { } ingressPort)
        {
            var ingress = await cluster.ExposeIngressAsync(ingressPort, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"ingress      {ingress.BaseAddress} (curl -H 'Host: <an Ingress rule's host>' {ingress.BaseAddress})").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"kubeconfig   {Path.GetFullPath(settings.Kubeconfig)} (kubectl --kubeconfig {settings.Kubeconfig} get pods -A)").ConfigureAwait(false);
        await output.WriteLineAsync("Ctrl+C or SIGTERM stops it.").ConfigureAwait(false);
        started?.Invoke(cluster);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        lock (printing)
        {
            stopping = true; // Gateways exposed from now on are not printed: "stopped" is the last line
        }

        await output.WriteLineAsync("stopped").ConfigureAwait(false);
        return 0;
    }

    private sealed record Settings(int Port, int? DnsPort, string Kubeconfig, string ClusterDomain, IReadOnlyList<string>? ServiceCidrs, int Nodes, IReadOnlyList<string>? Zones, bool Demo, bool Help)
    {
        public bool Tls { get; init; }

        public string? Token { get; init; }

        public string? TokenSource { get; init; }

        public bool Anonymous { get; init; }

        public PodNetworkMode Network { get; init; } = PodNetworkMode.Loopback;

        public TimeSpan? PodShutdown { get; init; } = TimeSpan.FromSeconds(1);

        public int? IngressPort { get; init; }
    }

    private static Settings Parse(string[] args)
    {
        var settings = new Settings(6443, null, "kubeconfig", "cluster.local", null, 3, null, false, false);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value");
            int Port(string name)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
                    ? port
                    : throw new FormatException($"{name} '{text}' is not a port (0-65535)");
            }

            settings = arg switch
            {
                "--port" => settings with { Port = Port(arg) },
                "--dns-port" => settings with { DnsPort = Port(arg) },
                "--kubeconfig" => settings with { Kubeconfig = Value() },
                "--cluster-domain" => settings with { ClusterDomain = Value() },
                "--service-cidr" => settings with { ServiceCidrs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--nodes" => settings with
                {
                    Nodes = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1000
                        ? n
                        : throw new FormatException($"--nodes '{args[i]}' is not a node count (1-1000)"),
                },
                "--zones" => settings with { Zones = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--demo" => settings with { Demo = true },
                "--help" or "-h" => settings with { Help = true },
                "--tls" => settings with { Tls = true },
                "--ingress-port" => settings with { IngressPort = Port(arg) },
                "--pod-shutdown" => settings with
                {
                    PodShutdown = Value() == "-1" ? null
                        : double.TryParse(args[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= 86400
                            ? TimeSpan.FromSeconds(seconds)
                            : throw new FormatException($"--pod-shutdown needs seconds from 0 to 86400, or -1 (got '{args[i]}')"),
                },
                "--token" => settings with { Token = Value().Length > 0 ? args[i] : throw new FormatException("--token needs a value"), TokenSource = "--token" },
                "--token-file" => settings with { Token = ReadTokenFile(Value()), TokenSource = "--token-file" },
                "--anonymous" => settings with { Anonymous = true },
                "--network" => settings with
                {
                    Network = Value() switch
                    {
                        "loopback" => PodNetworkMode.Loopback,
                        "simulated" => PodNetworkMode.Simulated,
                        var other => throw new FormatException($"--network '{other}' is not a network mode (loopback or simulated)"),
                    },
                },
                _ => throw new FormatException($"unknown option '{arg}'"),
            };
        }

        if (settings.Token is null && Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment)
        {
            settings = settings with { Token = fromEnvironment.Trim(), TokenSource = TokenVariable };
        }

        if (settings.Anonymous && settings.Token is not null)
        {
            throw new FormatException($"--anonymous and a token ({settings.TokenSource}) contradict each other");
        }

        if (settings.Tls && settings.Token is null && !settings.Anonymous)
        {
            // TLS says "secure": without a token anyone reaching the port could write, so one is made for the run.
            settings = settings with { Token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), TokenSource = "generated" };
        }

        return settings;
    }

    private const string TokenVariable = "K8SNET_CLUSTER_TOKEN";

    private static string ReadTokenFile(string path)
    {
        string? line;
        try
        {
            line = File.ReadLines(path).FirstOrDefault()?.Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"--token-file '{path}' cannot be read: {ex.Message}");
        }

        return string.IsNullOrEmpty(line) ? throw new FormatException($"--token-file '{path}' has no token on its first line") : line;
    }

    private const string DemoWorkload = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders, namespace: shop}
        spec:
          replicas: 3
          selector: {matchLabels: {app: orders}}
          template:
            metadata: {labels: {app: orders}}
            spec: {containers: [{name: app, image: "gcr.io/k8s-staging-gateway-api/echo-basic:v1", ports: [{name: http, containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders, namespace: shop}
        spec: {selector: {app: orders}, ports: [{name: http, port: 80, targetPort: http}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: "gcr.io/k8s-staging-gateway-api/echo-basic:v1", ports: [{name: http, containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: shop}
        spec:
          rules:
          - host: shop.example
            http:
              paths:
              - {path: /orders, pathType: Prefix, backend: {service: {name: orders, port: {name: http}}}}
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: shop, namespace: shop}
        spec:
          gatewayClassName: k8snet
          listeners: [{name: http, port: 80, protocol: HTTP, hostname: "*.shop.example"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop, namespace: shop}
        spec:
          parentRefs: [{name: shop}]
          hostnames: [gateway.shop.example]
          rules:
          - matches: [{path: {type: PathPrefix, value: /orders}}]
            backendRefs: [{name: orders, port: 80}]
          - backendRefs: [{name: web, port: 80, weight: 90}, {name: orders, port: 80, weight: 10}]
        """;
}
