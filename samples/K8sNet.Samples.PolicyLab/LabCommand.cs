using System.Globalization;
using K8sNet.Routing;
using K8sNet.Testing.Lab;

namespace K8sNet.Samples.PolicyLab;

/// <summary>The command line: which scenario, which policies, the seed, where the pictures go.</summary>
internal sealed record LabCommand(LabScenario Scenario, IReadOnlyList<LabPolicy> Policies, int Seed, string Out, TimeSpan? Threshold, string Format)
{
    public const string Usage = """
        K8sNet policy lab: runs a scenario in virtual time against K8sNet's routing core and plots what callers feel.

          --scenario NAME     linkerd-2016 (default), tower-demo, slow-pod, failing-pod, scale-up
          --policies A,B,...  RoundRobin, Random, P2C, LeastRequest, PeakEwma, ConsistentHash;
                              PeakEwma:DECAY or PeakEwma:DECAY:RTT for other options (e.g. PeakEwma:1s, PeakEwma:10s:0.5ms)
          --seed N            the seed (default 1): the same seed gives the same result
          --threshold MS      the "slow" threshold for the table (default: the scenario's)
          --out DIR           where plots go (default ./policylab-out)
          --format png|svg    the plots' format (default png)
        """;

    public static LabCommand Parse(string[] args)
    {
        string scenario = "linkerd-2016", outDir = "policylab-out", format = "png";
        string? policies = null;
        var seed = 1;
        TimeSpan? threshold = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n\n{Usage}");
            switch (args[i])
            {
                case "--scenario": scenario = value; break;
                case "--policies": policies = value; break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--threshold": threshold = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--out": outDir = value; break;
                case "--format": format = value is "png" or "svg" ? value : throw new ArgumentException($"--format is png or svg, not '{value}'."); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.\n\n{Usage}");
            }

            i++;
        }

        var lab = LabScenarios.Named(scenario);
        var list = policies is null ? DefaultPolicies(scenario) : policies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParsePolicy).ToList();
        return new LabCommand(lab, list, seed, outDir, threshold ?? DefaultThreshold(scenario), format);
    }

    private static List<LabPolicy> DefaultPolicies(string scenario) => scenario == "tower-demo"
        ? [LabPolicy.RoundRobin, LabPolicy.PowerOfTwoChoices, ParsePolicy("PeakEwma:10s:0.5ms")]
        : [LabPolicy.RoundRobin, LabPolicy.PowerOfTwoChoices, LabPolicy.PeakEwma];

    private static TimeSpan? DefaultThreshold(string scenario) => scenario switch
    {
        "linkerd-2016" => TimeSpan.FromSeconds(1),
        "slow-pod" => TimeSpan.FromMilliseconds(25),
        "tower-demo" => TimeSpan.FromMilliseconds(100),
        _ => null,
    };

    // PeakEwma:1s or PeakEwma:10s:0.5ms: a decay and a default RTT; anything else by LabPolicy's names.
    private static LabPolicy ParsePolicy(string text)
    {
        var parts = text.Split(':');
        if (parts.Length > 1 && parts[0].Equals("PeakEwma", StringComparison.OrdinalIgnoreCase))
        {
            var options = new PeakEwmaOptions { Decay = Duration(parts[1]) };
            if (parts.Length > 2)
            {
                options.DefaultRtt = Duration(parts[2]);
            }

            return LabPolicy.Of(LoadBalancingPolicy.PeakEwma, options, name: "PeakEwma " + string.Join(' ', parts[1..]));
        }

        return LabPolicy.TryParse(text, out var policy) ? policy : throw new ArgumentException($"Unknown policy '{text}'.\n\n{Usage}");
    }

    private static TimeSpan Duration(string text) =>
        text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture))
        : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : throw new ArgumentException($"'{text}' is not a duration such as 10s or 0.5ms.");
}
