namespace K8sNet.Testing;

/// <summary>Handles an HTTP request that reached a pod.</summary>
/// <param name="request">The request and the pod it reached.</param>
/// <param name="cancellationToken">Cancelled when the client goes away.</param>
/// <returns>The response.</returns>
public delegate Task<HttpResponseMessage> PodRequestHandler(PodRequest request, CancellationToken cancellationToken);
