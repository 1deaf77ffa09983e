using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Hosting;

[Collection(ServerCollection.Name)]
public sealed class BannerTests(ServerFixture fixture)
{
    [Fact]
    public void An_ephemeral_server_says_its_state_is_not_durable_and_shows_the_actual_addresses()
    {
        var output = new StringWriter();

        Banner.Print(fixture.Server, output);

        var text = output.ToString();
        Assert.Contains("NOT DURABLE", text);
        Assert.Contains(fixture.Http.ToString().TrimEnd('/'), text);
        Assert.Contains(fixture.Grpc.ToString().TrimEnd('/'), text);
        Assert.DoesNotContain(":0", text.Replace(":00", ""));
    }

    [Fact]
    public async Task Serves_discovery_with_the_issuer_of_the_actual_http_address()
    {
        using var http = new HttpClient();

        var discovery = await http.GetStringAsync(new Uri(fixture.Http, "/.well-known/openid-configuration"));

        Assert.Contains($"\"issuer\":\"{fixture.Http.GetLeftPart(UriPartial.Authority)}\"", discovery);
    }
}
