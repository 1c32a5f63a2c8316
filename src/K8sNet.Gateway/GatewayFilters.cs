using System.Globalization;
using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Gateway;

// The HTTPRoute filters' effects on a request (GW httproute_types.go HTTPHeaderFilter, HTTPPathModifier,
// HTTPRequestRedirectFilter), computed when a decision is read.
internal static class GatewayFilters
{
    // ReplaceFullPath: the value. ReplacePrefixMatch: the matched prefix (element-wise, its trailing '/' ignored) is
    // replaced by the value (its trailing '/' ignored), keeping what followed it; an empty result is "/". This gives
    // every row of the HTTPPathModifier.ReplacePrefixMatch table.
    public static string ModifyPath(string path, V1HTTPPathModifier modifier, string? matchedPrefix)
    {
        if (modifier.Type == "ReplaceFullPath")
        {
            return modifier.ReplaceFullPath is { Length: > 0 } full ? full : "/";
        }

        var prefix = (matchedPrefix ?? "/").TrimEnd('/');
        var rest = path.Length >= prefix.Length ? path[prefix.Length..] : string.Empty;
        var result = (modifier.ReplacePrefixMatch ?? string.Empty).TrimEnd('/') + rest;
        return result.Length == 0 ? "/" : result[0] == '/' ? result : "/" + result;
    }

    // set overwrites (every value of the name becomes one), add appends to the first value with a comma or adds the
    // header, remove drops every value; names case-insensitive; in the order set, add, remove; filters in order.
    public static IReadOnlyList<KeyValuePair<string, string>> ModifyHeaders(IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<V1HTTPHeaderFilter> filters)
    {
        if (filters.Count == 0)
        {
            return headers;
        }

        var result = headers.ToList();
        foreach (var filter in filters)
        {
            foreach (var set in filter.Set ?? [])
            {
                var at = result.FindIndex(h => Same(h.Key, set.Name));
                result.RemoveAll(h => Same(h.Key, set.Name));
                result.Insert(at < 0 ? result.Count : Math.Min(at, result.Count), new(set.Name, set.Value));
            }

            foreach (var add in filter.Add ?? [])
            {
                var at = result.FindIndex(h => Same(h.Key, add.Name));
                if (at < 0)
                {
                    result.Add(new(add.Name, add.Value));
                }
                else
                {
                    result[at] = new(result[at].Key, result[at].Value + "," + add.Value);
                }
            }

            foreach (var name in filter.Remove ?? [])
            {
                result.RemoveAll(h => Same(h.Key, name));
            }
        }

        return result;
    }

    public static string Location(GatewayRequest request, V1HTTPRequestRedirectFilter redirect, int listenerPort, string? matchedPrefix)
    {
        var scheme = redirect.Scheme ?? request.Scheme;
        var host = redirect.Hostname ?? request.HostName;
        var port = redirect.Port ?? (redirect.Scheme is { } s ? WellKnownPort(s) : listenerPort);
        var path = redirect.Path is { } modifier ? ModifyPath(request.Path, modifier, matchedPrefix) : request.Path;
        var query = request.Query.Length > 0 ? "?" + request.Query : string.Empty;
        if (host.Length == 0)
        {
            return path + query; // no Host to send the client to: a relative Location, on the same authority
        }

        var authority = port == WellKnownPort(scheme) ? host : host + ":" + port.ToString(CultureInfo.InvariantCulture);
        return $"{scheme}://{authority}{path}{query}";
    }

    private static int WellKnownPort(string scheme) => scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
