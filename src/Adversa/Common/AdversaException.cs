namespace Adversa.Common;

/// <summary>
/// An error the user can fix (bad input file, wrong option, missing dataset). The CLI prints its
/// message as one line, without a stack trace, and exits non-zero.
/// </summary>
public class AdversaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A file exists but its content is not what its format requires. The message names the file (and line).</summary>
public sealed class DataFormatException : AdversaException
{
    /// <summary>The file whose content was wrong.</summary>
    public string Path { get; }

    /// <summary>An error about the content of <paramref name="path"/>.</summary>
    public DataFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner) => Path = path;

    /// <summary>An error about line <paramref name="line"/> of <paramref name="path"/>.</summary>
    public DataFormatException(string path, int line, string problem)
        : base($"{path}:{line}: {problem}") => Path = path;
}
