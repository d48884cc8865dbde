namespace SbirLab.Tests;

/// <summary>Paths every test project needs: the repository's root and fresh temporary folders. Linked into each test project.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds SbirLab.sln.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbirLab.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("repository root (SbirLab.sln) not found above the test binaries");
        }
    }

    /// <summary>A new empty folder under the system's temporary folder, named after <paramref name="name"/>.</summary>
    public static string TempFolder(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), "sbirlab-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
