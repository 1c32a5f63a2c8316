using K8sNet.Dns;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// Sends each request for a Service straight to one of its pods: the host is read as this pod's resolver would
/// (<see cref="ServiceUriResolver"/>), the first candidate the endpoint source knows is taken, the port is chosen by
/// <see cref="ServicePortSelector"/>, an endpoint is picked by the client's policy, and the request URI is rewritten
/// to the pod's address with the Host header kept. Connect failures are retried on another endpoint.
/// </summary>
internal sealed partial class K8sNetServiceDiscoveryHandler : DelegatingHandler
{
    private readonly RouterRegistry _registry;
    private readonly ClientRouting _client;
    private readonly ILogger _logger;

    public K8sNetServiceDiscoveryHandler(RouterRegistry registry, ClientRouting client, ILogger logger)
    {
        _registry = registry;
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

        if (entry.Resolved is { } resolved && resolved.Router.State is { Exists: true } current && ReferenceEquals(current.Spec, resolved.Choice.Spec))
        {
            // The common case: the host was resolved before and the Service's spec has not changed since.
            return SendFirstAttempt(request, original, entry, resolved.Router, resolved.Choice, cancellationToken);
        }

        return ResolveAndSendAsync(request, original, entry, cancellationToken);
    }

    private async Task<HttpResponseMessage> ResolveAndSendAsync(HttpRequestMessage request, Uri original, TargetEntry entry, CancellationToken cancellationToken)
    {
        var target = entry.Target!;
        var options = _client.Options;
        ServiceRouter? found = null;
        ServiceState? state = null;
        var index = -1;
        foreach (var candidate in target.Candidates)
        {
            index++;
            var r = _registry.Get(_client.Name, candidate);
            var s = await r.GetStateAsync(options.SyncTimeout, cancellationToken).ConfigureAwait(false);
            if (s is null)
            {
                _registry.Metrics.Request(candidate, "not_synced");
                throw new K8sNetRoutingException(candidate, RoutingFailureReason.NotSynced,
                    $"The endpoint source has not synced Service '{candidate}' within {options.SyncTimeout.TotalSeconds:0.###} s, so K8sNet cannot tell whether it exists or where its pods are.");
            }

            if (s.Exists)
            {
                found = r;
                state = s;
                break;
            }
        }

        if (found is null || state?.Spec is not { } spec)
        {
            entry.Resolved = null;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false); // no such Service: not ours
        }

        if (spec.Type == ServiceType.ExternalName && !string.IsNullOrEmpty(spec.ExternalName))
        {
            return await SendToExternalNameAsync(request, original, spec.ExternalName, cancellationToken).ConfigureAwait(false);
        }

        var choice = ChoosePort(found.Service, spec, target);

        // Only the first candidate is remembered: a later one must give way if an earlier Service appears.
        entry.Resolved = index == 0 ? new ResolvedTarget(found, choice) : null;
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

        var set = router.GetSet(choice.Port.Key, out var panic);
        var lease = router.Balancer.Pick(set, new PickContext(hashKey, null, panic));
        if (lease.Endpoint is null)
        {
            Restore(request, original, setHost);
            return Task.FromException<HttpResponseMessage>(NoEndpoint(router.Service, choice.Port, set));
        }

        request.RequestUri = _client.Rewrite(original, choice.Scheme, lease.Endpoint);
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
            Report(lease, set, router, (int)attempt.Result.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
            Restore(request, original, setHost);
            return attempt;
        }

        return SendLoopAsync(request, original, router, choice, hashKey, setHost, (attempt, lease, set), cancellationToken);
    }

    // The attempts (the first one possibly already in flight): connect failures are retried on another endpoint, and
    // transport failures too for idempotent requests without a body when the options allow it.
    private async Task<HttpResponseMessage> SendLoopAsync(HttpRequestMessage request, Uri original, ServiceRouter router, PortChoice choice, ulong? hashKey, bool setHost,
        (Task<HttpResponseMessage> Task, EndpointLease Lease, EndpointSet Set)? inFlight, CancellationToken cancellationToken)
    {
        var options = _client.Options;
        List<ServiceEndpoint>? tried = null;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                EndpointSet set;
                EndpointLease lease;
                Task<HttpResponseMessage> sending;
                if (inFlight is { } first)
                {
                    (sending, lease, set) = first;
                    inFlight = null;
                }
                else
                {
                    set = router.GetSet(choice.Port.Key, out var panic);
                    lease = router.Balancer.Pick(set, new PickContext(hashKey, tried, panic));
                    if (lease.Endpoint is null)
                    {
                        throw NoEndpoint(router.Service, choice.Port, set);
                    }

                    request.RequestUri = _client.Rewrite(original, choice.Scheme, lease.Endpoint);
                    sending = base.SendAsync(request, cancellationToken);
                }

                var endpoint = lease.Endpoint;
                HttpResponseMessage response;
                try
                {
                    response = await sending.ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (ex is not K8sNetRoutingException)
                {
                    var connect = ex.HttpRequestError == HttpRequestError.ConnectionError;
                    var outcome = connect ? EndpointOutcome.ConnectFailure : EndpointOutcome.TransportFailure;
                    Report(lease, set, router, outcome);
                    var retry = attempt < options.MaxRetries && set.Eligible.Length > 1
                        && (connect || (options.RetryIdempotentAfterSend && request.Content is null && IsIdempotent(request.Method)));
                    if (!retry)
                    {
                        throw;
                    }

                    (tried ??= []).Add(endpoint);
                    _registry.Metrics.Retry(router.Service);
                    Log.Retrying(_logger, router.Service, endpoint.Key, outcome, attempt + 1, ex.Message);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    Report(lease, set, router, EndpointOutcome.Canceled);
                    throw;
                }

                Report(lease, set, router, (int)response.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
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

    private void Report(in EndpointLease lease, EndpointSet set, ServiceRouter router, EndpointOutcome outcome)
    {
        lease.Complete(outcome);
        router.Detector.Report(set, lease.Endpoint, outcome);
        _registry.Metrics.Request(router.Service, OutcomeName(outcome));
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
        _registry.Metrics.Request(service, "no_endpoint");
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

    private static string OutcomeName(EndpointOutcome outcome) => outcome switch
    {
        EndpointOutcome.Success => "success",
        EndpointOutcome.ServerError => "server_error",
        EndpointOutcome.ConnectFailure => "connect_failure",
        EndpointOutcome.TransportFailure => "transport_failure",
        _ => "canceled",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Service {Service}: {Outcome} on {Endpoint}; retrying on another endpoint (retry {Retry}): {Error}")]
        public static partial void Retrying(ILogger logger, ServiceName service, string endpoint, EndpointOutcome outcome, int retry, string error);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Service {Service} port {Port}: no endpoint to send to: {Why}.")]
        public static partial void NoEndpoint(ILogger logger, ServiceName service, string port, string why);
    }
}
