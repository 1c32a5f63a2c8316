using Grpc.Net.Client.Balancer;
using K8sNet.Routing;

namespace K8sNet.Grpc;

/// <summary>
/// One call's hold on its endpoint: completed once, by the response stream's end (through
/// <see cref="K8sNetGrpcHandler"/>) or, without that handler, by gRPC's tracker at the response headers; a failure
/// before a response completes it at once. Its outcome goes through the Service's router to the policy (outstanding,
/// EWMA), outlier detection and the metrics; for addresses of another resolver, to the policy alone.
/// </summary>
internal sealed class GrpcCallLease : ISubchannelCallTracker
{
    public static readonly HttpRequestOptionsKey<GrpcCallLease> Key = new("K8sNet.Grpc.CallLease");

    private readonly RoutedLease _routed;
    private readonly EndpointLease _plain;
    private int _completed;

    public GrpcCallLease(RoutedLease lease) => _routed = lease;

    public GrpcCallLease(EndpointLease lease) => _plain = lease;

    /// <summary>Set by <see cref="K8sNetGrpcHandler"/>: it will complete the lease when the response ends.</summary>
    public bool TrackedToEnd { get; set; }

    public ServiceEndpoint Endpoint => _routed.Endpoint ?? _plain.Endpoint;

    public void Start()
    {
    }

    public void Complete(CompletionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Error is { } error)
        {
            Finish(Outcome(error));
        }
        else if (!TrackedToEnd)
        {
            Finish(EndpointOutcome.Success);
        }
    }

    /// <summary>Completes the lease once; <paramref name="statusCode"/> is the call's gRPC status when known (counted).</summary>
    public void Finish(EndpointOutcome outcome, int? statusCode = null)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            GrpcTelemetry.Call(_routed.Set, statusCode ?? (outcome is EndpointOutcome.Success ? 0 : outcome is EndpointOutcome.Canceled ? 1 : 14));
            if (_routed.Endpoint is not null)
            {
                _routed.Complete(outcome);
            }
            else
            {
                _plain.Complete(outcome);
            }
        }
    }

    public static EndpointOutcome Outcome(Exception error) => error switch
    {
        OperationCanceledException => EndpointOutcome.Canceled,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => EndpointOutcome.ConnectFailure,
        _ => EndpointOutcome.TransportFailure,
    };
}
