using System.Net;
using System.Net.Sockets;

namespace K8sNet.Testing.Network;

/// <summary>
/// The /16 of 127.0.0.0/8 a loopback-mode cluster gives its nodes and pods (127.B.N.0/24 for node N, nodes at
/// 127.B.255.N), claimed across every process on the machine by binding 127.B.255.254:47651 for the cluster's life, so
/// that clusters running side by side (parallel tests, several test assemblies) never share an address.
/// </summary>
internal sealed class LoopbackBlock : IDisposable
{
    private const int ClaimPort = 47651;
    private readonly Socket _claim;

    private LoopbackBlock(byte block, Socket claim)
    {
        Block = block;
        _claim = claim;
    }

    /// <summary>The second octet.</summary>
    public byte Block { get; }

    public string PodCidr(int node) => $"127.{Block}.{node}.0/24";

    public string NodeAddress(int node) => $"127.{Block}.255.{node + 2}";

    public static LoopbackBlock Claim()
    {
        var start = Random.Shared.Next(1, 255);
        for (var i = 0; i < 254; i++)
        {
            var block = (byte)((start + i - 1) % 254 + 1); // 1..254: 127.0.x.x holds 127.0.0.1
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(new IPAddress([127, block, 255, 254]), ClaimPort));
                socket.Listen(1);
                return new LoopbackBlock(block, socket);
            }
            catch (SocketException)
            {
                socket.Dispose(); // taken by another cluster
            }
        }

        throw new InvalidOperationException("No free /16 in 127.0.0.0/8 for a loopback-mode FakeCluster: 254 clusters are running on this machine.");
    }

    public void Dispose() => _claim.Dispose();
}
