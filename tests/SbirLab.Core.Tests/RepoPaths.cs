namespace SbirLab.Core.Tests;

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
}
