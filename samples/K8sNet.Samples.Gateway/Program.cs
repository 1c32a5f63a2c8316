using K8sNet.Samples.Gateway;

// YARP in front of a FakeCluster Deployment, its destinations from K8sNet: the Deployment is scaled up, rolled to a new
// image and scaled down while four loops send requests through the gateway, and not one fails.
var result = await GatewayDemo.RunAsync(Console.Out);
return result.Failures.Count == 0 ? 0 : 1;
