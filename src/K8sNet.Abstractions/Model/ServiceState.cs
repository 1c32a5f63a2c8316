using System.Collections.Immutable;

namespace K8sNet;

/// <summary>
/// Everything an endpoint source knows about one Service at one moment: its spec and its EndpointSlices by name.
/// Immutable and versioned; an update replaces the spec or one slice and yields a new version.
/// </summary>
public sealed class ServiceState
{
    private ServiceState(ServiceName service, long version, ServiceSpecInfo? spec, ImmutableSortedDictionary<string, EndpointSliceInfo> slices, bool synced)
    {
        Service = service;
        Version = version;
        Spec = spec;
        Slices = slices;
        IsSynced = synced;
    }

    /// <summary>The Service.</summary>
    public ServiceName Service { get; }

    /// <summary>The version: it grows with every change the source publishes for this Service.</summary>
    public long Version { get; }

    /// <summary>The Service's spec; <see langword="null"/> when the Service does not exist (or is not known yet).</summary>
    public ServiceSpecInfo? Spec { get; }

    /// <summary>The Service's slices by name (ordinal order).</summary>
    public ImmutableSortedDictionary<string, EndpointSliceInfo> Slices { get; }

    /// <summary>Whether the source has completed its first sync for this Service, so an absent spec means "no such Service".</summary>
    public bool IsSynced { get; }

    /// <summary>Whether the Service exists.</summary>
    public bool Exists => Spec is not null;

    /// <summary>The state of a Service the source has not synced yet: version 0, no spec, no slices.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The initial state.</returns>
    public static ServiceState Initial(ServiceName service)
    {
        if (service.IsDefault)
        {
            throw new ArgumentException("default(ServiceName) names no Service.", nameof(service));
        }

        return new(service, 0, null, ImmutableSortedDictionary.Create<string, EndpointSliceInfo>(StringComparer.Ordinal), false);
    }

    /// <summary>A new version with <paramref name="spec"/> (or with the Service deleted, when <see langword="null"/>).</summary>
    /// <param name="spec">The new spec.</param>
    /// <returns>The new state, marked synced.</returns>
    public ServiceState WithSpec(ServiceSpecInfo? spec) => new(Service, Version + 1, spec, Slices, true);

    /// <summary>A new version with <paramref name="slice"/> added or replacing the slice of the same name.</summary>
    /// <param name="slice">The slice.</param>
    /// <returns>The new state.</returns>
    public ServiceState WithSlice(EndpointSliceInfo slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return new(Service, Version + 1, Spec, Slices.SetItem(slice.Name, slice), IsSynced);
    }

    /// <summary>A new version without the slice named <paramref name="sliceName"/>.</summary>
    /// <param name="sliceName">The slice's name.</param>
    /// <returns>The new state (a new version even when the slice was absent).</returns>
    public ServiceState WithoutSlice(string sliceName)
    {
        ArgumentNullException.ThrowIfNull(sliceName);
        return new(Service, Version + 1, Spec, Slices.Remove(sliceName), IsSynced);
    }

    /// <summary>A new version with the spec and every slice replaced at once (a relist).</summary>
    /// <param name="spec">The spec, or <see langword="null"/> when the Service does not exist.</param>
    /// <param name="slices">The slices.</param>
    /// <returns>The new state, marked synced.</returns>
    public ServiceState WithAll(ServiceSpecInfo? spec, IEnumerable<EndpointSliceInfo> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, EndpointSliceInfo>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            builder[slice.Name] = slice;
        }

        return new(Service, Version + 1, spec, builder.ToImmutable(), true);
    }

    /// <summary>A new version marked synced, with nothing else changed.</summary>
    /// <returns>The new state.</returns>
    public ServiceState AsSynced() => new(Service, Version + 1, Spec, Slices, true);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Service} v{Version}: {(Spec is null ? (IsSynced ? "absent" : "not synced") : Spec.Type.ToString())}, {Slices.Count} slice(s)";
}
