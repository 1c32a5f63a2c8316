using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace K8sNet.Routing;

/// <summary>
/// Turns a Service's states into one <see cref="EndpointSet"/> per Service port for one client, incrementally: what
/// <see cref="ServiceRouter"/> runs on each change, and what K8sNet.FakeCluster's kube-proxy merges slices with.
/// </summary>
/// <remarks>
/// <para>
/// Merging follows kube-proxy's EndpointSliceCache: per slice port (skipping ports without a name or number), every
/// endpoint's first address and the port form the key <c>ip:port</c>; the same key from several slices keeps the
/// first seen unless a later one is not terminating (slices taken in name order). Categorisation is
/// <see cref="EndpointCategorizer"/> for this client's node and zone; the eligible endpoints are those for traffic from
/// inside the cluster.
/// </para>
/// <para>
/// <see cref="Update"/> compares the new state's slices with the last one's by reference: replacing one slice costs
/// O(that slice) plus one copy of the port's endpoints. Endpoints that stay keep their <see cref="ServiceEndpoint"/>
/// (when unchanged) or at least their <see cref="EndpointStats"/>; an address another pod takes over (its <c>targetRef</c>
/// differs) starts with fresh statistics. Not thread-safe: one writer at a time; the sets it
/// returns are immutable and may be read anywhere.
/// </para>
/// </remarks>
public sealed class EndpointSetBuilder
{
    private readonly ServiceName _service;
    private readonly ClientTopology _client;
    private readonly EndpointSetOptions _options;
    private readonly Dictionary<ServicePortKey, PortAccumulator> _ports = [];
    private readonly Dictionary<string, SliceEntry> _slices = new(StringComparer.Ordinal);
    private ImmutableDictionary<ServicePortKey, EndpointSet> _sets = ImmutableDictionary<ServicePortKey, EndpointSet>.Empty;
    private ServiceState? _state;
    private (bool V4, bool V6) _families;

    /// <summary>Creates a builder for one Service and one client.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="client">The client's node and zone.</param>
    /// <param name="options">Options; defaults when <see langword="null"/>.</param>
    public EndpointSetBuilder(ServiceName service, ClientTopology client, EndpointSetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _service = service;
        _client = client;
        _options = options ?? new EndpointSetOptions();
    }

    /// <summary>The current sets, one per Service port.</summary>
    public ImmutableDictionary<ServicePortKey, EndpointSet> Sets => _sets;

    /// <summary>The state the current sets were built from.</summary>
    public ServiceState? State => _state;

    /// <summary>Applies a new state of the Service.</summary>
    /// <param name="state">The state (of the builder's Service).</param>
    /// <returns>The sets, one per Service port; unchanged ports keep their set object.</returns>
    public ImmutableDictionary<ServicePortKey, EndpointSet> Update(ServiceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Service != _service)
        {
            throw new ArgumentException($"State of '{state.Service}' given to the builder of '{_service}'.", nameof(state));
        }

        var previous = _state;
        var families = Families(state.Spec);
        var familiesChanged = families != _families;
        _families = families;

        if (previous is null || familiesChanged)
        {
            foreach (var (name, entry) in _slices.ToArray())
            {
                RemoveSlice(name, entry);
            }

            foreach (var (name, slice) in state.Slices)
            {
                AddSlice(name, slice, previous: null);
            }
        }
        else
        {
            DiffSlices(previous.Slices, state.Slices);
        }

        var changedPorts = new HashSet<ServicePortKey>();
        foreach (var (key, acc) in _ports)
        {
            if (acc.Flush())
            {
                changedPorts.Add(key);
            }
        }

        var specChanged = !ReferenceEquals(previous?.Spec, state.Spec) || previous?.IsSynced != state.IsSynced;
        var builder = ImmutableDictionary.CreateBuilder<ServicePortKey, EndpointSet>();
        if (state.Spec is { } spec)
        {
            foreach (var port in spec.Ports)
            {
                var key = port.Key;
                if (!specChanged && !changedPorts.Contains(key) && _sets.TryGetValue(key, out var unchanged))
                {
                    builder[key] = unchanged;
                    continue;
                }

                builder[key] = _ports.TryGetValue(key, out var acc) ? BuildSet(state, spec, port, acc.Sorted, acc.Summary) : BuildSet(state, spec, port, [], null);
            }
        }

