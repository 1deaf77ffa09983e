using System.Collections;
using System.Diagnostics;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// The in-memory exporter's target: spans end on ASP.NET Core and Orleans threads at once, and the
/// exporter may add them concurrently, so every access takes one lock (a plain List would lose spans).
/// </summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> spans = [];

    public int Count { get { lock (spans) return spans.Count; } }
    public bool IsReadOnly => false;

    public void Add(Activity item) { lock (spans) spans.Add(item); }
    public void Clear() { lock (spans) spans.Clear(); }
    public bool Contains(Activity item) { lock (spans) return spans.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (spans) spans.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (spans) return spans.Remove(item); }

    /// <summary>A copy, safe to read while spans keep arriving.</summary>
    public List<Activity> Snapshot() { lock (spans) return [.. spans]; }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
