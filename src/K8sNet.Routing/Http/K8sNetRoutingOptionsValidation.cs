using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>
/// The rules of <see cref="K8sNetRoutingOptions"/>: DataAnnotations and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
/// on it and its nested options, checked by source-generated code.
/// </summary>
[OptionsValidator]
internal sealed partial class K8sNetRoutingOptionsValidator : IValidateOptions<K8sNetRoutingOptions>;
