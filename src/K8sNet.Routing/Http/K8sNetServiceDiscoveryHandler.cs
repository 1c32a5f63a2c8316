using K8sNet.Dns;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// Sends each request for a Service straight to one of its pods, an adapter over the Service-following core
/// (<see cref="ServiceRouterPool"/>): the host is read as this pod's resolver would (<see cref="ServiceUriResolver"/>,
/// cached per host), the core finds the first candidate that exists, the port is chosen by
/// <see cref="ServicePortSelector"/>, the Service's router picks an endpoint, and the request URI is rewritten to the
/// pod's address with the Host header kept. Connect failures are retried on another endpoint.
/// </summary>
internal sealed partial class K8sNetServiceDiscoveryHandler : DelegatingHandler
{
    private readonly ServiceRouterPool _pool;
    private readonly ClientRouting _client;
    private readonly ILogger _logger;

    public K8sNetServiceDiscoveryHandler(ServiceRouterPool pool, ClientRouting client, ILogger logger)
    {
        _pool = pool;
        _client = client;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var entry = _client.GetTarget(original);
        if (entry.Target is null)
        {
            return base.SendAsync(request, cancellationToken);
        }

        if (entry.Resolved is { } resolved && resolved.Router.IsActive && resolved.Router.State is { Exists: true } current && ReferenceEquals(current.Spec, resolved.Choice.Spec))
        {
            // The common case: the host was resolved before, its router is still followed and the Service's spec has
            // not changed since.
            return SendFirstAttempt(request, original, entry, resolved.Router, resolved.Choice, cancellationToken);
        }

        return ResolveAndSendAsync(request, original, entry, cancellationToken);
    }

    private async Task<HttpResponseMessage> ResolveAndSendAsync(HttpRequestMessage request, Uri original, TargetEntry entry, CancellationToken cancellationToken)
    {
        var target = entry.Target!;
        var options = _client.Options;
        var lookup = await _pool.FindAsync(target, _client.Profile, options.SyncTimeout, cancellationToken).ConfigureAwait(false);
        if (lookup.Status == ServiceLookupStatus.NotSynced)
        {
            var candidate = lookup.Router.Service;
            _pool.Metrics.Request(candidate, "not_synced");
            throw new K8sNetRoutingException(candidate, RoutingFailureReason.NotSynced,
                $"The endpoint source has not synced Service '{candidate}' within {options.SyncTimeout.TotalSeconds:0.###} s, so K8sNet cannot tell whether it exists or where its pods are.");
        }

        if (lookup.Status != ServiceLookupStatus.Found || lookup.State?.Spec is not { } spec)
        {
            entry.Resolved = null;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false); // no such Service: not ours
        }

        var found = lookup.Router;

        if (spec.Type == ServiceType.ExternalName && !string.IsNullOrEmpty(spec.ExternalName))
        {
            return await SendToExternalNameAsync(request, original, spec.ExternalName, cancellationToken).ConfigureAwait(false);
        }

        var choice = ChoosePort(found.Service, spec, target);

