using Microsoft.Extensions.Configuration;
using TokenExchange.Server.Hosting;

namespace TokenExchange.Server.Tests.Embedded;

/// <summary>Where the embedded state lives: the per-user data folder by default, --data, or memory with --ephemeral.</summary>
public sealed class EmbeddedStateSettingsTests
{
    [Fact]
    public void By_default_the_state_is_in_the_users_local_data_folder()
    {
        var settings = Parse();

        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.Combine(local, "token-exchange"), settings.Data);
        Assert.True(settings.IsEmbeddedDurable);
        Assert.False(settings.Ephemeral);
    }

    [Fact]
    public void Data_names_the_folder_as_a_full_path()
    {
        var settings = Parse("--data", "some/relative/folder");

        Assert.Equal(Path.GetFullPath("some/relative/folder"), settings.Data);
    }

    [Fact]
    public void Ephemeral_keeps_the_state_in_memory()
    {
        var settings = Parse("--ephemeral", "true");

        Assert.True(settings.Ephemeral);
        Assert.Null(settings.Data);
        Assert.False(settings.IsEmbeddedDurable);
    }

    [Theory]
    [InlineData("--ephemeral", "true", "--data", "/tmp/x")]
    [InlineData("--postgres", "Host=db;Username=tx", "--data", "/tmp/x")]
    [InlineData("--postgres", "Host=db;Username=tx", "--ephemeral", "true")]
    [InlineData("--ephemeral", "perhaps", "--http", "http://127.0.0.1:0")]
    public void Contradicting_or_malformed_state_options_are_refused_by_name(string option, string value, string other, string otherValue)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(option, value, other, otherValue, "--key-encryption-key", Convert.ToBase64String(new byte[32])));

        Assert.Matches("^--(data|ephemeral)", e.Message);
    }

    private static ServerSettings Parse(params string[] args) =>
        ServerSettings.From(new ConfigurationBuilder().AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary()).Build());
}
