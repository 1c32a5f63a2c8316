using System.Text.RegularExpressions;

namespace K8sNet.Gateway;

public sealed partial class GatewayRouter
{
    // Hostname-keyed lookups: exact names, wildcards by the suffix after "*.", and the entry without a hostname. A name
    // tries itself, then each wildcard suffix from the longest (the most specific) down, then the entry without one.
    internal sealed class HostIndex<T>
        where T : class
    {
        private readonly Dictionary<string, T> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, T> _wildcard = new(StringComparer.Ordinal);
        private Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
        private Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;

        public T? Any { get; set; }

        public IEnumerable<T> All => _exact.Values.Concat(_wildcard.Values).Concat(Any is null ? [] : [Any]);

        public T GetOrAdd(string hostname, Func<T> create)
        {
            if (hostname.Length == 0)
            {
                return Any ??= create();
            }

            var (map, key) = hostname.StartsWith("*.", StringComparison.Ordinal) ? (_wildcard, hostname[2..]) : (_exact, hostname);
            if (!map.TryGetValue(key, out var value))
            {
                map[key] = value = create();
            }

            return value;
        }

        public void Seal()
        {
            _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
            _wildcardLookup = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        // The i-th candidate for a name (0: exact, then wildcard suffixes, then Any); false when there are no more.
        public bool TryGet(ReadOnlySpan<char> name, ref int cursor, out T? value)
        {
            value = null;
            if (cursor == 0)
            {
                cursor = name.IsEmpty || name[0] == '.' ? -1 : name.IndexOf('.');
                if (!name.IsEmpty && _exact.Count > 0 && _exactLookup.TryGetValue(name, out value))
                {
                    return true;
                }
            }

            while (cursor > 0)
            {
                var suffix = name[(cursor + 1)..];
                var next = suffix.IndexOf('.');
                var found = _wildcard.Count > 0 && _wildcardLookup.TryGetValue(suffix, out value);
                cursor = next < 0 ? -1 : cursor + 1 + next;
                if (found)
                {
                    return true;
                }
            }

            if (cursor == -1)
            {
                cursor = -2;
                value = Any;
                return value is not null;
            }

            return false;
        }

        // A TLS server name: exact, then a wildcard of one label, then Any.
        public T? GetOneLabel(ReadOnlySpan<char> name)
        {
            if (!name.IsEmpty && _exact.Count > 0 && _exactLookup.TryGetValue(name, out var exact))
            {
                return exact;
            }

            var dot = name.IndexOf('.');
            return dot > 0 && _wildcard.Count > 0 && _wildcardLookup.TryGetValue(name[(dot + 1)..], out var wild) ? wild : Any;
        }
    }

    private sealed class GatewayTable(GatewayTarget noListener)
    {
        public Dictionary<int, HttpPort> Http { get; } = [];

        public Dictionary<(int Port, string Protocol), L4Listener> L4 { get; } = [];

        public GatewayDecision Route(GatewayRequest request, Random random)
        {
            if (!Http.TryGetValue(request.Port, out var port))
            {
                return new(noListener, request);
            }

            var cursor = 0;
            var listener = port.Listeners.TryGet(request.HostName, ref cursor, out var byHost) ? byHost : null;
            if (request.ServerName is { } sni && !sni.Equals(request.HostName, StringComparison.Ordinal))
            {
                // HTTPS: the listener is chosen by SNI; a Host that another listener serves is misdirected (421).
                cursor = 0;
                var bySni = port.Listeners.TryGet(sni, ref cursor, out var s) ? s : null;
                if (listener is not null && bySni is not null && !ReferenceEquals(listener, bySni))
                {
                    return new(bySni.Misdirected, request);
                }

                listener = bySni;
            }

            return listener is null ? new(port.NoListener, request) : new(listener.Match(request, random) ?? listener.NotFound, request);
        }

        public GatewayDecision RouteConnection(int port, string protocol, string? serverName, Random random)
        {
            if (!L4.TryGetValue((port, protocol), out var listener))
            {
                return new(noListener, null);
            }

            var route = protocol == "TLS" ? listener.Hosts.GetOneLabel(serverName) : listener.Hosts.Any;
            return new(route?.Pick(random) ?? listener.NotFound, null);
        }
    }

    // The HTTP and HTTPS listeners on one port, by hostname.
    private sealed class HttpPort(GatewayTarget noListener)
    {
        public HostIndex<HttpListener> Listeners { get; } = new();

        public GatewayTarget NoListener { get; } = noListener;
    }

    private sealed class HttpListener
    {
        public HostIndex<Bucket> Hosts { get; } = new();

        public GatewayTarget NotFound { get; set; } = null!;

        public GatewayTarget Misdirected { get; set; } = null!;

        public GatewayTarget? Match(GatewayRequest request, Random random)
        {
            var cursor = 0;
            while (Hosts.TryGet(request.HostName, ref cursor, out var bucket))
            {
                if (bucket!.Match(request) is { } candidate)
                {
                    return candidate.Pick(random);
                }
            }

            return null;
        }
    }

    private sealed class L4Listener
    {
        public HostIndex<Candidate> Hosts { get; } = new();

        public GatewayTarget NotFound { get; set; } = null!;
    }

    // The rules of one (listener, route hostname), indexed by path: Exact paths by the path, PathPrefix paths by the
    // path without trailing slashes, the rest (regular expressions, gRPC method-only matches) in precedence order.
    private sealed class Bucket
    {
        private readonly Dictionary<string, CandidateList> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, CandidateList> _prefix = new(StringComparer.Ordinal);
        private Dictionary<string, CandidateList>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
        private Dictionary<string, CandidateList>.AlternateLookup<ReadOnlySpan<char>> _prefixLookup;
        private CandidateList _other = new([]);

        public List<Candidate> Entries { get; } = [];

        public void Seal()
        {
            foreach (var group in Entries.Where(e => e.PathKind == PathKind.Exact).GroupBy(e => e.PathValue))
            {
                _exact[group.Key] = new([.. group.Order(Candidate.Precedence)]);
            }

            foreach (var group in Entries.Where(e => e.PathKind == PathKind.Prefix).GroupBy(e => e.PathValue.TrimEnd('/')))
            {
                _prefix[group.Key] = new([.. group.Order(Candidate.Precedence)]);
            }

            _other = new([.. Entries.Where(e => e.PathKind == PathKind.Other).Order(Candidate.Precedence)]);
            _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
            _prefixLookup = _prefix.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Candidate? Match(GatewayRequest request)
        {
            var path = request.Path.AsSpan();
            if (_exact.Count > 0 && _exactLookup.TryGetValue(path, out var exact) && exact.First(request) is { } e)
            {
                return e;
            }

            if (_other.First(request) is { } o)
            {
                return o;
            }

            if (_prefix.Count > 0)
            {
                var candidate = path.TrimEnd('/');
                while (true)
                {
                    if (_prefixLookup.TryGetValue(candidate, out var list) && list.First(request) is { } p)
                    {
                        return p;
                    }

                    if (candidate.IsEmpty)
                    {
                        return null;
                    }

                    candidate = candidate[..candidate.LastIndexOf('/')];
                }
            }

            return null;
        }
    }

    // The candidates sharing a path, in precedence order. When many of them need the same header to have an exact value
    // (tenants, versions...), they are also indexed by that value: a request then checks the candidates needing its
    // value merged, in precedence order, with those not needing one, instead of all of them.
    private sealed class CandidateList
    {
        private const int IndexFrom = 8;
        private readonly Candidate[] _all;
        private readonly string? _header;
        private readonly Dictionary<string, Candidate[]>? _byValue;
        private readonly Candidate[] _rest = [];

        public CandidateList(Candidate[] all)
        {
            _all = all;
            for (var i = 0; i < all.Length; i++)
            {
                all[i].Position = i;
            }

            if (all.Length < IndexFrom)
            {
                return;
            }

            var header = all.SelectMany(c => c.Headers.Where(h => h.Pattern is null).Select(h => h.Name.ToLowerInvariant()))
                .GroupBy(n => n).OrderByDescending(g => g.Count()).FirstOrDefault();
            if (header is null || header.Count() < all.Length / 2)
            {
                return;
            }

            _header = header.Key;
            _byValue = all.Where(c => ExactValue(c) is not null).GroupBy(c => ExactValue(c)!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
            _rest = [.. all.Where(c => ExactValue(c) is null)];
        }

        public Candidate? First(GatewayRequest request)
        {
            if (_header is null)
            {
                foreach (var candidate in _all)
                {
                    if (candidate.Matches(request))
                    {
                        return candidate;
                    }
                }

                return null;
            }

            var keyed = request.Header(_header) is { } value && _byValue!.TryGetValue(value, out var found) ? found : [];
            int k = 0, r = 0;
            while (k < keyed.Length || r < _rest.Length)
            {
                var next = r >= _rest.Length || (k < keyed.Length && keyed[k].Position < _rest[r].Position) ? keyed[k++] : _rest[r++];
                if (next.Matches(request))
                {
                    return next;
                }
            }

            return null;
        }

        private string? ExactValue(Candidate candidate)
        {
            foreach (var h in candidate.Headers)
            {
                if (h.Pattern is null && h.Name.Equals(_header, StringComparison.OrdinalIgnoreCase))
                {
                    return h.Value;
                }
            }

            return null;
        }
    }

    internal enum PathKind
    {
        Exact,
        Prefix,
        Other,
    }

    internal sealed record HeaderCondition(string Name, string Value, Regex? Pattern);

    // One match of one rule, with the targets its backends give (fixed per listener and hostname).
    private sealed class Candidate
    {
        public static readonly IComparer<Candidate> Precedence = Comparer<Candidate>.Create((a, b) => a.Rank.CompareTo(b.Rank));

        public PathKind PathKind { get; init; }

        public string PathValue { get; init; } = "/";

        public Regex? PathPattern { get; init; }

        public string? Method { get; init; }

        public HeaderCondition[] Headers { get; init; } = [];

        public HeaderCondition[] Query { get; init; } = [];

        public bool GrpcOnly { get; init; }

        public Regex? GrpcService { get; init; }

        public Regex? GrpcMethod { get; init; }

        public string? GrpcMethodName { get; init; }

        public string? GrpcServiceName { get; init; }

        public (int, int, int, int, int, int, int, int) Rank { get; init; }

        public GatewayTarget[] Targets { get; init; } = [];

        // Its place in its CandidateList's precedence order.
        public int Position { get; set; }

        public int[] Cumulative { get; init; } = [];

        public GatewayTarget Pick(Random random)
        {
            if (Targets.Length == 1)
            {
                return Targets[0];
            }

            var x = random.Next(Cumulative[^1]);
            for (var i = 0; i < Cumulative.Length; i++)
            {
                if (x < Cumulative[i])
                {
                    return Targets[i];
                }
            }

            return Targets[^1];
        }

        public bool Matches(GatewayRequest request)
        {
            if ((GrpcOnly && !request.IsGrpc) || (Method is not null && !string.Equals(Method, request.Method, StringComparison.Ordinal)))
            {
                return false;
            }

            if (PathPattern is not null && !PathPattern.IsMatch(request.Path))
            {
                return false;
            }

            if (GrpcOnly && !GrpcMatches(request.Path))
            {
                return false;
            }

            foreach (var header in Headers)
            {
                if (request.Header(header.Name) is not { } value || !(header.Pattern?.IsMatch(value) ?? string.Equals(value, header.Value, StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            foreach (var query in Query)
            {
                if (!QueryMatches(request.Query, query))
                {
                    return false;
                }
            }

            return true;
        }

        // gRPC paths are /{service}/{method}.
        private bool GrpcMatches(ReadOnlySpan<char> path)
        {
            if (path.Length < 2 || path[0] != '/')
            {
                return false;
            }

            var rest = path[1..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || rest[(slash + 1)..].IndexOf('/') >= 0)
            {
                return false;
            }

            var service = rest[..slash];
            var method = rest[(slash + 1)..];
            return (GrpcService is null || GrpcService.IsMatch(service))
                && (GrpcMethod is null || GrpcMethod.IsMatch(method))
                && (GrpcServiceName is null || service.SequenceEqual(GrpcServiceName))
                && (GrpcMethodName is null || method.SequenceEqual(GrpcMethodName));
        }

        private static bool QueryMatches(ReadOnlySpan<char> query, HeaderCondition condition)
        {
            foreach (var range in query.Split('&'))
            {
                var pair = query[range];
                var eq = pair.IndexOf('=');
                var name = eq < 0 ? pair : pair[..eq];
                if (!name.SequenceEqual(condition.Name))
                {
                    continue;
                }

                var raw = eq < 0 ? [] : pair[(eq + 1)..];
                if (raw.IndexOfAny('%', '+') >= 0)
                {
                    var decoded = Uri.UnescapeDataString(raw.ToString().Replace('+', ' '));
                    return condition.Pattern?.IsMatch(decoded) ?? decoded == condition.Value;
                }

                return condition.Pattern?.IsMatch(raw) ?? raw.SequenceEqual(condition.Value);
            }

            return false;
        }
    }
}
