namespace K8sNet.Testing.Lab;

/// <summary>
/// The policy lab: runs a <see cref="LabScenario"/> in virtual time against K8sNet's real routing core — the policy
/// under test, endpoint sets, leases, outlier detection and the retry rule — with simulated endpoints, and measures what
/// the callers feel. Deterministic: the same scenario, policy and seed give the same result, on any machine.
/// </summary>
/// <example>
/// <code>
/// var scenario = LabScenarios.Linkerd2016();
/// var comparison = PolicyLab.Compare(scenario, [LabPolicy.RoundRobin, LabPolicy.PowerOfTwoChoices, LabPolicy.PeakEwma]);
/// Console.WriteLine(comparison.ToTable(TimeSpan.FromSeconds(1)));
/// </code>
/// </example>
public static class PolicyLab
{
    /// <summary>Runs <paramref name="scenario"/> under <paramref name="policy"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="seed">The seed of every random draw (arrivals, latencies, failures, the policy's picks).</param>
    /// <param name="progress">Told the share of requests sent so far, from 0 to 1, about every 1%.</param>
    /// <returns>What the run measured.</returns>
    /// <exception cref="ArgumentException">The scenario is invalid (the message names what and why).</exception>
    public static LabResult Run(LabScenario scenario, LabPolicy policy, int seed = 1, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policy);
        scenario.Validate();
        var simulation = new LabSimulation(scenario, policy, seed, progress);
        var run = simulation.Run();
        return new LabResult(scenario, policy.Name, seed, simulation.EndpointNames, run);
    }

    /// <summary>Runs <paramref name="scenario"/> under each policy with the same seed (so the endpoints draw the same samples).</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="policies">The policies, compared in this order.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="progress">Told the share of the whole comparison done, from 0 to 1.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentException">The scenario is invalid, or no policy is given, or two share a name.</exception>
    public static LabComparison Compare(LabScenario scenario, IEnumerable<LabPolicy> policies, int seed = 1, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policies);
        var list = policies.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Compare needs at least one policy.", nameof(policies));
        }

        if (list.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two policies are named '{twice.Key}': give each a distinct name (LabPolicy.Of(..., name: ...)).", nameof(policies));
        }

        var results = new List<LabResult>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var offset = i;
            var inner = progress is null ? null : new Progress(p => progress.Report((offset + p) / list.Count));
            results.Add(Run(scenario, list[i], seed, inner));
        }

        return new LabComparison(scenario, results);
    }

    /// <summary>
    /// The share of keys that go to another endpoint when <paramref name="added"/> endpoints join
    /// <paramref name="endpoints"/> (negative: leave), through the routing core with <paramref name="policy"/>: about
    /// <c>added / (endpoints + added)</c> for consistent hashing, nearly all for a policy that ignores keys.
    /// </summary>
    /// <param name="policy">The policy.</param>
    /// <param name="endpoints">The endpoints before.</param>
    /// <param name="added">How many join (or, negative, leave: the last ones).</param>
    /// <param name="keys">How many distinct keys are looked up.</param>
    /// <param name="seed">The seed of the policy's random draws.</param>
    /// <returns>The share moved, from 0 to 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range (at least one endpoint before and after, one key).</exception>
    public static double KeysMoved(LabPolicy policy, int endpoints, int added = 1, int keys = 10_000, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints + added, 1, nameof(added));
        ArgumentOutOfRangeException.ThrowIfLessThan(keys, 1);
        return LabSimulation.KeysMoved(policy, endpoints, added, keys, seed);
    }

    // Reports synchronously (System.Progress posts to the thread pool, out of order).
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
