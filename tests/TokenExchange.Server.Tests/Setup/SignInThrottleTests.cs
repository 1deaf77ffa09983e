using TokenExchange.Server.Setup;

namespace TokenExchange.Server.Tests.Setup;

public class SignInThrottleTests
{
    [Fact]
    public void An_address_is_blocked_after_its_allowed_failures_and_other_addresses_are_not()
    {
        using var throttle = new SignInThrottle();
        for (var i = 0; i < SignInThrottle.FailuresPerMinute; i++)
        {
            Assert.False(throttle.IsBlocked("10.0.0.7"));
            throttle.Failed("10.0.0.7");
        }

        Assert.True(throttle.IsBlocked("10.0.0.7"));
        Assert.False(throttle.IsBlocked("10.0.0.8"));
    }
}
