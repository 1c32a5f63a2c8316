using System.Collections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ServiceDiscovery;

namespace K8sNet.ServiceDiscovery;

/// <summary>
/// The features of one endpoint given to M.E.SD: its host name and K8sNet's endpoint, read-only. M.E.SD looks up the
/// host name on every request; two fields compared by type cost less than <c>FeatureCollection</c>'s dictionary
/// (ServiceDiscoveryBenchmarks, 2026-12-07).
/// </summary>
internal sealed class EndpointFeatures(IHostNameFeature? hostName, K8sNetEndpointFeature? endpoint) : IFeatureCollection
{
    public bool IsReadOnly => true;

    public int Revision => 0;

    public object? this[Type key]
    {
        get => key == typeof(IHostNameFeature) ? hostName : key == typeof(K8sNetEndpointFeature) ? endpoint : null;
        set => throw new NotSupportedException("The features of a K8sNet endpoint are read-only.");
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => throw new NotSupportedException("The features of a K8sNet endpoint are read-only.");

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        if (hostName is not null)
        {
            yield return new(typeof(IHostNameFeature), hostName);
        }

        if (endpoint is not null)
        {
            yield return new(typeof(K8sNetEndpointFeature), endpoint);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
