using FsCheck;
using FsCheck.Fluent;
using K8sNet.Testing.Generators;

namespace K8sNet.Testing.Tests.Generators;

public class EndpointGenTests
{
    [Fact]
    public void EndpointSet_EligibleAreAmongAll_AndEmptyAndNonEmptySetsOccur()
    {
        var sets = EndpointGen.EndpointSet().Sample(500, 30);

        Assert.All(sets, s =>
        {
            Assert.Equal(new ServiceName("default", "orders"), s.Service);
            Assert.All(s.Eligible, e => Assert.Contains(e, s.All));
            Assert.Equal(s.Eligible.IsEmpty, s.Status is not (EndpointSetStatus.Ready or EndpointSetStatus.TerminatingFallback));
        });
        Assert.Contains(sets, s => s.Eligible.Length > 3);
        Assert.Contains(sets, s => s.Eligible.IsEmpty);
        Assert.Contains(sets, s => s.Eligible.Length < s.All.Length); // conditions and topology leave some out
    }
}
