using System.Text.RegularExpressions;

namespace SbirLab.Cli.Tests;

[Collection("cli")]
public partial class AccountCommandTests
{
    [Fact]
    public async Task Teams_and_accounts_are_added_listed_given_passwords_and_removed_and_runs_are_queued_for_a_team()
    {
        string data = CliRunner.Temp("accounts");
        Assert.Equal(0, (await CliRunner.Run("teams", "add", "red", "--data", data)).ExitCode);

        var added = await CliRunner.Run("users", "add", "ana", "--role", "member", "--team", "red", "--data", data);
        Assert.True(added.ExitCode == 0, added.Output);
        Assert.Contains("added ana (member, team red)", added.Output);
        Assert.Matches(PrintedPassword(), added.Output);
        Assert.Equal(0, (await CliRunner.Run("users", "add", "gus", "--role", "grader", "--password", "a-long-passphrase", "--data", data)).ExitCode);

        var noTeam = await CliRunner.Run("users", "add", "bo", "--role", "member", "--data", data);
        Assert.NotEqual(0, noTeam.ExitCode);
        Assert.Contains("team: a member needs a team", noTeam.Output);
        var badRole = await CliRunner.Run("users", "add", "bo", "--role", "boss", "--data", data);
        Assert.Contains("role: 'boss' is not one of admin, member, grader", badRole.Output);
        var shortPassword = await CliRunner.Run("users", "add", "bo", "--role", "grader", "--password", "short", "--data", data);
        Assert.Contains("password:", shortPassword.Output);

        var list = (await CliRunner.Run("users", "list", "--data", data)).Output;
        Assert.Matches(@"ana\s+member\s+red", list);
        Assert.Matches(@"gus\s+grader", list);
        var reset = await CliRunner.Run("users", "set-password", "ana", "--data", data);
        Assert.Matches(@"password of ana set: [A-Za-z0-9]{20}", reset.Output);

        string template = Path.Combine(RepoPaths.Root, "experiments", "fashion-mnist", "triplet.json");
        var queued = await CliRunner.Run("queue", template, "--team", "red", "--data", data);
        Assert.True(queued.ExitCode == 0, queued.Output);
        Assert.Contains("for team red", queued.Output);
        Assert.Contains("no such team", (await CliRunner.Run("queue", template, "--team", "blue", "--data", data)).Output);
        Assert.Matches(@"red\s+ana\s+1", (await CliRunner.Run("teams", "list", "--data", data)).Output);

        Assert.Equal(0, (await CliRunner.Run("users", "remove", "gus", "--data", data)).ExitCode);
        Assert.DoesNotContain("gus", (await CliRunner.Run("users", "list", "--data", data)).Output);
    }

    [GeneratedRegex(@"password: [A-Za-z0-9]{20}")]
    private static partial Regex PrintedPassword();
}
