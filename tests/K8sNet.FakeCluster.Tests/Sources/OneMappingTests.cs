using System.Text.Json;
using K8sNet.Kubernetes;

namespace K8sNet.Testing.Tests.Sources;

/// <summary>
/// The fake cluster's own endpoint source and the production source (through the fake API server and KubernetesClient)
/// read the same objects through the one mapping (<see cref="KubernetesModel"/>), so an app sees the same Services
/// whichever it is given.
/// </summary>
public class OneMappingTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: web, appProtocol: kubernetes.io/h2c}
          - {name: dns, port: 53, targetPort: 5353, protocol: UDP}
          internalTrafficPolicy: Local
          sessionAffinity: ClientIP
          trafficDistribution: PreferClose
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: default}
        spec:
          clusterIP: None
          publishNotReadyAddresses: true
          selector: {app: web}
          ports: [{name: pg, port: 5432}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: edge, namespace: default}
        spec:
          type: NodePort
          externalTrafficPolicy: Local
          selector: {app: web}
          ports: [{name: http, port: 8080, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext, namespace: default}
        spec: {type: ExternalName, externalName: example.com}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: web:1
                ports: [{name: web, containerPort: 8080}, {containerPort: 5353, protocol: UDP}]
        """;

    [Fact]
    public async Task FakeClusterSource_AndKubernetesSource_PublishTheSameModel()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        await using var production = new KubernetesEndpointSource(client);

        foreach (var name in new[] { "web", "db", "edge", "ext" })
        {
            var service = new ServiceName("default", name);
            var fake = await cluster.EndpointSource.GetAsync(service);
            var real = await production.GetAsync(service);

            Assert.True(fake.Exists, name);
            Assert.Equal(Canonical(fake.Spec), Canonical(real.Spec));
            Assert.Equal(
                fake.Slices.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(Canonical),
                real.Slices.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(Canonical));
        }
    }

    // Records compare their immutable arrays by reference: compare what they hold.
    private static string Canonical(object? value) => JsonSerializer.Serialize(value);
}
