using Microsoft.Extensions.DependencyInjection;
using SbirLab.Core.Runs;
using SbirLab.Runs;
using SbirLab.Store.Accounts;
using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Accounts;

/// <summary>
/// The permission matrix at the service level: every action on a run of team red, by a visitor, a member of red, a
/// member of blue, a grader and an admin, through the services the pages and endpoints call (run service, reader,
/// annotations, exporter, compare, live feeds, search, accounts). An allowed action must change what it changes; a
/// refused one must throw and change nothing. The README's permission table is this one.
/// </summary>
public sealed class PermissionMatrixTests(PermissionMatrixTests.Lab lab) : IClassFixture<PermissionMatrixTests.Lab>
{
    /// <summary>The callers, in the order of the expectation strings below.</summary>
    public static readonly string[] Callers = ["anonymous", "member of the team", "member of another team", "grader", "admin"];

    /// <summary>Each action's expected outcome per caller: '+' allowed, '-' refused (order of <see cref="Callers"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>
    {
        ["read the run"] = "-+-++",
        ["list the run"] = "-+-++",
        ["compare the run"] = "-+-++",
        ["follow it live"] = "-+-++",
        ["queue a run in the team"] = "-+--+",
        ["clone it into a new run"] = "-+--+",
        ["start a run from its weights"] = "-+--+",
        ["stop it"] = "-+--+",
        ["resume it"] = "-+--+",
        ["delete it"] = "-+--+",
        ["tag it"] = "-+--+",
        ["add a note"] = "-+-++",
        ["export it as zip"] = "-+-++",
        ["export it in the CSV table"] = "-+-++",
        ["publish it"] = "-+--+",
        ["search it (not published)"] = "-+-++",
        ["search it (published)"] = "+++++",
        ["add a team"] = "----+",
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var action in Expected.Keys)
            foreach (var caller in Callers) data.Add(action, caller);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_action_by_every_caller(string action, string callerName)
    {
        var caller = lab.Caller(callerName);
        bool allowed = Expected[action][Array.IndexOf(Callers, callerName)] == '+';
        var attempt = lab.Action(action);

        Exception? refusal = null;
        try { await attempt.Run(caller); }
        catch (Exception e) when (e is KeyNotFoundException or AccessDeniedException or RunNotSearchableException) { refusal = e; }

        if (allowed)
        {
            Assert.True(refusal is null, $"{caller} should be able to {action}, was refused: {refusal?.Message}");
            Assert.True(attempt.Happened(), $"{caller} was allowed to {action}, but nothing happened");
        }
        else
        {
            Assert.True(refusal is not null || attempt.Refused(), $"{caller} should not be able to {action}");
            Assert.False(attempt.Happened(), $"{caller} was refused to {action}, yet it happened");
        }
    }

    [Fact]
    public void The_course_setting_lets_members_read_every_teams_runs_but_not_manage_them()
    {
        var policy = new AccessPolicy(MembersReadAllTeams: true);
        var blue = lab.Caller("member of another team");
        Assert.True(policy.Allows(blue, RunAction.Read, lab.Red, published: false));
        Assert.True(policy.Allows(blue, RunAction.Export, lab.Red));
        Assert.False(policy.Allows(blue, RunAction.Manage, lab.Red));
        Assert.False(policy.Allows(blue, RunAction.Note, lab.Red));
        Assert.False(policy.Allows(blue, RunAction.Queue, lab.Red));
    }

    /// <summary>An attempt at an action: what it does, whether its effect is there, and whether a quiet refusal showed.</summary>
    public sealed record Attempt(Func<Caller, Task> Run, Func<bool> Happened, Func<bool>? QuietlyRefused = null)
    {
        /// <summary>Some reads refuse by leaving the run out instead of throwing.</summary>
        public bool Refused() => QuietlyRefused?.Invoke() ?? false;
    }

    /// <summary>A lab with teams red and blue; each attempt makes the runs it acts on.</summary>
    public sealed class Lab : IDisposable
    {
        private readonly TestLab _lab = new();
        private readonly ServiceProvider _identity;

        public Lab()
        {
            Red = _lab.Team("red");
            Blue = _lab.Team("blue");
            _identity = LabIdentity.CommandLineServices(_lab.Store);
        }

        public long Red { get; }
        public long Blue { get; }

