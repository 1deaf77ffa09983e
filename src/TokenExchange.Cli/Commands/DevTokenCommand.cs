using System.CommandLine;
using System.Text.Json;

namespace TokenExchange.Cli.Commands;

/// <summary><c>txctl dev-token</c>: a subject token from the server's built-in dev issuer.</summary>
public static class DevTokenCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var server = new Option<string>("--server") { Description = "the server's HTTP address", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var subject = new Option<string>("--sub") { Description = "the subject (sub claim)", Required = true };
        var audiences = new Option<string[]>("--aud") { Description = "audience (repeatable; default token-exchange)", AllowMultipleArgumentsPerToken = false };
        var ttl = new Option<string>("--ttl") { Description = "lifetime, hh:mm:ss", DefaultValueFactory = _ => "00:10:00" };
        var claims = new Option<string[]>("--claim") { Description = "extra claim name=value (repeatable)" };
        var command = new Command("dev-token", "mint a subject token from the server's built-in dev issuer") { server, subject, audiences, ttl, claims };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var form = new List<KeyValuePair<string, string>> { new("sub", parse.GetValue(subject)!), new("ttl", parse.GetValue(ttl)!) };
            form.AddRange((parse.GetValue(audiences) ?? []).Select(a => new KeyValuePair<string, string>("aud", a)));
            form.AddRange((parse.GetValue(claims) ?? []).Select(c => new KeyValuePair<string, string>("claim", c)));
            using var http = new HttpClient();
            HttpResponseMessage response;
            var url = parse.GetValue(server)!.TrimEnd('/') + "/dev-issuer/token";
            try
            {
                response = await http.PostAsync(url, new FormUrlEncodedContent(form), cancellationToken);
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"error: cannot reach {url}: {e.Message}");
                return ExitCodes.Unreachable;
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await error.WriteLineAsync($"error: {url} not found: is the dev issuer enabled on that server?");
                return ExitCodes.Refused;
            }
            using var json = JsonDocument.Parse(body);
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"error: {json.RootElement.GetProperty("error").GetString()}");
                return ExitCodes.Refused;
            }
            await output.WriteLineAsync(json.RootElement.GetProperty("token").GetString());
            return ExitCodes.Success;
        });
        return command;
    }
}
