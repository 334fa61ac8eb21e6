using System.Text.Json;

namespace Adversa.Common;

/// <summary>Report files: indented JSON, folders created, written atomically.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Write(string path, object value)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full + ".tmp", JsonSerializer.Serialize(value, Options));
        File.Move(full + ".tmp", full, overwrite: true);
    }
}
