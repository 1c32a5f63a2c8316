using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace K8sNet.Testing.Lab;

/// <summary>
/// A statement about lab results that holds or not, with a message giving the numbers: check it in a test
/// (<see cref="Verify"/>) or return it from an FsCheck property (<see cref="ToProperty"/>), so a property reads
/// <c>LabClaim.That(p2c, LabMetric.P99).IsNoWorseThan(roundRobin)</c>.
/// </summary>
public sealed class LabClaim
{
    private LabClaim(bool holds, string description)
    {
        Holds = holds;
        Description = description;
    }

    /// <summary>Whether it holds.</summary>
    public bool Holds { get; }

    /// <summary>What it states, with the measured numbers.</summary>
    public string Description { get; }

    /// <summary>Starts a claim about <paramref name="metric"/> of <paramref name="result"/>.</summary>
    /// <param name="result">The result.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The measured value, to state something of.</returns>
    public static Measured That(LabResult result, LabMetric metric)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(metric);
        return new Measured(result, metric, metric.Of(result));
    }

    /// <summary>Both claims.</summary>
    /// <param name="other">The other claim.</param>
    /// <returns>A claim that holds when both do.</returns>
    public LabClaim And(LabClaim other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Holds && other.Holds, $"{Description}; and {other.Description}");
    }

    /// <summary>As an FsCheck property, labelled with the numbers.</summary>
    /// <returns>The property.</returns>
    public Property ToProperty() => Holds.Label(Description);

    /// <summary>Throws when the claim does not hold.</summary>
    /// <exception cref="LabClaimException">It does not hold; the message gives the numbers.</exception>
    public void Verify()
    {
        if (!Holds)
        {
            throw new LabClaimException(Description);
        }
    }

    /// <inheritdoc />
    public override string ToString() => (Holds ? "holds: " : "fails: ") + Description;

    /// <summary>A metric measured on one result, waiting for what is claimed of it.</summary>
    public sealed class Measured
    {
        private readonly LabResult _result;
        private readonly LabMetric _metric;

        internal Measured(LabResult result, LabMetric metric, double value)
        {
            _result = result;
            _metric = metric;
            Value = value;
        }

        /// <summary>The value measured.</summary>
        public double Value { get; }

        /// <summary>At most <paramref name="bound"/>.</summary>
        /// <param name="bound">The bound.</param>
        /// <returns>The claim.</returns>
        public LabClaim IsAtMost(double bound) => new(Value <= bound, $"{Who} {_metric} = {F(Value)} is at most {F(bound)}");

        /// <summary>From <paramref name="low"/> to <paramref name="high"/>.</summary>
        /// <param name="low">The least.</param>
        /// <param name="high">The most.</param>
        /// <returns>The claim.</returns>
        public LabClaim IsBetween(double low, double high) => new(Value >= low && Value <= high, $"{Who} {_metric} = {F(Value)} is between {F(low)} and {F(high)}");

        /// <summary>
        /// No worse (no higher) than the same metric of <paramref name="baseline"/>, allowing <paramref name="slack"/>
        /// as a share of the baseline's value (0.05: up to 5% higher).
        /// </summary>
        /// <param name="baseline">The result compared with.</param>
        /// <param name="slack">The allowance, a share of the baseline's value.</param>
        /// <returns>The claim.</returns>
        public LabClaim IsNoWorseThan(LabResult baseline, double slack = 0)
        {
            ArgumentNullException.ThrowIfNull(baseline);
            var other = _metric.Of(baseline);
            var bound = other + (Math.Abs(other) * slack);
            return new(Value <= bound, $"{Who} {_metric} = {F(Value)} is no worse than {baseline.Policy}'s {F(other)}" + (slack > 0 ? $" (+{slack:P0})" : ""));
        }

        /// <summary>Strictly below the same metric of <paramref name="baseline"/>.</summary>
        /// <param name="baseline">The result compared with.</param>
        /// <returns>The claim.</returns>
        public LabClaim IsBelow(LabResult baseline)
        {
            ArgumentNullException.ThrowIfNull(baseline);
            var other = _metric.Of(baseline);
            return new(Value < other, $"{Who} {_metric} = {F(Value)} is below {baseline.Policy}'s {F(other)}");
        }

        private string Who => $"{_result.Policy} on '{_result.Scenario.Name}' (seed {_result.Seed}):";

        private static string F(double v) => v.ToString("0.#####", CultureInfo.InvariantCulture);
    }
}
