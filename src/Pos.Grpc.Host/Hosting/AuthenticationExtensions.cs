using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pos.Grpc.Host.Infrastructure.Auth;

namespace Pos.Grpc.Host;

public static class AuthenticationExtensions
{
    /// <summary>JWT bearer on every gRPC service: a configured issuer in production, the development key otherwise.</summary>
    public static WebApplicationBuilder AddPosAuthentication(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        PosConfigurationException.ThrowIfAny(AuthOptions.Section, options.Problems());

        builder.Services.AddSingleton(options);
        var tokenHandler = new CachingTokenHandler(TimeProvider.System);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(tokenHandler);
            jwt.Authority = options.Authority;
            jwt.RequireHttpsMetadata = options.Authority?.StartsWith("https://", StringComparison.Ordinal) ?? false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Authority ?? options.Issuer,
                ValidAudience = options.Audience,
                IssuerSigningKey = options.GetSigningKey(),
                NameClaimType = PosClaims.Subject,
                RoleClaimType = PosClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    var problem = context.SecurityToken is JsonWebToken token
                        ? TokenRules.Problem(token, DateTimeOffset.UtcNow, options)
                        : "The token is not a JWT.";
                    if (problem is not null) context.Fail(problem);
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorization();
        return builder;
    }
}
