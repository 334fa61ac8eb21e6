namespace Adversa.Tests.Fixtures;

/// <summary>
/// The real datasets in ../shared/data beside the checkout (CI lays them out the same way), or $ADVERSA_SHARED_DATA.
/// Tests that need them fail with a clear message when they are absent: they are never silently skipped.
/// </summary>
public static class SharedData
{
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("ADVERSA_SHARED_DATA");
            if (env is not null) return env;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(Path.Combine(candidate, "mnist"))) return candidate;
            }
            throw new InvalidOperationException("shared/data not found next to the checkout; set ADVERSA_SHARED_DATA to the folder holding mnist, mnist_m, svhn, usps and celeba");
        }
    }
}
