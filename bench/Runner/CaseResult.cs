namespace Bench.Runner;

/// <summary>One figure of a case, measured once per run: its name, unit and values.</summary>
public sealed class Figure(string name, string unit)
{
    public string Name { get; } = name;
    public string Unit { get; } = unit;
    public List<double> Values { get; } = [];

    public double Median
    {
        get
        {
            if (Values.Count == 0) return double.NaN;
            var sorted = Values.Order().ToArray();
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public double Min => Values.Count == 0 ? double.NaN : Values.Min();
    public double Max => Values.Count == 0 ? double.NaN : Values.Max();
}

/// <summary>A case's figures across its runs, and what went wrong, if anything.</summary>
public sealed class CaseResult(string name, string description)
{
    private readonly Dictionary<string, Figure> figures = [];

    public string Name { get; } = name;
    public string Description { get; } = description;
    public List<string> Failures { get; } = [];
    public List<string> Notes { get; } = [];
    public IEnumerable<Figure> Figures => figures.Values;

    public void Add(string figure, string unit, double value)
    {
        if (!figures.TryGetValue(figure, out var f)) figures[figure] = f = new Figure(figure, unit);
        f.Values.Add(value);
    }

    public Figure? Get(string figure) => figures.GetValueOrDefault(figure);

    public double? Median(string figure) => figures.TryGetValue(figure, out var f) && f.Values.Count > 0 ? f.Median : null;
}
