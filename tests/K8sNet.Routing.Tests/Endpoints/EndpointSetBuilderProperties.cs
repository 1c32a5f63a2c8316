using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Routing;
using K8sNet.Testing.Generators;

namespace K8sNet.Routing.Tests.Endpoints;

public class EndpointSetBuilderProperties
{
    private static readonly ServiceName Svc = new("default", "svc");

    // Applying changes one slice at a time gives exactly what a builder that sees only the final state gives.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void Update_Incremental_EqualsFromScratch(Scenario scenario)
    {
        var incremental = new EndpointSetBuilder(Svc, scenario.Client);
        var state = ServiceState.Initial(Svc).WithSpec(scenario.Spec);
        incremental.Update(state);
        foreach (var step in scenario.Steps)
        {
            state = step.Remove ? state.WithoutSlice(step.Slice.Name) : state.WithSlice(step.Slice);
            incremental.Update(state);
        }

        var scratch = new EndpointSetBuilder(Svc, scenario.Client).Update(state);

        // The builder's incremental topology counts give what a full categorisation pass gives.
        foreach (var set in incremental.Sets.Values)
        {
            var port = scenario.Spec.Ports.Single(p => p.Key == set.Port);
            var direct = EndpointCategorizer.Categorize(set.All, ServicePortTraffic.For(scenario.Spec, port), scenario.Client);
            Assert.Equal(Describe(direct.ForInternalTraffic), Describe(set.Eligible));
        }

        foreach (var (key, set) in scratch)
        {
            var inc = incremental.Sets[key];
            Assert.Equal(Describe(set.All), Describe(inc.All));
            Assert.Equal(Describe(set.Eligible), Describe(inc.Eligible));
            Assert.Equal(set.Status, inc.Status);
        }
    }

    // The merged set holds each ip:port once, every key some slice carries, and keeps a non-terminating copy when any exists.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void Update_MergedSet_HasEveryKeyOnce_PreferringNonTerminating(Scenario scenario)
    {
        var state = ServiceState.Initial(Svc).WithSpec(scenario.Spec);
        foreach (var step in scenario.Steps)
        {
            state = step.Remove ? state.WithoutSlice(step.Slice.Name) : state.WithSlice(step.Slice);
        }

        var set = new EndpointSetBuilder(Svc, scenario.Client).Update(state)[new ServicePortKey("http", TransportProtocol.Tcp)];
        var carried = state.Slices.Values
            .SelectMany(s => s.Endpoints.Select(e => (Key: $"{e.Address}:{s.Ports[0].Port}", e)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Select(x => x.e).ToList());

        Assert.Equal(set.All.Length, set.All.Select(e => e.Key).Distinct().Count());
        Assert.Equal(carried.Keys.Order(StringComparer.Ordinal), set.All.Select(e => e.Key));
        foreach (var ep in set.All)
        {
            if (carried[ep.Key].Any(e => !e.Conditions.ProxyTerminating))
            {
                Assert.False(ep.IsTerminating, $"{ep.Key} kept a terminating copy while a running one exists");
            }
        }

        Assert.All(set.Eligible, e => Assert.Contains(e, set.All));
    }

    private static string[] Describe(IEnumerable<ServiceEndpoint> endpoints) =>
        [.. endpoints.Select(e => $"{e.Key} {e.Source.Conditions} {e.NodeName}")];

    public sealed record Step(bool Remove, EndpointSliceInfo Slice);

    public sealed record Scenario(ServiceSpecInfo Spec, ClientTopology Client, Step[] Steps)
    {
        public override string ToString() =>
            $"itp={Spec.InternalTrafficPolicy} client={Client} steps=[{string.Join("; ", Steps.Select(s => (s.Remove ? "-" : "+") + s.Slice.Name + ":" + string.Join(",", s.Slice.Endpoints.Select(e => e.Address + "/" + e.Conditions))))}]";
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios() => Arb.From(
            from spec in EndpointGen.Spec()
            from client in EndpointGen.Topology()
            from n in Gen.Choose(1, 12)
            from steps in Gen.ArrayOf(
                from remove in Gen.Elements(false, false, false, true)
                from slice in EndpointGen.Slice(maxEndpoints: 6, addresses: 12)
                select new Step(remove, slice), n)
            select new Scenario(spec, client, steps));
    }
}
