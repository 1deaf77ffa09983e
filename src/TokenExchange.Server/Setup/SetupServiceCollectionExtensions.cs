using Microsoft.AspNetCore.Mvc;
using Orleans.Dashboard;
using TokenExchange.Silo.Recent;

namespace TokenExchange.Server.Setup;

/// <summary>
/// The Setup pages (Razor Pages under /setup) and the Orleans dashboard (/dashboard), both behind the admin sign-in.
/// Only these endpoints authenticate: the token endpoints and gRPC services never read the cookie.
/// </summary>
public static class SetupServiceCollectionExtensions
{
    public static void AddSetupDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    public static IServiceCollection AddSetupPages(this IServiceCollection services)
    {
        services.AddRecentExchanges();
        services.AddSingleton<SignInThrottle>();
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Setup/Pages";
                options.Conventions.AuthorizeFolder("/", SetupAuthentication.Policy);
                options.Conventions.AllowAnonymousToPage("/SignIn");
            })
            // The pages are compiled into this assembly, which is not the entry assembly under a test host.
            .AddApplicationPart(typeof(SetupServiceCollectionExtensions).Assembly);
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "tx-setup-antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = "tx-setup-notice";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication().AddCookie(SetupAuthentication.Scheme, options =>
        {
            options.LoginPath = SetupAuthentication.SignInPath;
            options.AccessDeniedPath = SetupAuthentication.SignInPath;
            options.Cookie.Name = SetupAuthentication.CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = SetupAuthentication.CookieLifetime;
            options.SlidingExpiration = true;
            options.Events = SetupSession.Events();
        });
        services.AddAuthorizationBuilder().AddPolicy(SetupAuthentication.Policy, policy => policy
            .AddAuthenticationSchemes(SetupAuthentication.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(SetupAuthentication.AdminClaim));
        return services;
    }

    public static WebApplication MapSetupPages(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(SetupAuthentication.Policy);
        return app;
    }
}
