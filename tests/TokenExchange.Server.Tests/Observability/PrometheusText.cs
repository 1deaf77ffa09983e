using System.Globalization;
using System.Text;

namespace TokenExchange.Server.Tests.Observability;

/// <summary>
/// The samples of a Prometheus text exposition (format 0.0.4): <c>name{label="value",...} value [timestamp]</c>
/// per line, comments and blank lines skipped, label values unescaped.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(string text, IReadOnlyList<Sample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }
    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            samples.Add(ParseSample(line));
        }
        return new PrometheusText(text, samples);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Find(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The sum over <see cref="Find"/>; 0 when no sample matches.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) => Find(name, labels).Sum(s => s.Value);

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals].Trim(',', ' ');
                i = equals + 2; // past ="
                var value = new StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }
                labels[label] = value.ToString();
                i++; // past the closing quote
                if (line[i] == ',') i++;
            }
            i++; // past }
        }
        var fields = line[i..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var n => double.Parse(n, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
