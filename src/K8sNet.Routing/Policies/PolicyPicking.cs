using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>The fallback every policy shares when its first choice is not preferred (ejected or already tried).</summary>
internal static class PolicyPicking
{
    /// <summary>
    /// From <paramref name="start"/>, the first endpoint that is preferred; else the first not ejected (an endpoint
    /// already tried); else the first not already tried; else the one at <paramref name="start"/>.
    /// </summary>
    public static ServiceEndpoint Scan(ImmutableArray<ServiceEndpoint> endpoints, int start, in PickContext context)
    {
        var n = endpoints.Length;
        ServiceEndpoint? healthy = null;
        ServiceEndpoint? untried = null;
        for (var k = 0; k < n; k++)
        {
            var ep = endpoints[(start + k) % n];
            var ejected = !context.IgnoreHealth && ep.Stats.IsEjected;
            var tried = context.IsExcluded(ep);
            if (!ejected && !tried)
            {
                return ep;
            }

            if (!ejected)
            {
                healthy ??= ep;
            }
            else if (!tried)
            {
                untried ??= ep;
            }
        }

        return healthy ?? untried ?? endpoints[start % n];
    }
}
