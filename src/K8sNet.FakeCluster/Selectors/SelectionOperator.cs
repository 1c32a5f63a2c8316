namespace K8sNet.Testing.Selectors;

/// <summary>A label selector requirement's operator.</summary>
internal enum SelectionOperator
{
    /// <summary><c>k=v</c> or <c>k==v</c>.</summary>
    Equals = 0,

    /// <summary><c>k!=v</c> (also matches objects without the key).</summary>
    NotEquals = 1,

    /// <summary><c>k in (a,b)</c>.</summary>
    In = 2,

    /// <summary><c>k notin (a,b)</c> (also matches objects without the key).</summary>
    NotIn = 3,

    /// <summary><c>k</c>: the key exists.</summary>
    Exists = 4,

    /// <summary><c>!k</c>: the key does not exist.</summary>
    DoesNotExist = 5,

    /// <summary><c>k&gt;n</c> (integer).</summary>
    GreaterThan = 6,

    /// <summary><c>k&lt;n</c> (integer).</summary>
    LessThan = 7,
}
