using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using Spectre.Console;

namespace SbirLab.Cli.Commands.Store;

/// <summary>
/// <c>sbirlab users add &lt;name&gt; --role admin|member|grader [--team T] [--password P] | list | remove &lt;name&gt;
/// | set-password &lt;name&gt; [--password P]</c> and <c>sbirlab teams add &lt;name&gt; | list</c>. The command line holds the
/// data folder, so it acts as an admin (<see cref="Caller.DataFolderOwner"/>). A password not given is generated and
/// printed once.
/// </summary>
internal static class AccountCommands
{
    public static Command Users()
    {
        var command = new Command("users", "Accounts of the web lab: add, list, remove, set a password.");
        command.Subcommands.Add(AddUser());
        command.Subcommands.Add(new Command("list", "Every account with its role and team.").WithAction(ListUsers));
        command.Subcommands.Add(RemoveUser());
        command.Subcommands.Add(SetPassword());
        return command;
    }

    public static Command Teams()
    {
        var command = new Command("teams", "Course teams: their members queue and manage the team's runs.");
        var name = new Argument<string>("name") { Description = "The team's name." };
        var add = new Command("add", "Add a team.") { name };
        add.SetAction(result => WithAccounts(result, accounts =>
        {
            var team = accounts.AddTeam(Caller.DataFolderOwner, result.GetValue(name)!);
            AnsiConsole.MarkupLine($"added team [bold]{Markup.Escape(team.Name)}[/]");
            return Task.FromResult(0);
        }));
        command.Subcommands.Add(add);
        command.Subcommands.Add(new Command("list", "Every team with its members and runs.").WithAction(ListTeams));
        return command;
    }

    private static Command AddUser()
    {
        var name = new Argument<string>("name") { Description = "The account's name (letters, digits, - . _ @ +)." };
        var role = new Option<string>("--role") { Description = "admin, member or grader.", Required = true };
        var team = new Option<string?>("--team") { Description = "The member's team (members only)." };
        var password = PasswordOption();
        var command = new Command("add", "Add an account; without --password a random one is printed once.") { name, role, team, password };
        command.SetAction(result => WithAccounts(result, async accounts =>
        {
            string given = await accounts.AddUserAsync(Caller.DataFolderOwner, result.GetValue(name)!, result.GetValue(role)!,
                result.GetValue(team), result.GetValue(password));
            AnsiConsole.MarkupLine($"added [bold]{Markup.Escape(result.GetValue(name)!)}[/] ({Markup.Escape(result.GetValue(role)!.ToLowerInvariant())}"
                + (result.GetValue(team) is { } t ? $", team {Markup.Escape(t)}" : "") + ")");
            if (result.GetValue(password) is null) AnsiConsole.MarkupLine($"password: {Markup.Escape(given)}");
            return 0;
        }));
        return command;
    }

    private static Command RemoveUser()
    {
        var name = new Argument<string>("name") { Description = "The account to remove." };
        var command = new Command("remove", "Remove an account (not the last admin).") { name };
        command.SetAction(result => WithAccounts(result, async accounts =>
        {
            await accounts.RemoveUserAsync(Caller.DataFolderOwner, result.GetValue(name)!);
            AnsiConsole.MarkupLine($"removed {Markup.Escape(result.GetValue(name)!)}");
            return 0;
        }));
        return command;
    }

    private static Command SetPassword()
    {
        var name = new Argument<string>("name") { Description = "The account." };
        var password = PasswordOption();
        var command = new Command("set-password", "Set an account's password (signs it out everywhere); without --password a random one is printed once.")
        {
            name, password,
        };
        command.SetAction(result => WithAccounts(result, async accounts =>
        {
            string given = await accounts.SetPasswordAsync(Caller.DataFolderOwner, result.GetValue(name)!, result.GetValue(password));
            AnsiConsole.MarkupLine($"password of {Markup.Escape(result.GetValue(name)!)} set" + (result.GetValue(password) is null ? $": {Markup.Escape(given)}" : ""));
            return 0;
        }));
        return command;
    }

    private static Task<int> ListUsers(ParseResult result) => WithAccounts(result, async accounts =>
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "name", "role", "team", "created" }) table.AddColumn(column);
        foreach (var user in await accounts.ListUsersAsync(Caller.DataFolderOwner))
            table.AddRow(Markup.Escape(user.Name), user.Role, Markup.Escape(user.Team ?? ""), user.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    });

    private static Task<int> ListTeams(ParseResult result) => WithAccounts(result, async accounts =>
    {
        var users = await accounts.ListUsersAsync(Caller.DataFolderOwner);
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "team", "members", "runs" }) table.AddColumn(column);
        using var store = StoreCommands.OpenStore(result);
        var runs = store.List();
        foreach (var team in accounts.Teams(Caller.DataFolderOwner))
            table.AddRow(Markup.Escape(team.Name), Markup.Escape(string.Join(", ", users.Where(u => u.Team == team.Name).Select(u => u.Name))),
                runs.Count(r => r.TeamId == team.Id).ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    });

    private static Option<string?> PasswordOption() =>
        new("--password") { Description = $"The password (at least {LabIdentity.MinimumPasswordLength} characters); default: a random one, printed once." };

    /// <summary>Runs an account action on the data folder's store; bad input and refusals are one line and exit code 2.</summary>
    private static async Task<int> WithAccounts(ParseResult result, Func<AccountService, Task<int>> action)
    {
        using var store = StoreCommands.OpenStore(result);
        using var services = LabIdentity.CommandLineServices(store);
        using var scope = services.CreateScope();
        try { return await action(scope.ServiceProvider.GetRequiredService<AccountService>()); }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or InvalidOperationException or AccessDeniedException)
        {
            return CliOutput.Error(e.Message);
        }
    }

    private static Command WithAction(this Command command, Func<ParseResult, Task<int>> action)
    {
        command.SetAction((result, _) => action(result));
        return command;
    }
}
