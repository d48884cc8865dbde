using SbirLab.Store;

namespace SbirLab.Web.Services;

/// <summary>
/// The lab's settings, read from the command line, the environment and appsettings.json:
/// <c>--data</c> (else SBIRLAB_DATA, else ./data), <c>--templates</c> (a folder of extra templates),
/// <c>--worker false</c> (queue only; another process trains) and <c>--live-interval-ms</c>
/// (the shortest gap between two live updates of one browser).
/// </summary>
public sealed record LabSettings(DataFolder Data, string? TemplatesFolder, bool RunWorker, TimeSpan LiveInterval)
{
    public static LabSettings From(IConfiguration configuration) => new(
        DataFolder.Resolve(configuration["data"]),
        configuration["templates"],
        configuration.GetValue("worker", true),
        TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("live-interval-ms", 250), 20, 10_000)));
}
