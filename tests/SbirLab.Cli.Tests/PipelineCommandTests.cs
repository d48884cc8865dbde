namespace SbirLab.Cli.Tests;

[Collection("cli")]
public class PipelineCommandTests
{
    [Fact]
    public async Task Queueing_seed_zeros_pipeline_queues_its_four_runs_with_the_siamese_runs_waiting_for_the_pretraining()
    {
        string data = CliRunner.Temp("pipeline");
        string pipeline = Path.Combine(RepoPaths.Root, "experiments", "sbir", "fm-drawn-pipeline.json");

        var queued = await CliRunner.Run("queue", pipeline, "--set", "training.epochs=1", "--data", data);

        Assert.True(queued.ExitCode == 0, queued.Output);
        Assert.Contains("queued pipeline fm-drawn-seed-000: 4 runs", queued.Output);
        Assert.Contains("run 3 fm-drawn-siamese-triplet: waiting for #1, #2", queued.Output);
        Assert.Contains("run 4 fm-drawn-siamese-contrastive: waiting for #1, #2", queued.Output);
        var shown = (await CliRunner.Run("runs", "show", "3", "--data", data)).Output;
        Assert.Contains("#1", shown); // the references pinned to the runs queued with it
        Assert.Contains("#2", shown);

        var refused = await CliRunner.Run("queue", pipeline, "--set", "training.epochs=-1", "--data", data);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("runs[0].training.epochs", refused.Output);
        Assert.NotEqual(0, (await CliRunner.Run("runs", "show", "5", "--data", data)).ExitCode); // the refused chain queued nothing
    }
}
