using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace K8sNet.Testing.Network;

/// <summary>
/// The ingress controller (or a Gateway's listener port) exposed on a loopback port, as a cloud load balancer exposes it
/// to the internet: each HTTP request arriving there (any Host header) makes the external journey of
/// <see cref="FakeCluster.SendExternalAsync(HttpRequestMessage, CancellationToken)"/> (through that Gateway port), and its response goes back. So
/// <c>curl -H 'Host: shop.example.com' http://127.0.0.1:PORT/api</c> lands where the cluster's Ingresses or routes
/// send it. Started by <see cref="FakeCluster.ExposeIngressAsync"/> and <see cref="FakeCluster.ExposeGatewayAsync"/>.
/// </summary>
public sealed class IngressListener : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly Func<HttpRequestMessage, CancellationToken, Task<ExternalExchange>> _send;
    private WebApplication? _app;

    internal IngressListener(FakeCluster cluster, Func<HttpRequestMessage, CancellationToken, Task<ExternalExchange>> send)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _send = send;
    }

    /// <summary>Where it listens: <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The port.</summary>
    public int Port => BaseAddress.Port;

    internal async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Listen(IPAddress.Loopback, port);
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        BaseAddress = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var incoming = context.Request;
        var host = incoming.Host.HasValue && incoming.Host.Value.Length > 0 ? incoming.Host.Value : $"127.0.0.1:{Port}"; // no Host: the address it reached
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), $"http://{host}{incoming.PathBase}{incoming.Path}{incoming.QueryString}");
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name) || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.Host = host;
        if (context.Connection.RemoteIpAddress is { } peer)
        {
            request.Options.Set(FakeCluster.ClientAddressOption, peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer); // the real client, for X-Forwarded-For
        }

        try
        {
            using var exchange = await _send(request, context.RequestAborted).ConfigureAwait(false);
            var response = exchange.Response;
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            // What nginx answers when the upstream cannot be reached.
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync($"502 Bad Gateway: {ex.Message}\n", context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
