using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sNet.Dns;

/// <summary>
/// The K8sNet.Dns meter: <c>k8snet.dns.queries</c> (each query the DNS endpoint source asks, by record type and the
/// answer's response code, <c>timeout</c> or <c>error</c>) and <c>k8snet.dns.ttl</c> (the time each answer is kept,
/// after the floor and ceiling, by result: <c>found</c>, <c>absent</c>, <c>failed</c>). No Service or name is an attribute.
/// </summary>
internal sealed class DnsSourceMetrics : IDisposable
{
    public const string MeterName = "K8sNet.Dns";

    private readonly Meter _meter;
    private readonly Counter<long> _queries;
    private readonly Histogram<double> _ttl;
    private readonly bool _ownsMeter;

    public DnsSourceMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _queries = _meter.CreateCounter<long>("k8snet.dns.queries", "{query}", "DNS queries the DNS endpoint source asked, by record type and response code.");
        _ttl = _meter.CreateHistogram<double>("k8snet.dns.ttl", "s", "How long each answer is kept before asking again, after the floor and ceiling, by result.");
    }

    public void Query(string recordType, string responseCode)
    {
        if (_queries.Enabled)
        {
            _queries.Add(1, new TagList { { "k8snet.dns.record_type", recordType }, { "k8snet.dns.rcode", responseCode } });
        }
    }

    public void Ttl(TimeSpan kept, string result)
    {
        if (_ttl.Enabled)
        {
            _ttl.Record(kept.TotalSeconds, new KeyValuePair<string, object?>("k8snet.dns.result", result));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
