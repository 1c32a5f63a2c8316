using K8sNet.Routing;
using Microsoft.Extensions.Time.Testing;
using static K8sNet.Routing.Tests.Policies.PolicyTestSupport;

namespace K8sNet.Routing.Tests.Health;

public class OutlierDetectorTests
{
    private static OutlierDetectionOptions Options(int maxPercent = 50) => new()
    {
        ConsecutiveFailures = 3,
        BaseEjectionTime = TimeSpan.FromSeconds(30),
        MaxEjectionTime = TimeSpan.FromSeconds(75),
        MaxEjectionPercent = maxPercent,
        Interval = TimeSpan.FromSeconds(10),
    };

    // One second at a time, so that each periodic review runs at its own time.
    private static void Step(FakeTimeProvider time, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static void Fail(OutlierDetector detector, EndpointSet set, ServiceEndpoint ep, int times, EndpointOutcome outcome = EndpointOutcome.ConnectFailure)
    {
        for (var i = 0; i < times; i++)
        {
            detector.Report(set, ep, outcome);
        }
    }

    [Fact]
    public void ConsecutiveFailures_Eject_ASuccessInBetweenStartsAgain()
    {
        var time = new FakeTimeProvider();
        using var detector = new OutlierDetector(Options(), time);
        var eps = MakeEndpoints(4);
        var set = Set(eps);

        Fail(detector, set, eps[0], 2);
        detector.Report(set, eps[0], EndpointOutcome.Success);
        Fail(detector, set, eps[0], 2);
        Assert.False(eps[0].Stats.IsEjected);

        Fail(detector, set, eps[0], 1);
        Assert.True(eps[0].Stats.IsEjected);
    }

    [Fact]
    public void Ejection_LastsBaseTimesCount_CappedAtMax_AndEndsAtReview()
    {
        var time = new FakeTimeProvider();
        using var detector = new OutlierDetector(Options(), time);
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        var durations = new List<TimeSpan>();
        detector.Ejected += (_, d) => durations.Add(d);

        for (var round = 0; round < 3; round++)
        {
            Fail(detector, set, eps[0], 3);
            Assert.True(eps[0].Stats.IsEjected);
            Step(time, durations[^1] - TimeSpan.FromSeconds(1));
            Assert.True(eps[0].Stats.IsEjected);

            // The first review at or after the end of the ejection returns it: within one interval.
            var waited = 0;
            while (eps[0].Stats.IsEjected)
            {
                Step(time, TimeSpan.FromSeconds(1));
                Assert.True(++waited <= 11, "returned within one review interval");
            }
        }

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(75)], durations);
    }

    [Fact]
    public void EjectionMultiplier_DropsWhileTheEndpointStaysHealthy()
    {
        var time = new FakeTimeProvider();
        using var detector = new OutlierDetector(Options(), time);
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        Fail(detector, set, eps[0], 3);
        Step(time, TimeSpan.FromSeconds(35)); // reviews at 10, 20 and 30 s: the last returns it
        Assert.False(eps[0].Stats.IsEjected);
        Assert.Equal(1, eps[0].Stats.EjectionCount);

        Step(time, TimeSpan.FromSeconds(10));

        Assert.Equal(0, eps[0].Stats.EjectionCount);
    }

    [Fact]
    public void MaxEjectionPercent_LimitsEjections_ButAlwaysAllowsOne_AndNeverTheLast()
    {
        var time = new FakeTimeProvider();
        using var tenPercent = new OutlierDetector(Options(maxPercent: 10), time);
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        foreach (var ep in eps)
        {
            Fail(tenPercent, set, ep, 3);
        }

        Assert.Equal(1, eps.Count(e => e.Stats.IsEjected)); // 10% of 4 is 0, but one may always be ejected

        using var all = new OutlierDetector(Options(maxPercent: 100), time);
        var two = MakeEndpoints(2);
        var twoSet = Set(two);
        Fail(all, twoSet, two[0], 3);
        Fail(all, twoSet, two[1], 3);
        Assert.Equal(1, two.Count(e => e.Stats.IsEjected)); // one always stays

        var single = MakeEndpoints(1);
        Fail(all, Set(single), single[0], 10);
        Assert.False(single[0].Stats.IsEjected);
    }

    [Fact]
    public void ServerErrors_CountUnlessConfiguredOtherwise_CancellationsNever()
    {
        var time = new FakeTimeProvider();
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        using var counting = new OutlierDetector(Options(), time);
        using var notCounting = new OutlierDetector(new OutlierDetectionOptions { ConsecutiveFailures = 3, CountServerErrors = false, MaxEjectionPercent = 50 }, time);

        Fail(counting, set, eps[0], 3, EndpointOutcome.ServerError);
        Fail(notCounting, set, eps[1], 3, EndpointOutcome.ServerError);
        Fail(counting, set, eps[2], 10, EndpointOutcome.Canceled);

        Assert.True(eps[0].Stats.IsEjected);
        Assert.False(eps[1].Stats.IsEjected);
        Assert.False(eps[2].Stats.IsEjected);
    }

    [Fact]
    public void Panic_WhenFewerThanTheThresholdAreHealthy()
    {
        var time = new FakeTimeProvider();
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        using var detector = new OutlierDetector(Options(maxPercent: 100), time);

        Fail(detector, set, eps[0], 3);
        Assert.False(detector.IsPanic(set)); // 3 of 4 healthy
        Fail(detector, set, eps[1], 3);
        Assert.False(detector.IsPanic(set)); // 2 of 4: not below 50%
        Fail(detector, set, eps[2], 3);
        Assert.True(detector.IsPanic(set)); // 1 of 4
    }

    [Fact]
    public void Disabled_NeverEjects()
    {
        var eps = MakeEndpoints(4);
        using var detector = new OutlierDetector(new OutlierDetectionOptions { Enabled = false }, new FakeTimeProvider());

        Fail(detector, Set(eps), eps[0], 100);

        Assert.False(eps[0].Stats.IsEjected);
    }
}
