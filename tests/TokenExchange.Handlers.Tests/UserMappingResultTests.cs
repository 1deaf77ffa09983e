namespace TokenExchange.Handlers.Tests;

/// <summary>
/// A handler's answer to "who is this subject": an existing user, a user to create, or none. Each factory
/// sets exactly one of the three, so the cluster never has to choose between two answers.
/// </summary>
public sealed class UserMappingResultTests
{
    [Fact]
    public void Existing_names_only_the_user()
    {
        var result = UserMappingResult.Existing("u-alice");

        Assert.Equal("u-alice", result.UserId);
        Assert.Null(result.NewUser);
        Assert.Null(result.ErrorMessage);
    }

    [Fact]
    public void Create_describes_only_the_new_user_and_leaves_its_id_to_the_cluster()
    {
        var user = new HandlerUserData(Username: "alice", FederationId: "alice-ext-1");

        var result = UserMappingResult.Create(user);

        Assert.Equal(user, result.NewUser);
        Assert.Null(result.UserId);
        Assert.Null(result.ErrorMessage);
    }

    [Fact]
    public void None_carries_only_the_reason()
    {
        var result = UserMappingResult.None("no such user at the partner");

        Assert.Equal("no such user at the partner", result.ErrorMessage);
        Assert.Null(result.UserId);
        Assert.Null(result.NewUser);
    }

    [Fact]
    public void Answers_compare_by_value()
    {
        Assert.Equal(UserMappingResult.Existing("u-alice"), UserMappingResult.Existing("u-alice"));
        Assert.NotEqual(UserMappingResult.Existing("u-alice"), UserMappingResult.Existing("u-bob"));
        Assert.Equal(UserMappingResult.Create(new HandlerUserData(Email: "a@example.com")), UserMappingResult.Create(new HandlerUserData(Email: "a@example.com")));
    }
}
