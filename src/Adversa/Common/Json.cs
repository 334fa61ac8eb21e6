using System.Text.Json;
using System.Text.Json.Serialization;

namespace Adversa.Common;

/// <summary>Report files: indented snake_case JSON, enums as names, written atomically; NaN and infinity are written as null.</summary>
public static class Json
{
    /// <summary>How results are written: snake_case names, indented, enums by name, non-finite numbers as null.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Files for people: "it's" and "→" as written, not \u0027 and \u2192 (nothing here is embedded in HTML).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FiniteDoubleConverter(), new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <inheritdoc/>
    public static void Write(string path, object value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Options));

    /// <summary>
    /// JSON has no NaN or infinity: a non-finite double (a class missing from an evaluation part, a diverged loss) is
    /// written as null and read back as NaN, instead of failing the whole write after the work is done.
    /// </summary>
    public sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        /// <inheritdoc/>
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }

        /// <inheritdoc/>
        public override bool HandleNull => true;
    }
}
