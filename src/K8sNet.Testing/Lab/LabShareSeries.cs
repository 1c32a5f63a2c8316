using System.Collections.Immutable;

namespace K8sNet.Testing.Lab;

/// <summary>Each endpoint's share of the attempts over time, in buckets of equal width (by when each attempt was sent).</summary>
public sealed class LabShareSeries
{
    private readonly int[,] _counts;
    private readonly int[] _totals;

    internal LabShareSeries(TimeSpan width, ImmutableArray<string> endpoints, int[,] counts, int[] totals)
    {
        BucketWidth = width;
        Endpoints = endpoints;
        _counts = counts;
        _totals = totals;
    }

    /// <summary>The width of a bucket.</summary>
    public TimeSpan BucketWidth { get; }

    /// <summary>The endpoints, in the order of the scenario (added ones last).</summary>
    public ImmutableArray<string> Endpoints { get; }

    /// <summary>How many buckets.</summary>
    public int Buckets => _totals.Length;

    /// <summary>When bucket <paramref name="bucket"/> starts.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <returns>Its start, from the start of the run.</returns>
    public TimeSpan BucketStart(int bucket) => BucketWidth * bucket;

    /// <summary>Attempts sent to endpoint <paramref name="endpoint"/> (an index into <see cref="Endpoints"/>) in a bucket.</summary>
    /// <param name="endpoint">The endpoint's index.</param>
    /// <param name="bucket">The bucket.</param>
    /// <returns>The count.</returns>
    public int Count(int endpoint, int bucket) => _counts[endpoint, bucket];

    /// <summary>The share of a bucket's attempts sent to endpoint <paramref name="endpoint"/>, from 0 to 1 (0 for an empty bucket).</summary>
    /// <param name="endpoint">The endpoint's index.</param>
    /// <param name="bucket">The bucket.</param>
    /// <returns>The share.</returns>
    public double Share(int endpoint, int bucket) => _totals[bucket] == 0 ? 0 : _counts[endpoint, bucket] / (double)_totals[bucket];

    /// <summary>Attempts sent in a bucket, to any endpoint.</summary>
    /// <param name="bucket">The bucket.</param>
    /// <returns>The count.</returns>
    public int Total(int bucket) => _totals[bucket];
}
