using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TokenExchange.Server.Hosting;
using TokenExchange.Testing;

namespace TokenExchange.Server.Tests.Http;

/// <summary>
/// Every form endpoint (token, introspection, revocation, dev issuer) reads its form by the same strict rules:
/// urlencoded only (no multipart), at most 64 KiB and 128 fields, no control characters; and every endpoint
/// that authenticates an app refuses Basic and form credentials together instead of letting one win.
/// </summary>
public sealed class StrictFormEndpointTests(StrictFormEndpointTests.Server server) : IClassFixture<StrictFormEndpointTests.Server>, IDisposable
{
    private const string Secret = "orders-secret-0123456789abcdef";
    private readonly HttpClient http = new() { BaseAddress = server.Node.HttpAddress };
    private readonly string subjectToken = server.SubjectToken;

    public static TheoryData<string> FormEndpoints => ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/dev-issuer/token"];

    public static TheoryData<string> AppEndpoints => ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"];

    /// <summary>One server for the class, with a subject token from its dev issuer.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public TokenExchangeServer Node { get; private set; } = null!;
        public string SubjectToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Node = await LoopbackServer.StartAsync(TestConfig.Create()
                .App("orders-service", a => a.Secret(Secret).Exchange().Scopes("api"))
                .App("billing-service", a => a.Secret("billing-secret-0123456789abcdef").Exchange().Scopes("api"))
                .DevIssuerHandler("dev-idp", h => h.Accepts("jwt").Audiences("token-exchange").Enable("orders-service", isDefault: true, allowUserCreation: true))
                .ToYaml());
            using var http = new HttpClient { BaseAddress = Node.HttpAddress };
            using var minted = await http.PostAsync("/dev-issuer/token", new FormUrlEncodedContent([new("sub", "strict-form-subject")]));
            SubjectToken = (await minted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        }

        public async Task DisposeAsync() => await Node.DisposeAsync();
    }

    public void Dispose() => http.Dispose();

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task The_valid_form_is_answered(string endpoint)
    {
        using var response = await http.PostAsync(endpoint, new FormUrlEncodedContent(ValidForm(endpoint)));
        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task A_multipart_form_is_refused(string endpoint)
    {
        using var multipart = new MultipartFormDataContent();
        foreach (var (name, value) in ValidForm(endpoint)) multipart.Add(new StringContent(value), name);
        await AssertRefused(endpoint, multipart, HttpStatusCode.BadRequest, "application/x-www-form-urlencoded");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task A_form_with_too_many_fields_is_refused(string endpoint)
    {
        var form = ValidForm(endpoint);
        form.AddRange(Enumerable.Range(0, 200).Select(i => new KeyValuePair<string, string>("f" + i, "v")));
        await AssertRefused(endpoint, new FormUrlEncodedContent(form), HttpStatusCode.BadRequest, "fields");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task A_form_over_64_KiB_is_refused_with_413(string endpoint)
    {
        var form = ValidForm(endpoint);
        form.Add(new("padding", new string('p', 80 * 1024)));
        await AssertRefused(endpoint, new FormUrlEncodedContent(form), HttpStatusCode.RequestEntityTooLarge, "larger than");
    }

    [Theory]
    [MemberData(nameof(FormEndpoints))]
    public async Task A_control_character_in_a_field_is_refused(string endpoint)
    {
        var body = string.Join('&', ValidForm(endpoint).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + "&extra=line%0AFORGED%1B%5B31m";
        await AssertRefused(endpoint, new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"), HttpStatusCode.BadRequest, "control characters");
    }

    [Theory]
    [MemberData(nameof(AppEndpoints))]
    public async Task Basic_credentials_with_a_form_client_secret_are_refused(string endpoint)
    {
        var form = ValidForm(endpoint).Where(p => p.Key != "client_id").ToList();
        await AssertRefused(WithBasic(endpoint, form, "orders-service", Secret), HttpStatusCode.BadRequest, "not both");
    }

    [Theory]
    [MemberData(nameof(AppEndpoints))]
    public async Task Basic_credentials_with_another_form_client_id_are_refused(string endpoint)
    {
        var form = ValidForm(endpoint).Where(p => p.Key != "client_secret").Select(p => p.Key == "client_id" ? new(p.Key, "billing-service") : p).ToList();
        await AssertRefused(WithBasic(endpoint, form, "orders-service", Secret), HttpStatusCode.BadRequest, "does not match");
    }

    [Theory]
    [MemberData(nameof(AppEndpoints))]
    public async Task A_control_character_in_the_basic_user_name_is_refused(string endpoint)
    {
        var form = ValidForm(endpoint).Where(p => p.Key is not ("client_id" or "client_secret")).ToList();
        await AssertRefused(WithBasic(endpoint, form, "orders-service\nFORGED", Secret), HttpStatusCode.BadRequest, "control characters");
    }

    [Theory]
    [MemberData(nameof(AppEndpoints))]
    public async Task Basic_credentials_alone_are_answered(string endpoint)
    {
        var form = ValidForm(endpoint).Where(p => p.Key is not ("client_id" or "client_secret")).ToList();
        using var response = await http.SendAsync(WithBasic(endpoint, form, "orders-service", Secret));
        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private List<KeyValuePair<string, string>> ValidForm(string endpoint) => endpoint switch
    {
        "/oauth2/token" =>
        [
            new("grant_type", Clients.TokenExchangeGrant), new("client_id", "orders-service"), new("client_secret", Secret),
            new("subject_token", subjectToken), new("subject_token_type", Clients.JwtType),
        ],
        "/dev-issuer/token" => [new("sub", "strict-form-subject"), new("claim", "team=orders")],
        _ => [new("client_id", "orders-service"), new("client_secret", Secret), new("token", "an-opaque-token-0123456789")],
    };

    private static HttpRequestMessage WithBasic(string endpoint, List<KeyValuePair<string, string>> form, string clientId, string secret) => new(HttpMethod.Post, endpoint)
    {
        Content = new FormUrlEncodedContent(form),
        Headers = { Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}"))) },
    };

    private Task AssertRefused(string endpoint, HttpContent content, HttpStatusCode status, string said) =>
        AssertRefused(new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content }, status, said);

    private async Task AssertRefused(HttpRequestMessage request, HttpStatusCode status, string said)
    {
        var endpoint = request.RequestUri!.ToString();
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{endpoint}: {response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        // The dev issuer answers {"error": description}; the OAuth endpoints {"error": "invalid_request", "error_description": ...}.
        var description = body.TryGetProperty("error_description", out var d) ? d.GetString()! : body.GetProperty("error").GetString()!;
        if (endpoint != "/dev-issuer/token") Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains(said, description);
    }
}
