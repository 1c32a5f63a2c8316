using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Abstractions.Tests.DependencyInjection;

public class AddK8sNetTests
{
    [Fact]
    public void AddK8sNet_RegistersTimeProvider_AndIsIdempotent()
    {
        var services = new ServiceCollection();

        var builder = services.AddK8sNet();
        services.AddK8sNet();
        using var provider = services.BuildServiceProvider();

        Assert.Same(services, builder.Services);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void AddK8sNet_KeepsAnExistingTimeProvider()
    {
        var services = new ServiceCollection();
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(fake);

        services.AddK8sNet();
        using var provider = services.BuildServiceProvider();

        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }
}
