using Microsoft.Extensions.Options;

namespace Pos.Grpc.Host;

/// <summary>Options bound from a section and checked at start-up: the host does not start with a bad value.</summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and fails start-up naming every problem
    /// <paramref name="problems"/> finds, each as "Section: problem".
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string section,
        Func<TOptions, IEnumerable<string>> problems) where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        return services.AddValidation(section, problems);
    }

    /// <summary>Only the check, for options someone else binds (a provider's own section).</summary>
    public static IServiceCollection AddValidation<TOptions>(this IServiceCollection services, string section,
        Func<TOptions, IEnumerable<string>> problems) where TOptions : class
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        return services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(section, problems));
    }

    private sealed class ProblemsValidator<TOptions>(string section, Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options).Select(p => $"{section}: {p}").ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
