namespace SbirLab.Cli.Tests;

[Collection("cli")]
public class RunAnnotationCommandTests
{
    [Fact]
    public async Task TagsAndNotesAddedFromTheCommandLineShowInListAndShowAndTagsComeOffAgain()
    {
        string data = CliRunner.Temp("annotate");
        string template = Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "triplet.json");
        var queued = await CliRunner.Run("queue", template, "--data", data);
        Assert.True(queued.ExitCode == 0, queued.Output);

        var tagged = await CliRunner.Run("runs", "tag", "1", "baseline", "margin-0.2", "--data", data);
        Assert.True(tagged.ExitCode == 0, tagged.Output);
        Assert.Matches(@"run 1 tags: baseline, .*margin-0\.2", tagged.Output); // beside the template's own tags
        var noted = await CliRunner.Run("runs", "note", "1", "lr looks high", "--data", data);
        Assert.Contains("run 1: note added (1 in all)", noted.Output);

        Assert.Contains("triplet", (await CliRunner.Run("runs", "list", "--tag", "baseline", "--data", data)).Output);
        var shown = (await CliRunner.Run("runs", "show", "1", "--data", data)).Output;
        Assert.Matches(@"tags +baseline, .*margin-0\.2", shown);
        Assert.Contains("lr looks high", shown);

        var untagged = await CliRunner.Run("runs", "tag", "1", "baseline", "--remove", "--data", data);
        Assert.Contains("margin-0.2", untagged.Output);
        Assert.DoesNotContain("baseline", untagged.Output);
        Assert.DoesNotContain("triplet", (await CliRunner.Run("runs", "list", "--tag", "baseline", "--data", data)).Output);

        var missing = await CliRunner.Run("runs", "note", "99", "x", "--data", data);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no run with id 99", missing.Output);
    }
}
