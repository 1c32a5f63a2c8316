using System.Collections.Immutable;

namespace K8sNet.Testing.Lab;

/// <summary>
/// How long a simulated endpoint takes to answer one request (its service time, once it starts on the request): a
/// distribution, or a replay of recorded samples. Derive from it for a model of your own.
/// </summary>
public abstract class LatencyModel
{
    /// <summary>Starts a sequence of samples for one endpoint; the lab calls it once per endpoint per run.</summary>
    /// <param name="random">The endpoint's own seeded random source: the same seed gives the same samples.</param>
    /// <returns>Gives the next sample each call (never negative).</returns>
    public abstract Func<TimeSpan> Start(Random random);

    /// <summary>Always <paramref name="latency"/>.</summary>
    /// <param name="latency">The latency.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public static LatencyModel Constant(TimeSpan latency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        return new ConstantModel(latency);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    /// <param name="min">The least latency.</param>
    /// <param name="max">The bound, above <paramref name="min"/>.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is negative or <paramref name="max"/> is not above it.</exception>
    public static LatencyModel Uniform(TimeSpan min, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(max, min);
        return new UniformModel(min, max);
    }

    /// <summary>Log-normal, given by its median and 99th percentile (a common shape for service latency).</summary>
    /// <param name="median">The median.</param>
    /// <param name="p99">The 99th percentile, at least the median.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="median"/> is not positive or <paramref name="p99"/> is below it.</exception>
    public static LatencyModel LogNormal(TimeSpan median, TimeSpan p99)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(median, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(p99, median);
        return new LogNormalModel(median, p99);
    }

    /// <summary>
    /// A replay of recorded samples, read in order from a start drawn from the endpoint's seeded random source and
    /// wrapping around (so endpoints replaying one recording do not answer in lockstep).
    /// </summary>
    /// <param name="samples">The recording, at least one sample, none negative.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is empty or holds a negative sample.</exception>
    public static LatencyModel Replay(IEnumerable<TimeSpan> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var recorded = samples.ToImmutableArray();
        if (recorded.IsEmpty)
        {
            throw new ArgumentException("A latency replay needs at least one sample.", nameof(samples));
        }

        for (var i = 0; i < recorded.Length; i++)
        {
            if (recorded[i] < TimeSpan.Zero)
            {
                throw new ArgumentException($"Latency sample {i} is {recorded[i]}: samples must not be negative.", nameof(samples));
            }
        }

        return new ReplayModel(recorded);
    }

    private sealed class ConstantModel(TimeSpan latency) : LatencyModel
    {
        public override Func<TimeSpan> Start(Random random) => () => latency;

        public override string ToString() => $"constant {latency.TotalMilliseconds} ms";
    }

    private sealed class UniformModel(TimeSpan min, TimeSpan max) : LatencyModel
    {
        public override Func<TimeSpan> Start(Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            var span = max.Ticks - min.Ticks;
            return () => TimeSpan.FromTicks(min.Ticks + (long)(random.NextDouble() * span));
        }

        public override string ToString() => $"uniform [{min.TotalMilliseconds}, {max.TotalMilliseconds}) ms";
    }

    private sealed class LogNormalModel(TimeSpan median, TimeSpan p99) : LatencyModel
    {
        private const double Z99 = 2.3263478740408408; // the standard normal's 99th percentile

        public override Func<TimeSpan> Start(Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            var mu = Math.Log(median.Ticks);
            var sigma = Math.Log((double)p99.Ticks / median.Ticks) / Z99;
            return () =>
            {
                // Box–Muller: one normal draw from two uniforms.
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                return TimeSpan.FromTicks((long)Math.Exp(mu + (sigma * z)));
            };
        }

        public override string ToString() => $"log-normal median {median.TotalMilliseconds} ms, p99 {p99.TotalMilliseconds} ms";
    }

    private sealed class ReplayModel(ImmutableArray<TimeSpan> samples) : LatencyModel
    {
        public override Func<TimeSpan> Start(Random random)
        {
            ArgumentNullException.ThrowIfNull(random);
            var next = random.Next(samples.Length);
            return () =>
            {
                var sample = samples[next];
                next = next + 1 == samples.Length ? 0 : next + 1;
                return sample;
            };
        }

        public override string ToString() => $"replay of {samples.Length} samples";
    }
}
