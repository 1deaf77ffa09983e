namespace TokenExchange.Grains;

/// <summary>The grain storage providers the grains use; the host registers them (memory or PostgreSQL).</summary>
public static class StorageNames
{
    /// <summary>Apps, handlers, users and signing keys.</summary>
    public const string Definitions = "definitions";

    /// <summary>Subject sessions and user attribute indexes.</summary>
    public const string Sessions = "sessions";
}
