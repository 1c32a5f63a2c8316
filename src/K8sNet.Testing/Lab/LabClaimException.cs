namespace K8sNet.Testing.Lab;

/// <summary>A <see cref="LabClaim"/> that did not hold; the message gives the numbers.</summary>
public sealed class LabClaimException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LabClaimException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not hold.</param>
    public LabClaimException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What did not hold.</param>
    /// <param name="innerException">The cause.</param>
    public LabClaimException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
