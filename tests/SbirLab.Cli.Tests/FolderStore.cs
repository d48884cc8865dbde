using Microsoft.Data.Sqlite;
using SbirLab.Store;
using SbirLab.Store.Entities;

namespace SbirLab.Cli.Tests;

/// <summary>What the store inside a <c>train --out DIR</c> folder holds about its one run.</summary>
internal sealed record FolderStore(RunRecord Run, IReadOnlyList<string> Log, IReadOnlyList<EvaluationRecord> Evaluations,
    IReadOnlyList<MetricPoint> Steps, IReadOnlyList<MetricPoint> Epochs, int Maps)
{
    public string LogText => string.Join('\n', Log);

    /// <summary>The latest evaluation's report (what an export writes as eval.json).</summary>
    public string Report => Evaluations[^1].ReportJson;

    public static FolderStore Read(string folder)
    {
        Assert.True(File.Exists(Path.Combine(folder, "sbirlab.db")), $"no store in {folder}");
        try
        {
            using var store = RunStore.Open(DataFolder.ForRunFolder(folder));
            var run = Assert.Single(store.List());
            return new FolderStore(run, [.. store.Log(run.Id).Select(l => l.Text)], store.Evaluations(run.Id),
                store.Metrics(run.Id, MetricKind.Step), store.Metrics(run.Id, MetricKind.Epoch), store.Maps(run.Id).Count);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
