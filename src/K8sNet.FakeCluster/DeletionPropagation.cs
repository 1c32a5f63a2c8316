namespace K8sNet.Testing;

/// <summary>What happens to an object's dependents (objects whose ownerReferences name it) when it is deleted.</summary>
public enum DeletionPropagation
{
    /// <summary>The object goes at once; the garbage collector then deletes its dependents (the API default).</summary>
    Background = 0,

    /// <summary>The object stays, marked for deletion, until its blocking dependents are gone.</summary>
    Foreground = 1,

    /// <summary>The dependents are kept, their owner references to the object removed.</summary>
    Orphan = 2,
}
