using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Naming;

public class ServiceHostNameTests
{
    [Theory]
    [InlineData("orders", "orders", null, ServiceHostForm.Name, false)]
    [InlineData("orders.", "orders", null, ServiceHostForm.Name, true)]
    [InlineData("orders.shop", "orders", "shop", ServiceHostForm.NameNamespace, false)]
    [InlineData("Orders.Shop.", "orders", "shop", ServiceHostForm.NameNamespace, true)]
    [InlineData("orders.shop.svc", "orders", "shop", ServiceHostForm.NameNamespaceSvc, false)]
    [InlineData("orders.shop.svc.", "orders", "shop", ServiceHostForm.NameNamespaceSvc, true)]
    [InlineData("orders.shop.svc.cluster.local", "orders", "shop", ServiceHostForm.Fqdn, false)]
    [InlineData("orders.shop.svc.cluster.local.", "orders", "shop", ServiceHostForm.Fqdn, true)]
    public void Parse_EachForm(string host, string name, string? ns, ServiceHostForm form, bool absolute)
    {
        var parsed = ServiceHostName.Parse(host);

        Assert.Equal((name, ns, form, absolute), (parsed.Name, parsed.Namespace, parsed.Form, parsed.IsAbsolute));
    }

    [Theory]
    [InlineData(ServiceHostForm.Name, "orders")]
    [InlineData(ServiceHostForm.NameNamespace, "orders.shop")]
    [InlineData(ServiceHostForm.NameNamespaceSvc, "orders.shop.svc")]
    [InlineData(ServiceHostForm.Fqdn, "orders.shop.svc.cluster.local")]
    public void Format_ThenParse_RoundTrips(ServiceHostForm form, string expected)
    {
        var service = new ServiceName("shop", "orders");

        var host = ServiceHostName.Format(service, form);

        // A client in namespace "web" reaches shop/orders with every form but the short one, which only a client in
        // "shop" can use.
        var clientNamespace = form == ServiceHostForm.Name ? "shop" : "web";
        Assert.Equal(expected, host);
        Assert.Equal(service, ServiceHostName.Parse(host).ToServiceName(clientNamespace));
        Assert.Equal(service, ServiceHostName.Parse(ServiceHostName.Format(service, form, absolute: true)).ToServiceName(clientNamespace));
    }

    [Fact]
    public void ToServiceName_ShortForm_UsesTheClientsNamespace()
    {
        Assert.Equal(new ServiceName("web", "orders"), ServiceHostName.Parse("orders").ToServiceName("web"));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a.b.c", "must be '<service>', '<service>.<namespace>', '<service>.<namespace>.svc' or '<service>.<namespace>.svc.cluster.local'")]
    [InlineData("1orders.shop", "must start with an alphabetic character")]
    [InlineData("orders.sh_op", "must consist of lower case alphanumeric characters or '-' ('_' at position 2 is not allowed)")]
    public void TryParse_Invalid_SaysWhy(string host, string rule)
    {
        Assert.False(ServiceHostName.TryParse(host, "cluster.local", out _, out var error));

        Assert.Equal(rule, error.Rule);
    }
}
