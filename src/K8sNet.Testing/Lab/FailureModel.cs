namespace K8sNet.Testing.Lab;

/// <summary>How a simulated endpoint fails: a share of its requests, each failing with <see cref="Outcome"/>.</summary>
/// <param name="Rate">The share of requests that fail, from 0 to 1.</param>
/// <param name="Outcome">
/// How they fail: <see cref="EndpointOutcome.ServerError"/> (an answer such as 503: not retried),
/// <see cref="EndpointOutcome.ConnectFailure"/> (nothing sent: retried on another endpoint) or
/// <see cref="EndpointOutcome.TransportFailure"/> (a reset: retried when idempotent) — as the routing layer treats them.
/// </param>
/// <param name="Immediate">Whether the failure comes at once (a refusal) rather than after the sampled latency.</param>
public sealed record FailureModel(double Rate, EndpointOutcome Outcome = EndpointOutcome.ServerError, bool Immediate = false)
{
    /// <summary>Never fails.</summary>
    public static FailureModel None { get; } = new(0);

    /// <summary>Checks the model.</summary>
    /// <param name="where">What it belongs to, for the message.</param>
    /// <exception cref="ArgumentException">The rate is outside [0, 1] or the outcome is not a failure.</exception>
    internal void Validate(string where)
    {
        if (!(Rate >= 0 && Rate <= 1))
        {
            throw new ArgumentException($"{where}: failure rate {Rate} must be from 0 to 1.");
        }

        if (Outcome is not (EndpointOutcome.ServerError or EndpointOutcome.ConnectFailure or EndpointOutcome.TransportFailure))
        {
            throw new ArgumentException($"{where}: failure outcome {Outcome} must be ServerError, ConnectFailure or TransportFailure.");
        }
    }
}
