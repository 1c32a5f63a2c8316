using System.Net;
using System.Net.Sockets;

namespace K8sNet.Testing.Cluster;

/// <summary>Hands out addresses of one CIDR in order, skipping the network address and any reserved ones; thread-safe.</summary>
internal sealed class CidrAllocator
{
    private readonly Lock _gate = new();
    private readonly HashSet<UInt128> _used = [];
    private readonly UInt128 _first;
    private readonly UInt128 _last;
    private readonly bool _v6;
    private UInt128 _next;

    public CidrAllocator(string cidr, int skipFirst = 1)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var network) || !int.TryParse(cidr[(slash + 1)..], out var prefix))
        {
            throw new K8sNetFormatException(cidr, "CIDR", "must be an address and a prefix length, e.g. 10.96.0.0/12");
        }

        _v6 = network.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = _v6 ? 128 : 32;
        if (prefix < 0 || prefix > bits)
        {
            throw new K8sNetFormatException(cidr, "CIDR", $"prefix length must be between 0 and {bits}");
        }

        var value = ToNumber(network);
        var hostBits = bits - prefix;
        var mask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        _first = value & ~mask;
        _last = _first | mask;
        if (!_v6 && hostBits > 0)
        {
            _last--; // the IPv4 broadcast address
        }

        _next = _first + (UInt128)skipFirst;
        Cidr = cidr;
    }

    public string Cidr { get; }

    public bool IsIPv6 => _v6;

    public bool Contains(IPAddress address)
    {
        if ((address.AddressFamily == AddressFamily.InterNetworkV6) != _v6)
        {
            return false;
        }

        var n = ToNumber(address);
        return n >= _first && n <= _last;
    }

    /// <summary>The next free address, or <see langword="null"/> when the range is full.</summary>
    public IPAddress? Allocate()
    {
        lock (_gate)
        {
            for (UInt128 tries = 0; tries <= _last - _first; tries++)
            {
                if (_next > _last)
                {
                    _next = _first + 1;
                }

                var candidate = _next++;
                if (_used.Add(candidate))
                {
                    return FromNumber(candidate);
                }
            }

            return null;
        }
    }

    /// <summary>Takes a given address; false when it is outside the range or already taken.</summary>
    public bool TryAllocate(IPAddress address)
    {
        if (!Contains(address))
        {
            return false;
        }

        lock (_gate)
        {
            return _used.Add(ToNumber(address));
        }
    }

    public void Release(IPAddress address)
    {
        lock (_gate)
        {
            _used.Remove(ToNumber(address));
        }
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        UInt128 n = 0;
        foreach (var b in address.GetAddressBytes())
        {
            n = (n << 8) | b;
        }

        return n;
    }

    private IPAddress FromNumber(UInt128 n)
    {
        var bytes = new byte[_v6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(n & 0xFF);
            n >>= 8;
        }

        return new IPAddress(bytes);
    }
}
