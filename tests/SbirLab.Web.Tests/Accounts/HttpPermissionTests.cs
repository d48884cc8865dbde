using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SbirLab.Store.Accounts;
using SbirLab.Web.Tests.EndToEnd;

namespace SbirLab.Web.Tests.Accounts;

/// <summary>
/// The permission matrix over HTTP, against the lab in its own process: a run of team red, asked for by a visitor,
/// a member of red, a member of blue, a grader and the admin the lab created at its first start. Pages, the /api
/// endpoints and the Blazor hub; then the same run published for sketch search, and the visitors' rate limit.
/// </summary>
public sealed class HttpPermissionTests(HttpPermissionTests.Lab lab) : IClassFixture<HttpPermissionTests.Lab>
{
    public static TheoryData<string> Callers() => ["anonymous", "member of the team", "member of another team", "grader", "admin"];

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Pages_need_a_signed_in_user(string caller)
    {
        var http = lab.Client(caller);
        var runs = await http.GetAsync("runs");
        if (caller == "anonymous")
        {
            Assert.Equal(HttpStatusCode.Redirect, runs.StatusCode);
            Assert.Contains("/login?ReturnUrl=%2Fruns", runs.Headers.Location!.ToString());
        }
        else Assert.Equal(HttpStatusCode.OK, runs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("login")).StatusCode);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("member of the team", HttpStatusCode.OK)]
    [InlineData("member of another team", HttpStatusCode.NotFound)]
    [InlineData("grader", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task A_runs_pictures_and_zip_are_served_to_those_who_read_it(string caller, HttpStatusCode expected)
    {
        var http = lab.Client(caller);
        Assert.Equal(expected, (await http.GetAsync($"api/runs/{lab.RunId}/pictures/loss.png")).StatusCode);
        var zip = await http.GetAsync($"api/runs/{lab.RunId}/export.zip");
        Assert.Equal(expected, zip.StatusCode);
        if (expected == HttpStatusCode.OK) Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("anonymous", null)]
    [InlineData("member of the team", true)]
    [InlineData("member of another team", false)]
    [InlineData("grader", true)]
    [InlineData("admin", true)]
    public async Task The_csv_table_holds_the_runs_the_caller_reads(string caller, bool? holdsTheRun)
    {
        var response = await lab.Client(caller).GetAsync("api/runs.csv");
        if (holdsTheRun is not { } holds)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(holds, (await response.Content.ReadAsStringAsync()).Contains("red-run", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("anonymous", false)]
    [InlineData("member of the team", true)]
    [InlineData("member of another team", false)]
    [InlineData("grader", true)]
    [InlineData("admin", true)]
    public async Task An_unpublished_run_is_searched_only_by_those_who_read_it(string caller, bool reaches)
    {
        // The run has no gallery index: a caller who may search it is told so; anyone else that it does not exist.
        string error = await SearchError(lab.Client(caller));
        Assert.Contains(reaches ? "no gallery index" : "does not exist", error);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("member of the team", HttpStatusCode.OK)]
    [InlineData("grader", HttpStatusCode.OK)]
    public async Task The_blazor_hub_needs_a_signed_in_user_while_nothing_is_published(string caller, HttpStatusCode expected)
    {
        var response = await lab.Client(caller).PostAsync("_blazor/negotiate?negotiateVersion=1", null);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_published_run_is_searched_by_visitors_rate_limited_and_nothing_else_of_it_is_served()
    {
        lab.Publish(true);
        try
        {
            var visitor = lab.Client("anonymous");
            Assert.Contains("no gallery index", await SearchError(visitor)); // the visitor reaches the run now
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("search")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await visitor.PostAsync("_blazor/negotiate?negotiateVersion=1", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"api/runs/{lab.RunId}/export.zip")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"api/runs/{lab.RunId}/pictures/loss.png")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await visitor.GetAsync($"runs/{lab.RunId}")).StatusCode);

            // The lab runs with --public-search-burst 3: a visitor's rapid searches run out; an account's never do.
            var answers = new List<HttpResponseMessage>();
            for (int i = 0; i < 10; i++) answers.Add(await visitor.PostAsJsonAsync($"api/runs/{lab.RunId}/search", Query));
            var limited = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.NotNull(limited);
            Assert.Contains("too many searches", await limited.Content.ReadAsStringAsync());
            for (int i = 0; i < 10; i++)
                Assert.NotEqual(HttpStatusCode.TooManyRequests, (await lab.Client("grader").PostAsJsonAsync($"api/runs/{lab.RunId}/search", Query)).StatusCode);
        }
        finally
        {
            lab.Publish(false);
        }
    }

    [Fact]
    public async Task A_run_the_caller_may_not_read_is_the_same_problem_as_a_run_that_does_not_exist()
    {
        var http = lab.Client("member of another team");
        foreach (long id in new[] { lab.RunId, 987_654L })
        {
            foreach (var url in new[] { $"api/runs/{id}/export.zip", $"api/runs/{id}/pictures/loss.png" })
            {
                var problem = await ProblemBodies.Read(await http.GetAsync(url));
                Assert.Equal((404, "Not found", $"no run with id {id} that you may read"), (problem.Status, problem.Title, problem.Detail));
            }
        }
        var report = await ProblemBodies.Read(await http.GetAsync($"api/report.html?runs={lab.RunId}"));
        Assert.Equal((404, $"no run with id {lab.RunId}"), (report.Status, report.Detail)); // the report service's words for a missing run
    }

    [Fact]
    public async Task Bad_input_to_the_file_endpoints_is_a_400_problem_naming_the_field()
    {
        var http = lab.Client("admin");
        var runs = await ProblemBodies.Read(await http.GetAsync("api/report.html?runs="));
        Assert.Equal((400, "Bad input", "runs"), (runs.Status, runs.Title, runs.Field));
        Assert.StartsWith("runs: give 1 to 8 run ids", runs.Detail, StringComparison.Ordinal);
        var file = await ProblemBodies.Read(await http.GetAsync($"api/runs/{lab.RunId}/pictures/config.json"));
        Assert.Equal((400, "file"), (file.Status, file.Field));
        var set = await ProblemBodies.Read(await http.GetAsync($"api/runs/{lab.RunId}/images/secret/0.png"));
        Assert.Equal((400, "set"), (set.Status, set.Field));
        var missing = await ProblemBodies.Read(await http.GetAsync($"api/runs/{lab.RunId}/pictures/nothing.png"));
        Assert.Equal((404, $"run {lab.RunId} has no picture nothing.png"), (missing.Status, missing.Detail));
    }

    private static readonly object Query = new { strokes = new[] { new[] { new[] { 10f, 200f }, new[] { 10f, 200f } } }, width = 400, height = 400, k = 5 };

    private async Task<string> SearchError(HttpClient http)
    {
        // The rate-limit test may have spent the visitors' burst just before (tests of a class run in any order):
        // a refused search waits for the bucket to refill (one token a second) rather than reading as the answer.
        var response = await http.PostAsJsonAsync($"api/runs/{lab.RunId}/search", Query);
        for (int wait = 0; wait < 20 && response.StatusCode == HttpStatusCode.TooManyRequests; wait++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            response = await http.PostAsJsonAsync($"api/runs/{lab.RunId}/search", Query);
        }
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A data folder with teams red and blue, one account per role, a completed run of red, and the lab serving it.</summary>
    public sealed class Lab : IAsyncLifetime
    {
        private readonly TestLab _lab = new();
        private readonly Dictionary<string, HttpClient> _clients = [];
        private LabServer? _server;

        public long RunId { get; private set; }

        public HttpClient Client(string caller) => _clients[caller];

        public void Publish(bool published) => _lab.Service.Publish(Caller.DataFolderOwner, RunId, published);

        public async Task InitializeAsync()
        {
            long red = _lab.Team("red");
            _lab.Team("blue");
            RunId = _lab.CompletedRun(_lab.Triplet("name=\"red-run\""), [0.4, 0.5], TestLab.Evaluation(), team: red);
            var pictures = Directory.CreateDirectory(_lab.Store.Data.RunFolder(RunId).Pictures);
            File.WriteAllBytes(Path.Combine(pictures.FullName, "loss.png"), [0x89, 0x50, 0x4E, 0x47]);
            var accounts = new (string Caller, string Name, string Role, string? Team)[]
            {
                ("member of the team", "ray", LabRoles.Member, "red"),
                ("member of another team", "bea", LabRoles.Member, "blue"),
                ("grader", "gus", LabRoles.Grader, null),
            };
            using (var identity = LabIdentity.CommandLineServices(_lab.Store))
            using (var scope = identity.CreateScope())
            {
                var service = scope.ServiceProvider.GetRequiredService<AccountService>();
                foreach (var account in accounts) await service.AddUserAsync(Caller.DataFolderOwner, account.Name, account.Role, account.Team, account.Name + "-password-1");
            }
            _server = await LabServer.StartAsync(_lab.Folder, "--worker", "false", "--public-search-burst", "3");
            var baseUrl = new Uri(_server.BaseUrl);
            _clients["anonymous"] = await SignIn.ClientAsync(baseUrl);
            _clients["admin"] = await SignIn.ClientAsync(baseUrl, "admin", SignIn.AdminPassword(_lab.Folder));
            foreach (var account in accounts) _clients[account.Caller] = await SignIn.ClientAsync(baseUrl, account.Name, account.Name + "-password-1");
        }

        public Task DisposeAsync()
        {
            foreach (var client in _clients.Values) client.Dispose();
            _server?.Dispose();
            _lab.Dispose();
            return Task.CompletedTask;
        }
    }
}
