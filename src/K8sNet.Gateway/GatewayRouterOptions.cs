namespace K8sNet.Gateway;

/// <summary>How the Gateway controller being modelled behaves where the Gateway API leaves it open.</summary>
public sealed class GatewayRouterOptions
{
    /// <summary>
    /// The <c>spec.controllerName</c> of the GatewayClasses this controller implements. Default <see langword="null"/>:
    /// every GatewayClass, and Gateways whose class is not among the objects given — what a unit test of one app's
    /// manifests usually wants. When set, a Gateway is served only if its GatewayClass is given and names this controller.
    /// </summary>
    public string? ControllerName { get; set; }

    /// <summary>
    /// The status a rule answers when every backendRef has weight 0 (the API says only that a weight-0 entry gets no
    /// traffic). Default 500, as for a rule without backends; 503 is the other common choice.
    /// </summary>
    public int AllWeightsZeroStatusCode { get; set; } = 500;

    /// <summary>
    /// Whether a backendRef to a Service that is not among the objects given is invalid (ResolvedRefs=False,
    /// BackendNotFound; its share of requests answered 500). Default <see langword="null"/>: checked when at least one
    /// Service is given, so routes can be tested alone.
    /// </summary>
    public bool? CheckServicesExist { get; set; }

    /// <summary>The clock for the conditions' <c>lastTransitionTime</c>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
