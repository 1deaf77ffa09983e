namespace TokenExchange.Testing;

/// <summary>One mapping of the YAML document, in the order its keys were set; unset (null) values are left out.</summary>
internal sealed class Node : Dictionary<string, object>
{
    public bool IsEmpty => Count == 0;

    public Node Set(string key, object? value)
    {
        if (value is null) Remove(key);
        else this[key] = value;
        return this;
    }
}