        public Caller Caller(string name) => name switch
        {
            "anonymous" => Store.Accounts.Caller.Anonymous,
            "member of the team" => new Caller("u-red", "ray", LabRoles.Member, Red, "red"),
            "member of another team" => new Caller("u-blue", "bea", LabRoles.Member, Blue, "blue"),
            "grader" => new Caller("u-grader", "gus", LabRoles.Grader),
            "admin" => new Caller("u-admin", "ada", LabRoles.Admin),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        private long Completed(string name = "red-run")
        {
            // The lab records a completed run by claiming the queue's oldest run: earlier attempts' queued runs step aside.
            foreach (var queued in _lab.Store.List(new Store.RunQuery(RunStatus.Queued))) _lab.Store.RequestStop(queued.Id);
            return _lab.CompletedRun(_lab.Triplet($"name=\"{name}\""), [0.4, 0.5], TestLab.Evaluation(), team: Red);
        }

        private long Queued() => _lab.Service.Queue(Store.Accounts.Caller.DataFolderOwner, _lab.Triplet(), teamId: Red);

        private long Stopped()
        {
            long id = Queued();
            _lab.Service.Stop(Store.Accounts.Caller.DataFolderOwner, id);
            return id;
        }

        public Attempt Action(string action)
        {
            var reader = _lab.Reader;
            var service = _lab.Service;
            var store = _lab.Store;
            switch (action)
            {
                case "read the run":
                    {
                        long id = Completed();
                        bool read = false;
                        return new(c => { read = reader.Find(c, id) is not null && reader.History(c, id).LastStep >= 0; return Task.CompletedTask; },
                            () => read, () => !read);
                    }
                case "list the run":
                    {
                        long id = Completed();
                        bool listed = false;
                        return new(c => { listed = reader.List(c).Any(r => r.Id == id); return Task.CompletedTask; }, () => listed, () => !listed);
                    }
                case "compare the run":
                    {
                        long id = Completed();
                        int loaded = -1;
                        return new(c => { loaded = new CompareLoader(reader).Load(c, [id]).Count; return Task.CompletedTask; }, () => loaded == 1, () => loaded == 0);
                    }
                case "follow it live":
                    {
                        long id = Completed();
                        IDisposable? feed = null;
                        return new(c => { feed = new LiveRunFeeds(service, _lab.Settings).Watch(c, id, _ => Task.CompletedTask); return Task.CompletedTask; },
                            () => { bool watching = feed is not null; feed?.Dispose(); return watching; });
                    }
                case "queue a run in the team":
                    {
                        int before = store.List().Count;
                        return new(c => { service.Queue(c, _lab.Triplet(), teamId: Red); return Task.CompletedTask; }, () => store.List().Count == before + 1);
                    }
                case "clone it into a new run":
                    {
                        long id = Completed();
                        return new(c => { service.Queue(c, service.Clone(c, id) with { Seed = 9 }, parentRunId: id); return Task.CompletedTask; },
                            () => store.List().Any(r => r.ParentRunId == id));
                    }
                case "start a run from its weights":
                    {
                        long id = Completed();
                        string reference = $"\"#{id}\"";
                        return new(c => { service.Queue(c, _lab.Triplet($"model.initFrom={reference}")); return Task.CompletedTask; },
                            () => store.List().Any(r => r.ConfigJson.Contains(reference, StringComparison.Ordinal)));
                    }
                case "stop it":
                    {
                        long id = Queued();
                        return new(c => { service.Stop(c, id); return Task.CompletedTask; }, () => store.Find(id)!.Status == RunStatus.Stopped);
                    }
                case "resume it":
                    {
                        long id = Stopped();
                        return new(c => { service.Resume(c, id); return Task.CompletedTask; }, () => store.Find(id)!.Status == RunStatus.Queued);
                    }
                case "delete it":
                    {
                        long id = Stopped();
                        return new(c => { service.Delete(c, id); return Task.CompletedTask; }, () => store.Find(id) is null);
                    }
                case "tag it":
                    {
                        long id = Completed();
                        return new(c => { new RunAnnotations(store).AddTag(c, id, "checked"); return Task.CompletedTask; },
                            () => store.Find(id)!.Tags.Any(t => t.Name == "checked"));
                    }
                case "add a note":
                    {
                        long id = Completed();
                        return new(c => { new RunAnnotations(store).AddNote(c, id, "grade: B+"); return Task.CompletedTask; },
                            () => store.Find(id)!.Notes.Any(n => n.Text == "grade: B+"));
                    }
                case "export it as zip":
                    {
                        long id = Completed();
                        string zip = Path.Combine(_lab.Folder, $"export-{Guid.NewGuid():N}.zip");
                        return new(c => { new Store.RunExporter(store).ExportRun(c, id, zip); return Task.CompletedTask; }, () => File.Exists(zip));
                    }
                case "export it in the CSV table":
                    {
                        long id = Completed($"csv-{Guid.NewGuid():N}");
                        string csv = "";
                        return new(c =>
                        {
                            using var text = new StringWriter();
                            new Store.RunExporter(store).ExportAllCsv(c, text);
                            csv = text.ToString();
                            return Task.CompletedTask;
                        }, () => csv.Contains(store.Find(id)!.Name, StringComparison.Ordinal), () => csv.Length > 0);
                    }
                case "publish it":
                    {
                        long id = Completed();
                        return new(c => { service.Publish(c, id); return Task.CompletedTask; }, () => store.Find(id)!.PublishedAt is not null);
                    }
                case "search it (not published)":
                case "search it (published)":
                    {
                        long id = Completed();
                        if (action.EndsWith("(published)", StringComparison.Ordinal)) service.Publish(Store.Accounts.Caller.DataFolderOwner, id);
                        var search = new SearchService(store, new OpenRuns(store));
                        string? answer = null;
                        // The run has no gallery index: a caller who may search it gets that far; others are told it does not exist.
                        return new(async c =>
                        {
                            try { await search.SearcherAsync(c, id); }
                            catch (RunNotSearchableException e) when (e.Message.Contains("no gallery index", StringComparison.Ordinal)) { answer = e.Message; }
                        }, () => answer is not null);
                    }
                case "add a team":
                    {
                        string name = "team-" + Guid.NewGuid().ToString("N")[..6];
                        return new(c =>
                        {
                            using var scope = _identity.CreateScope();
                            scope.ServiceProvider.GetRequiredService<AccountService>().AddTeam(c, name);
                            return Task.CompletedTask;
                        }, () => _identity.CreateScope().ServiceProvider.GetRequiredService<AccountService>().FindTeam(name) is not null);
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(action), action, null);
            }
        }

        public void Dispose()
        {
            _identity.Dispose();
            _lab.Dispose();
        }
    }
}