        _sets = builder.ToImmutable();
        _state = state;
        return _sets;
    }

    /// <summary>The set for a Service port, or an empty one saying why there is none.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The set.</returns>
    public EndpointSet GetSet(ServicePortKey port)
    {
        if (_sets.TryGetValue(port, out var set))
        {
            return set;
        }

        var status = _state is null || !_state.IsSynced ? EndpointSetStatus.NotSynced : EndpointSetStatus.UnknownService;
        return EndpointSet.Empty(_service, port, _state?.Version ?? 0, status);
    }

    private EndpointSet BuildSet(ServiceState state, ServiceSpecInfo spec, ServicePortInfo port, ServiceEndpoint[] all, ReadySummary? summary)
    {
        var traffic = ServicePortTraffic.For(spec, port);
        var categories = EndpointCategorizer.Categorize(ImmutableCollectionsMarshal.AsImmutableArray(all), traffic, _client, _options.PreferSameTrafficDistribution, summary);
        var eligible = categories.ForInternalTraffic;
        if (_options.ZoneAware.Enabled && categories.TopologyMode == TopologyMode.None)
        {
            eligible = PreferClientZone(eligible);
        }

        var status = !categories.HasAnyEndpoints ? EndpointSetStatus.NoEndpoints
            : eligible.IsEmpty ? EndpointSetStatus.NoneEligible
            : (traffic.InternalPolicyLocal ? categories.LocalUsesTerminating : categories.ClusterUsesTerminating) ? EndpointSetStatus.TerminatingFallback
            : EndpointSetStatus.Ready;
        return new EndpointSet(_service, port.Key, state.Version, ImmutableCollectionsMarshal.AsImmutableArray(all), eligible, status);
    }

    private ImmutableArray<ServiceEndpoint> PreferClientZone(ImmutableArray<ServiceEndpoint> eligible)
    {
        var zone = _client.Zone;
        var o = _options.ZoneAware;
        if (string.IsNullOrEmpty(zone) || eligible.Length < o.MinimumEndpoints)
        {
            return eligible;
        }

        var zones = new HashSet<string>(StringComparer.Ordinal);
        var local = ImmutableArray.CreateBuilder<ServiceEndpoint>();
        foreach (var ep in eligible)
        {
            zones.Add(ep.Zone ?? string.Empty);
            if (string.Equals(ep.Zone, zone, StringComparison.Ordinal))
            {
                local.Add(ep);
            }
        }

        var fairShare = (double)eligible.Length / zones.Count;
        return local.Count > 0 && local.Count >= fairShare * o.PanicThreshold ? local.DrainToImmutable() : eligible;
    }

    private void RemoveSlice(string name, SliceEntry entry)
    {
        foreach (var (port, endpoints) in entry.PerPort)
        {
            _ports[port].Remove(name, endpoints);
        }

        _slices.Remove(name);
    }

    // Both dictionaries are ordered by ordinal name: walk them side by side, no lookups.
    private void DiffSlices(ImmutableSortedDictionary<string, EndpointSliceInfo> before, ImmutableSortedDictionary<string, EndpointSliceInfo> after)
    {
        using var b = before.GetEnumerator();
        using var a = after.GetEnumerator();
        var hasB = b.MoveNext();
        var hasA = a.MoveNext();
        while (hasB || hasA)
        {
            var c = !hasB ? 1 : !hasA ? -1 : string.CompareOrdinal(b.Current.Key, a.Current.Key);
            if (c < 0)
            {
                RemoveSlice(b.Current.Key, _slices[b.Current.Key]);
                hasB = b.MoveNext();
            }
            else if (c > 0)
            {
                AddSlice(a.Current.Key, a.Current.Value, previous: null);
                hasA = a.MoveNext();
            }
            else
            {
                if (!ReferenceEquals(b.Current.Value, a.Current.Value))
                {
                    AddSlice(a.Current.Key, a.Current.Value, previous: _slices[a.Current.Key]);
                }

                hasB = b.MoveNext();
                hasA = a.MoveNext();
            }
        }
    }

    private void AddSlice(string name, EndpointSliceInfo slice, SliceEntry? previous)
    {
        var perPort = new Dictionary<ServicePortKey, ServiceEndpoint?[]>();
        if (Accepts(slice.AddressType))
        {
            foreach (var port in slice.Ports)
            {
                if (port.Name is null || port.Port is null or 0)
                {
                    continue; // kube-proxy skips ports without a name (nil, not "") and ports without a number
                }

                var key = new ServicePortKey(port.Name, port.Protocol);
                if (!_ports.TryGetValue(key, out var acc))
                {
                    acc = new PortAccumulator();
                    _ports[key] = acc;
                }

                var before = previous?.PerPort.GetValueOrDefault(key);
                var eps = new ServiceEndpoint?[slice.Endpoints.Length];
                for (var i = 0; i < eps.Length; i++)
                {
                    var raw = slice.Endpoints[i];

                    // The same endpoint at the same position of the slice's previous version: keep its object.
                    if (before is not null && i < before.Length && before[i] is { } old && old.Port == port.Port.Value && SameForRouting(old.Source, raw))
                    {
                        eps[i] = old;
                        continue;
                    }

                    if (!IPAddress.TryParse(raw.Address, out var ip) || !Accepts(ip.AddressFamily))
                    {
                        continue;
                    }

                    var endpointKey = new IPEndPoint(ip, port.Port.Value).ToString();
                    eps[i] = Reuse(key, endpointKey, raw) ?? new ServiceEndpoint(ip, port.Port.Value, raw, acc.StatsFor(endpointKey, raw.TargetRef));
                }

                perPort[key] = eps;
                if (before is not null)
                {
                    acc.Replace(name, before, eps);
                }
                else
                {
                    acc.Add(name, eps);
                }
            }
        }

        if (previous is not null)
        {
            foreach (var (port, endpoints) in previous.PerPort)
            {
                if (!perPort.ContainsKey(port))
                {
                    _ports[port].Remove(name, endpoints);
                }
            }
        }

        _slices[name] = new SliceEntry(slice, perPort);
    }

    // The same endpoint in the slice's previous version (already removed from the accumulator but still in the old
    // set): reuse its ServiceEndpoint when nothing routing reads has changed.
    private ServiceEndpoint? Reuse(ServicePortKey port, string endpointKey, Endpoint raw)
    {
        if (!_sets.TryGetValue(port, out var set))
        {
            return null;
        }

        var all = set.All;
        int lo = 0, hi = all.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(all[mid].Key, endpointKey);
            if (c == 0)
            {
                return SameForRouting(all[mid].Source, raw) ? all[mid] : null;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }

    private static bool SameForRouting(Endpoint a, Endpoint b) =>
        ReferenceEquals(a, b)
        || (a.Conditions == b.Conditions
            && string.Equals(a.Address, b.Address, StringComparison.Ordinal)
            && string.Equals(a.NodeName, b.NodeName, StringComparison.Ordinal)
            && string.Equals(a.Zone, b.Zone, StringComparison.Ordinal)
            && string.Equals(a.Hostname, b.Hostname, StringComparison.Ordinal)
            && SameStrings(a.ZoneHints, b.ZoneHints)
            && SameStrings(a.NodeHints, b.NodeHints)
            && Equals(a.TargetRef, b.TargetRef));

    private static bool SameStrings(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var x = a.IsDefault ? [] : a;
        var y = b.IsDefault ? [] : b;
        if (x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private bool Accepts(AddressType type) => type switch
    {
        AddressType.IPv4 => _families.V4,
        AddressType.IPv6 => _families.V6,
        _ => false, // FQDN slices are not routable; kube-proxy ignores them too
    };

    private bool Accepts(AddressFamily family) =>
        family == AddressFamily.InterNetwork ? _families.V4 : family == AddressFamily.InterNetworkV6 && _families.V6;

    private (bool V4, bool V6) Families(ServiceSpecInfo? spec)
    {
        switch (_options.AddressFamily)
        {
            case EndpointAddressFamily.IPv4:
                return (true, false);
            case EndpointAddressFamily.IPv6:
                return (false, true);
            case EndpointAddressFamily.Any:
                return (true, true);
            default:
                if (spec is not null && spec.ClusterIPs.Length > 0 && IPAddress.TryParse(spec.ClusterIPs[0], out var ip))
                {
                    return ip.AddressFamily == AddressFamily.InterNetworkV6 ? (false, true) : (true, false);
                }

                return (true, true);
        }
    }

    private sealed record SliceEntry(EndpointSliceInfo Slice, Dictionary<ServicePortKey, ServiceEndpoint?[]> PerPort);
}