        // Only the first candidate is remembered: a later one must give way if an earlier Service appears.
        entry.Resolved = lookup.CandidateIndex == 0 ? new ResolvedTarget(found, choice) : null;
        return await SendFirstAttempt(request, original, entry, found, choice, cancellationToken).ConfigureAwait(false);
    }

    // Picks an endpoint and sends, without an async frame of its own: when the inner handler completes at once and
    // well, its own task is returned (no allocation here); otherwise the retry loop takes the attempt over.
    private Task<HttpResponseMessage> SendFirstAttempt(HttpRequestMessage request, Uri original, TargetEntry entry, ServiceRouter router, PortChoice choice, CancellationToken cancellationToken)
    {
        var hashKey = HashKey(request, _client.Options);
        var setHost = request.Headers.Host is null;
        if (setHost)
        {
            // The authority came from a parsed Uri, so it needs no validation; stored raw, it costs no parse and no
            // parsed-value object per request.
            request.Headers.TryAddWithoutValidation("Host", entry.Authority);
        }

        var lease = router.Pick(choice.Port.Key, hashKey, null);
        if (lease.Endpoint is not { } endpoint)
        {
            Restore(request, original, setHost);
            return Task.FromException<HttpResponseMessage>(NoEndpoint(router.Service, choice.Port, lease.Set!));
        }

        request.RequestUri = _client.Rewrite(original, choice.Scheme, endpoint);
        Task<HttpResponseMessage> attempt;
        try
        {
            attempt = base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            attempt = Task.FromException<HttpResponseMessage>(ex); // the loop treats it as an awaited failure would be
        }

        if (attempt.IsCompletedSuccessfully)
        {
            lease.Complete((int)attempt.Result.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
            Restore(request, original, setHost);
            return attempt;
        }

        return SendLoopAsync(request, original, router, choice, hashKey, setHost, (attempt, lease), cancellationToken);
    }

    // The attempts (the first one possibly already in flight): connect failures are retried on another endpoint, and
    // transport failures too for idempotent requests without a body when the options allow it.
    private async Task<HttpResponseMessage> SendLoopAsync(HttpRequestMessage request, Uri original, ServiceRouter router, PortChoice choice, ulong? hashKey, bool setHost,
        (Task<HttpResponseMessage> Task, RoutedLease Lease)? inFlight, CancellationToken cancellationToken)
    {
        var options = _client.Options;
        List<ServiceEndpoint>? tried = null;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                RoutedLease lease;
                Task<HttpResponseMessage> sending;
                if (inFlight is { } first)
                {
                    (sending, lease) = first;
                    inFlight = null;
                }
                else
                {
                    lease = router.Pick(choice.Port.Key, hashKey, tried);
                    if (lease.Endpoint is null)
                    {
                        throw NoEndpoint(router.Service, choice.Port, lease.Set!);
                    }

                    request.RequestUri = _client.Rewrite(original, choice.Scheme, lease.Endpoint);
                    sending = base.SendAsync(request, cancellationToken);
                }

                var endpoint = lease.Endpoint!; // the first attempt's lease had an endpoint; later ones are checked above
                var set = lease.Set!;
                HttpResponseMessage response;
                try
                {
                    response = await sending.ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (ex is not K8sNetRoutingException)
                {
                    var connect = ex.HttpRequestError == HttpRequestError.ConnectionError;
                    var outcome = connect ? EndpointOutcome.ConnectFailure : EndpointOutcome.TransportFailure;
                    lease.Complete(outcome);
                    var retry = attempt < options.MaxRetries && set.Eligible.Length > 1
                        && (connect || (options.RetryIdempotentAfterSend && request.Content is null && IsIdempotent(request.Method)));
                    if (!retry)
                    {
                        throw;
                    }

                    (tried ??= []).Add(endpoint);
                    _pool.Metrics.Retry(router.Service);
                    Log.Retrying(_logger, router.Service, endpoint.Key, outcome, attempt + 1, ex.Message);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    lease.Complete(EndpointOutcome.Canceled);
                    throw;
                }

                lease.Complete((int)response.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
                return response;
            }
        }
        finally
        {
            Restore(request, original, setHost);
        }
    }

    private static void Restore(HttpRequestMessage request, Uri original, bool setHost)
    {
        request.RequestUri = original;
        if (setHost)
        {
            request.Headers.Remove("Host");
        }
    }

    private static PortChoice ChoosePort(ServiceName service, ServiceSpecInfo spec, ServiceUriTarget target)
    {
        if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out var matchedScheme, out var error))
        {
            throw new K8sNetRoutingException(service, RoutingFailureReason.UnknownPort, error.Message, error);
        }

        var scheme = matchedScheme ?? (target.Schemes.IsEmpty ? "http" : target.Schemes[0]);
        return new PortChoice(spec, service, port, scheme);
    }

    private async Task<HttpResponseMessage> SendToExternalNameAsync(HttpRequestMessage request, Uri original, string externalName, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(original) { Host = externalName.TrimEnd('.') };
        request.RequestUri = builder.Uri;
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    private K8sNetRoutingException NoEndpoint(ServiceName service, ServicePortInfo port, EndpointSet set)
    {
        var portName = port.Name.Length == 0 ? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : port.Name;
        var (reason, why) = set.Status switch
        {
            EndpointSetStatus.NotSynced => (RoutingFailureReason.NotSynced, "the endpoint source has not synced it yet"),
            EndpointSetStatus.NoneEligible => (RoutingFailureReason.NoEligibleEndpoints,
                $"none of its {set.All.Length} endpoint(s) may be used by this client (internalTrafficPolicy Local with none on this node, or topology)"),
            _ => (RoutingFailureReason.NoEndpoints,
                set.All.IsEmpty ? "it has no endpoints" : $"none of its {set.All.Length} endpoint(s) is ready or serving"),
        };
        _pool.Metrics.Request(service, "no_endpoint");
        Log.NoEndpoint(_logger, service, portName, why);
        return new K8sNetRoutingException(service, reason, $"Service '{service}' port {portName}: no endpoint to send to: {why}.");
    }

    private static ulong? HashKey(HttpRequestMessage request, K8sNetRoutingOptions options)
    {
        if (options.HashKeyHeader is { } header && request.Headers.NonValidated.TryGetValues(header, out var values))
        {
            foreach (var v in values)
            {
                return StableHash.Hash(v);
            }
        }

        if (options.HashKeyCookie is { } cookie && request.Headers.NonValidated.TryGetValues("Cookie", out var cookies))
        {
            foreach (var line in cookies)
            {
                foreach (var part in line.Split(';'))
                {
                    var kv = part.AsSpan().Trim();
                    var eq = kv.IndexOf('=');
                    if (eq > 0 && kv[..eq].SequenceEqual(cookie))
                    {
                        return StableHash.Hash(kv[(eq + 1)..]);
                    }
                }
            }
        }

        return options.HashKeySelector?.Invoke(request) is { } key ? StableHash.Hash(key) : null;
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace
        || method == HttpMethod.Put || method == HttpMethod.Delete;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Service {Service}: {Outcome} on {Endpoint}; retrying on another endpoint (retry {Retry}): {Error}")]
        public static partial void Retrying(ILogger logger, ServiceName service, string endpoint, EndpointOutcome outcome, int retry, string error);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Service {Service} port {Port}: no endpoint to send to: {Why}.")]
        public static partial void NoEndpoint(ILogger logger, ServiceName service, string port, string why);
    }
}
