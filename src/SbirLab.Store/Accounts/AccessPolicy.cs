using SbirLab.Store.Entities;

namespace SbirLab.Store.Accounts;

/// <summary>What a caller may do with a run.</summary>
public enum RunAction
{
    /// <summary>See the run: list, page, config, metrics, log, pictures, evaluation, compare.</summary>
    Read,

    /// <summary>Queue a run (or a clone) in the run's team.</summary>
    Queue,

    /// <summary>Stop, resume, delete, tag.</summary>
    Manage,

    /// <summary>Add a note (a grader's grading note, a member's remark).</summary>
    Note,

    /// <summary>Download the run as zip or as a row of the CSV table.</summary>
    Export,

    /// <summary>Publish the run for public sketch search, or withdraw it.</summary>
    Publish,

    /// <summary>Query the run's gallery with a sketch.</summary>
    Search,
}

/// <summary>Thrown when a caller may see a run (or the lab) but not do what they asked; the message says who, what and why not.</summary>
public sealed class AccessDeniedException(string message) : UnauthorizedAccessException(message);

/// <summary>
/// The lab's permission rules, in one place; the run service, the store's queries, the exports and the search call
/// them with the caller's identity. <see cref="MembersReadAllTeams"/> is the course's setting: false (the default)
/// lets members read only their own team's runs.
/// <code>
/// action            anonymous   member (own team)   member (other team)   grader   admin
/// read / compare    -           yes                 setting               yes      yes
/// queue / clone     -           yes                 -                     -        yes
/// stop/resume/
///   delete / tag    -           yes                 -                     -        yes
/// note              -           yes                 -                     yes      yes
/// export            -           yes                 setting               yes      yes
/// publish           -           yes                 -                     -        yes
/// search            published   yes                 published / setting   yes      yes
/// accounts, teams   -           -                   -                     -        yes
/// </code>
/// A caller who may not read a run is told it does not exist, so run ids of other teams reveal nothing.
/// </summary>
public sealed record AccessPolicy(bool MembersReadAllTeams = false)
{
    public bool CanRead(Caller caller, long teamId) =>
        caller.IsAdmin || caller.IsGrader || (caller.IsMember && (caller.TeamId == teamId || MembersReadAllTeams));

    public bool Allows(Caller caller, RunAction action, long teamId, bool published = false) => action switch
    {
        RunAction.Read or RunAction.Export => CanRead(caller, teamId),
        RunAction.Queue or RunAction.Manage or RunAction.Publish => caller.IsAdmin || (caller.IsMember && caller.TeamId == teamId),
        RunAction.Note => caller.IsAdmin || caller.IsGrader || (caller.IsMember && caller.TeamId == teamId),
        RunAction.Search => published || CanRead(caller, teamId),
        _ => false,
    };

    public bool Allows(Caller caller, RunAction action, RunRecord run) =>
        Allows(caller, action, run.TeamId, run.PublishedAt is not null);

    /// <summary>
    /// Throws unless <paramref name="caller"/> may do <paramref name="action"/> with <paramref name="run"/>:
    /// <see cref="KeyNotFoundException"/> when they may not even see it, <see cref="AccessDeniedException"/> otherwise.
    /// </summary>
    public void Demand(Caller caller, RunAction action, RunRecord run)
    {
        if (Allows(caller, action, run)) return;
        bool sees = action == RunAction.Search ? Allows(caller, RunAction.Search, run) : CanRead(caller, run.TeamId);
        if (!sees) throw new KeyNotFoundException($"no run with id {run.Id}");
        throw new AccessDeniedException($"{caller} may not {Verb(action)} run {run.Id} of team {run.Team?.Name ?? run.TeamId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>Throws unless <paramref name="caller"/> may queue runs in team <paramref name="teamId"/>.</summary>
    public void DemandQueue(Caller caller, long teamId, string teamName)
    {
        if (!Allows(caller, RunAction.Queue, teamId))
            throw new AccessDeniedException($"{caller} may not queue runs in team {teamName}");
    }

    /// <summary>Throws unless <paramref name="caller"/> manages accounts and teams (an admin).</summary>
    public static void DemandAdmin(Caller caller, string what)
    {
        if (!caller.IsAdmin) throw new AccessDeniedException($"{caller} may not {what}: only an admin may");
    }

    /// <summary>The runs <paramref name="caller"/> may read, as a filter of a store query.</summary>
    public IQueryable<RunRecord> Readable(IQueryable<RunRecord> runs, Caller caller)
    {
        if (caller.IsAdmin || caller.IsGrader || (caller.IsMember && MembersReadAllTeams)) return runs;
        if (caller.IsMember && caller.TeamId is { } team) return runs.Where(r => r.TeamId == team);
        return runs.Where(r => false);
    }

    /// <summary>The runs <paramref name="caller"/> may search: those they read, and every published one.</summary>
    public IQueryable<RunRecord> Searchable(IQueryable<RunRecord> runs, Caller caller)
    {
        if (caller.IsAdmin || caller.IsGrader || (caller.IsMember && MembersReadAllTeams)) return runs;
        if (caller.IsMember && caller.TeamId is { } team) return runs.Where(r => r.TeamId == team || r.PublishedAt != null);
        return runs.Where(r => r.PublishedAt != null);
    }

    private static string Verb(RunAction action) => action switch
    {
        RunAction.Read => "read",
        RunAction.Queue => "queue runs like",
        RunAction.Manage => "stop, resume, delete or tag",
        RunAction.Note => "add notes to",
        RunAction.Export => "export",
        RunAction.Publish => "publish",
        RunAction.Search => "search",
        _ => action.ToString().ToLowerInvariant(),
    };
}
