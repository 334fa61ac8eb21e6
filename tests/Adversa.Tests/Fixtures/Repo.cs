namespace Adversa.Tests.Fixtures;

/// <summary>The checkout the tests run from (found by walking up from the test assembly).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "install-tool.sh")) && Directory.Exists(Path.Combine(dir.FullName, "src", "Adversa")))
                return dir.FullName;
        throw new InvalidOperationException("no checkout (scripts/install-tool.sh, src/Adversa) above the test assembly");
    }
}
