using Adversa.Tests.Fixtures;
using System.Text.RegularExpressions;

namespace Adversa.Tests.Architecture;

public class FolderDependencyTests
{
    /// <summary>
    /// The library's folders (one namespace each) depend on one another without a cycle, so each can be read after the
    /// ones it uses: Common, then Data, Plots, Training, ..., up to Reproduce. A reference is a using directive or a
    /// qualified name (Training.X, Adversa.Dann.Y) in code, comments aside.
    /// </summary>
    [Fact]
    public void LibraryFoldersFormNoCycle()
    {
        var src = Path.Combine(Repo.Root, "src", "Adversa");
        var folders = Directory.GetDirectories(src).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Cast<string>().ToArray();
        var edges = folders.ToDictionary(f => f, f => new HashSet<string>());
        var pattern = new Regex($@"\b(?:using\s+Adversa\.|Adversa\.|(?<![\w.]))({string.Join("|", folders)})\.[A-Z]|using\s+Adversa\.({string.Join("|", folders)});");
        foreach (var folder in folders)
            foreach (var file in Directory.GetFiles(Path.Combine(src, folder), "*.cs", SearchOption.AllDirectories))
                foreach (var line in File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//")))
                    foreach (Match m in pattern.Matches(line))
                    {
                        var used = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        if (used != folder) edges[folder].Add(used);
                    }
        // Depth-first search for a back edge; the cycle found is named in the failure.
        var state = folders.ToDictionary(f => f, _ => 0);
        var stack = new List<string>();
        string? Visit(string f)
        {
            state[f] = 1;
            stack.Add(f);
            foreach (var g in edges[f].Order())
            {
                if (state[g] == 1) return string.Join(" -> ", stack.SkipWhile(s => s != g).Append(g));
                if (state[g] == 0 && Visit(g) is { } cycle) return cycle;
            }
            stack.RemoveAt(stack.Count - 1);
            state[f] = 2;
            return null;
        }
        foreach (var f in folders.Order())
            if (state[f] == 0 && Visit(f) is { } cycle) Assert.Fail($"folders depend on each other in a cycle: {cycle}");
        Assert.Contains("Common", edges["Data"]); // the scan does see references
    }
}
