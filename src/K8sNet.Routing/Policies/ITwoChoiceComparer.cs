namespace K8sNet.Routing;

/// <summary>Decides between two candidates in <see cref="LoadBalancer.PickOfTwo{TComparer}"/>.</summary>
public interface ITwoChoiceComparer
{
    /// <summary>Whether <paramref name="second"/> should be picked over <paramref name="first"/>.</summary>
    /// <param name="first">The first candidate drawn.</param>
    /// <param name="second">The second candidate drawn.</param>
    /// <returns><see langword="true"/> when the second is better; ties should keep the first.</returns>
    bool SecondIsBetter(ServiceEndpoint first, ServiceEndpoint second);
}
