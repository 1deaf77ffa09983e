using System.Reflection;
using System.Runtime.Loader;
using TokenExchange.Handlers;

namespace TokenExchange.Core.Handlers;

/// <summary>
/// Operators' handler types, loaded at start-up from a plugins folder: every <c>*.dll</c> there (or in
/// its subfolders) in an <see cref="AssemblyLoadContext"/> of its own, so plugins may bring their own
/// dependencies; the handler library itself is shared with the cluster so the types match.
/// A definition names a type as <c>Namespace.Type, Assembly</c>.
/// </summary>
public sealed class HandlerTypeCatalog
{
    private readonly Dictionary<string, Assembly> assemblies = new(StringComparer.OrdinalIgnoreCase);

    public static HandlerTypeCatalog Empty { get; } = new();

    /// <summary>Problems met while loading (an assembly that would not load); the others still load.</summary>
    public List<string> LoadProblems { get; } = [];

    public static HandlerTypeCatalog Load(string? folder)
    {
        var catalog = new HandlerTypeCatalog();
        if (folder is null || !Directory.Exists(folder)) return catalog;
        foreach (var path in Directory.EnumerateFiles(folder, "*.dll", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = AssemblyName.GetAssemblyName(path).Name!;
            if (IsShared(name) || catalog.assemblies.ContainsKey(name)) continue;
            try
            {
                catalog.assemblies[name] = new PluginLoadContext(path).LoadFromAssemblyPath(Path.GetFullPath(path));
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException)
            {
                catalog.LoadProblems.Add($"{path}: {e.Message}");
            }
        }
        return catalog;
    }

    /// <summary>A new instance of the named handler type; <see cref="InvalidOperationException"/> says what is wrong.</summary>
    public TokenExchangeHandler Create(string implementation)
    {
        var comma = implementation.IndexOf(',');
        if (comma <= 0) throw new InvalidOperationException($"implementation '{implementation}' is not 'jwt' nor 'Namespace.Type, Assembly'");
        var typeName = implementation[..comma].Trim();
        var assemblyName = implementation[(comma + 1)..].Trim();
        if (!assemblies.TryGetValue(assemblyName, out var assembly))
            throw new InvalidOperationException($"assembly '{assemblyName}' is not in the plugins folder");
        var type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new InvalidOperationException($"type '{typeName}' is not in assembly '{assemblyName}'");
        if (!typeof(TokenExchangeHandler).IsAssignableFrom(type) || type.IsAbstract)
            throw new InvalidOperationException($"type '{typeName}' does not derive from {nameof(TokenExchangeHandler)}");
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new InvalidOperationException($"type '{typeName}' has no public parameterless constructor");
        return (TokenExchangeHandler)Activator.CreateInstance(type)!;
    }

    /// <summary>Assemblies the cluster and its plugins must share, so that TokenExchangeHandler is one type.</summary>
    private static bool IsShared(string name) =>
        name == typeof(TokenExchangeHandler).Assembly.GetName().Name || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);

    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path))
    {
        private readonly AssemblyDependencyResolver resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (IsShared(assemblyName.Name!)) return null; // from the cluster's own context
            return resolver.ResolveAssemblyToPath(assemblyName) is { } resolved ? LoadFromAssemblyPath(resolved) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } resolved ? LoadUnmanagedDllFromPath(resolved) : IntPtr.Zero;
    }
}
