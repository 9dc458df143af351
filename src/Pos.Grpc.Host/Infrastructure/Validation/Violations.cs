using Pos.Grpc.Host.Infrastructure.Errors;

namespace Pos.Grpc.Host.Infrastructure.Validation;

/// <summary>Collects every bad field of a request so one INVALID_ARGUMENT names them all.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public Violations Add(string field, string description)
    {
        _items.Add(new FieldViolation(field, description));
        return this;
    }

    public Violations AddIf(bool condition, string field, string description) => condition ? Add(field, description) : this;

    public Violations RequirePositiveId(long id, string field) =>
        AddIf(id <= 0, field, "must be a positive id");

    /// <summary>
    /// Free text (names, codes): trimmed, at most <paramref name="maxLength"/> characters and no control
    /// characters (PostgreSQL refuses NUL in text, and nobody means a control character in a name).
    /// Returns the trimmed text.
    /// </summary>
    public string RequireText(string value, string field, int maxLength, bool required = true)
    {
        var text = value.Trim();
        AddIf(required && text.Length == 0, field, "is required");
        AddIf(text.Length > maxLength, field, $"must be at most {maxLength} characters");
        AddIf(text.Any(char.IsControl), field, "must not contain control characters");
        return text;
    }

    public void ThrowIfAny()
    {
        if (_items.Count > 0) throw new InvalidArgumentException(_items.ToArray());
    }
}
