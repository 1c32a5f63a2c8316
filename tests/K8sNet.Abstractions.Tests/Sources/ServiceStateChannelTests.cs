namespace K8sNet.Abstractions.Tests.Sources;

public class ServiceStateChannelTests
{
    private static readonly ServiceName Web = new("default", "web");

    [Fact]
    public async Task ReadNewerAsync_SlowReader_SkipsToTheNewest_AndNeverGoesBack()
    {
        var channel = ServiceStateChannel.Create();
        var v1 = ServiceState.Initial(Web).AsSynced();
        var v2 = v1.WithSpec(new ServiceSpecInfo());
        var v3 = v2.WithSpec(new ServiceSpecInfo { ClusterIPs = ["10.96.0.9"] });
        Assert.True(channel.Writer.TryWrite(v2));
        Assert.True(channel.Writer.TryWrite(v3)); // drops v2: one slot
        channel.Writer.TryComplete();

        var seen = new List<ServiceState>();
        await foreach (var s in ServiceStateChannel.ReadNewerAsync(channel.Reader, v1.Version))
        {
            seen.Add(s);
        }

        Assert.Equal([v3], seen);

        var stale = ServiceStateChannel.Create();
        stale.Writer.TryWrite(v2);
        stale.Writer.TryComplete();
        await foreach (var s in ServiceStateChannel.ReadNewerAsync(stale.Reader, v3.Version))
        {
            Assert.Fail($"a state older than the one held was yielded: {s}");
        }
    }
}
