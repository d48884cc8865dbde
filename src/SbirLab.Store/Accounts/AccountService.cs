using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SbirLab.Store.Entities;

namespace SbirLab.Store.Accounts;

/// <summary>An account as listed: name, role, team.</summary>
public sealed record AccountInfo(string Id, string Name, string Role, string? Team, DateTime CreatedAt);

/// <summary>
/// Accounts and teams: the first admin of a fresh data folder, adding, listing and removing accounts, setting
/// passwords, adding and listing teams. Everything but a user's own password change is for admins only, checked here.
/// </summary>
public sealed class AccountService(RunStore store, UserManager<LabUser> users)
{
    /// <summary>The account a fresh data folder starts with.</summary>
    public const string DefaultAdminName = "admin";

    /// <summary>The file (in the data folder) the first admin's password is written to, readable by its owner only.</summary>
    public const string AdminPasswordFile = "admin-password.txt";

    /// <summary>
    /// On a data folder without an admin: creates <see cref="DefaultAdminName"/> with a random password, writes it to
    /// <see cref="AdminPasswordFile"/> (mode 600) and returns it; null when an admin exists.
    /// </summary>
    public async Task<string?> EnsureAdminAsync()
    {
        if (await users.Users.AnyAsync(u => u.Role == LabRoles.Admin)) return null;
        string password = LabIdentity.RandomPassword();
        var existing = await users.FindByNameAsync(DefaultAdminName);
        if (existing is not null) await RemoveAsync(existing);
        await CreateAsync(DefaultAdminName, LabRoles.Admin, null, password);
        WriteOwnerOnly(Path.Combine(store.Data.Root, AdminPasswordFile), $"{DefaultAdminName}\n{password}\n");
        return password;
    }

    /// <summary>Adds an account; returns the password (the one given, else a random one). Members need a team, others have none.</summary>
    public async Task<string> AddUserAsync(Caller caller, string name, string role, string? team = null, string? password = null)
    {
        AccessPolicy.DemandAdmin(caller, "add accounts");
        role = role.Trim().ToLowerInvariant();
        if (!LabRoles.Assignable.Contains(role))
            throw new ArgumentException($"role: '{role}' is not one of {string.Join(", ", LabRoles.Assignable)}");
        long? teamId = null;
        if (role == LabRoles.Member)
        {
            if (string.IsNullOrWhiteSpace(team)) throw new ArgumentException("team: a member needs a team (--team T; teams add T creates one)");
            teamId = (FindTeam(team) ?? throw new ArgumentException($"team: there is no team '{team}' (teams add {team} creates it)")).Id;
        }
        else if (!string.IsNullOrWhiteSpace(team))
        {
            throw new ArgumentException($"team: only members belong to a team; an {role} reads every team's runs");
        }
        if (await users.FindByNameAsync(name) is not null) throw new ArgumentException($"name: there is already an account '{name}'");
        password ??= LabIdentity.RandomPassword();
        await CreateAsync(name, role, teamId, password);
        return password;
    }

    public async Task<IReadOnlyList<AccountInfo>> ListUsersAsync(Caller caller)
    {
        AccessPolicy.DemandAdmin(caller, "list accounts");
        var list = await users.Users.AsNoTracking().Include(u => u.Team).OrderBy(u => u.UserName).ToListAsync();
        return list.Select(u => new AccountInfo(u.Id, u.UserName ?? "", u.Role, u.Team?.Name, u.CreatedAt)).ToList();
    }

    /// <summary>Removes an account; the last admin cannot be removed (the lab would have nobody to manage it).</summary>
    public async Task RemoveUserAsync(Caller caller, string name)
    {
        AccessPolicy.DemandAdmin(caller, "remove accounts");
        var user = await users.FindByNameAsync(name) ?? throw new KeyNotFoundException($"no account '{name}'");
        if (user.Role == LabRoles.Admin && await users.Users.CountAsync(u => u.Role == LabRoles.Admin) == 1)
            throw new InvalidOperationException($"'{name}' is the last admin; add another admin first");
        await RemoveAsync(user);
    }

    /// <summary>Sets an account's password (a random one when none is given) and returns it; the account's cookies stop working.</summary>
    public async Task<string> SetPasswordAsync(Caller caller, string name, string? password = null)
    {
        AccessPolicy.DemandAdmin(caller, "set passwords");
        var user = await users.FindByNameAsync(name) ?? throw new KeyNotFoundException($"no account '{name}'");
        password ??= LabIdentity.RandomPassword();
        await CheckPassword(user, password);
        Ensure(await users.RemovePasswordAsync(user));
        Ensure(await users.AddPasswordAsync(user, password));
        await users.SetLockoutEndDateAsync(user, null);
        return password;
    }

    /// <summary>A user's own password change; the current password must match.</summary>
    public async Task ChangeOwnPasswordAsync(Caller caller, string currentPassword, string newPassword)
    {
        var user = caller.UserId is { } id ? await users.FindByIdAsync(id) : null;
        if (user is null) throw new AccessDeniedException($"{caller} has no account whose password could change");
        if (!await users.CheckPasswordAsync(user, currentPassword)) throw new ArgumentException("current password: it does not match");
        Ensure(await users.ChangePasswordAsync(user, currentPassword, newPassword));
    }

    public Team AddTeam(Caller caller, string name)
    {
        AccessPolicy.DemandAdmin(caller, "add teams");
        name = name.Trim();
        if (name.Length is 0 or > 64) throw new ArgumentException("name: a team name has 1 to 64 characters");
        using var db = store.CreateContext();
        if (db.Teams.Any(t => t.Name == name)) throw new ArgumentException($"name: there is already a team '{name}'");
        var team = new Team { Name = name, CreatedAt = DateTime.UtcNow };
        db.Teams.Add(team);
        db.SaveChanges();
        return team;
    }

    /// <summary>Every team (admins and graders see them all; a member sees their own).</summary>
    public IReadOnlyList<Team> Teams(Caller caller)
    {
        using var db = store.CreateContext();
        var teams = db.Teams.AsNoTracking().OrderBy(t => t.Name);
        if (caller.IsAdmin || caller.IsGrader) return teams.ToList();
        return caller.TeamId is { } own ? teams.Where(t => t.Id == own).ToList() : [];
    }

    public Team? FindTeam(string name)
    {
        using var db = store.CreateContext();
        return db.Teams.AsNoTracking().FirstOrDefault(t => t.Name == name.Trim());
    }

    private async Task CreateAsync(string name, string role, long? teamId, string password)
    {
        var user = new LabUser { UserName = name, Role = role, TeamId = teamId, CreatedAt = DateTime.UtcNow };
        await CheckPassword(user, password);
        Ensure(await users.CreateAsync(user, password));
    }

    private async Task CheckPassword(LabUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
            Ensure(await validator.ValidateAsync(users, user, password), "password");
    }

    private async Task RemoveAsync(LabUser user) => Ensure(await users.DeleteAsync(user));

    private static void Ensure(IdentityResult result, string field = "account")
    {
        if (!result.Succeeded) throw new ArgumentException($"{field}: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>Writes a secret to a file only its owner can read or write (mode 600 from its creation, never wider).</summary>
    public static void WriteOwnerOnly(string path, string text)
    {
        if (File.Exists(path)) File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
