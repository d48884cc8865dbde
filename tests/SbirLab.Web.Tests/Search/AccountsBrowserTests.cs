using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SbirLab.Store;
using SbirLab.Store.Accounts;
using SbirLab.Web.Tests.EndToEnd;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.Search;

/// <summary>
/// Accounts in real Chromium, on the search lab's trained run: the login page (a wrong password refused, then the
/// runs), a grader's read-only visit of a run (no write action but a note), and a visitor without an account sketching
/// on the run once a signed-in user published it. Screenshots: login, grader-view, anonymous-search.
/// </summary>
[Collection(SearchLabCollection.Name)]
public sealed class AccountsBrowserTests(SearchLab lab)
{
    private static readonly BrowserNewContextOptions Viewport = new() { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } };

    [Fact]
    public async Task A_visitor_is_sent_to_the_login_page_refused_a_wrong_password_and_let_in_with_the_right_one()
    {
        await using var context = await lab.Browser.NewContextAsync(Viewport);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(lab.BaseUrl, "runs").ToString());
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2Fruns$"));

        await page.Locator(".login-name").FillAsync("admin");
        await page.Locator(".login-password").FillAsync("not-the-password");
        await page.Locator(".login-submit").ClickAsync();
        await Expect(page.Locator(".account-error")).ToHaveTextAsync("Wrong name or password.");
        await page.Locator(".login-password").FillAsync(lab.AdminPassword);
        await Browser.ScreenshotAsync(page, "login");
        await page.Locator(".login-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/runs$"));
        await Expect(page.Locator(".account-link")).ToContainTextAsync("admin (admin)");
        await Expect(page.Locator($".run-row[data-run-id='{lab.RunId}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_grader_reads_a_teams_run_with_no_write_action_but_a_grading_note()
    {
        string password = await Account("gwen", LabRoles.Grader);
        await using var context = await lab.Browser.NewContextAsync(Viewport);
        var page = await context.NewPageAsync();
        await SignIn.InBrowserAsync(page, lab.BaseUrl.ToString(), "gwen", password);

        await page.GotoAsync(new Uri(lab.BaseUrl, "runs").ToString());
        var row = page.Locator($".run-row[data-run-id='{lab.RunId}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".actions button")).ToHaveCountAsync(0);
        await Expect(page.Locator(".new-run")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(lab.BaseUrl, $"runs/{lab.RunId}?tab=5").ToString());
        await Expect(page.Locator(".read-only-chip")).ToBeVisibleAsync();
        await Expect(page.Locator(".run-team")).ToContainTextAsync("team default");
        foreach (var action in new[] { ".run-stop", ".run-resume", ".run-clone", ".run-publish", ".add-tag", ".tag-input" })
            await Expect(page.Locator(action)).ToHaveCountAsync(0);
        await Expect(page.Locator(".run-export")).ToBeVisibleAsync();
        await page.Locator(".note-input textarea").FillAsync("graded: B+, the margin sweep is missing");
        await page.Locator(".note-input textarea").PressAsync("Tab"); // the field hands its text over when it loses focus
        await page.Locator(".add-note").ClickAsync();
        await Expect(page.Locator(".note-text").Last).ToHaveTextAsync("graded: B+, the margin sweep is missing");
        await Browser.ScreenshotAsync(page, "grader-view");
    }

    [Fact]
    public async Task A_visitor_without_an_account_sketches_on_a_run_once_it_is_published()
    {
        await using var visitorContext = await lab.Browser.NewContextAsync(Viewport);
        var visitor = await visitorContext.NewPageAsync();
        await visitor.GotoAsync(new Uri(lab.BaseUrl, $"search?run={lab.RunId}").ToString());
        await Expect(visitor).ToHaveURLAsync(new Regex("/login")); // nothing published: the search page needs an account

        var admin = await lab.OpenAsync($"runs/{lab.RunId}");
        try
        {
            await Expect(admin.Locator(".run-publish")).ToContainTextAsync("Publish for sketch search");
            await admin.Locator(".run-publish").ClickAsync();
            await Expect(admin.Locator(".run-published")).ToBeVisibleAsync(new() { Timeout = 15_000 });

            await visitor.GotoAsync(new Uri(lab.BaseUrl, $"search?run={lab.RunId}").ToString());
            await Expect(visitor.Locator(".run-state")).ToContainTextAsync("ready", new() { Timeout = 60_000 });
            await Expect(visitor.Locator(".sign-in-link")).ToBeVisibleAsync();
            var canvas = visitor.Locator("canvas.sketch-canvas");
            await SearchPageTests.DrawAsync(visitor, canvas, SketchDrawings.Strokes(SketchDrawings.FirstOf(9)).Take(3).ToList());
            await Expect(visitor.Locator(".search-results")).ToHaveAttributeAsync("data-results", "10");
            await Expect(visitor.Locator(".result-card img").First).ToHaveJSPropertyAsync("naturalWidth", 28);
            await Browser.ScreenshotAsync(visitor, "anonymous-search");

            await visitor.GotoAsync(new Uri(lab.BaseUrl, $"runs/{lab.RunId}").ToString());
            await Expect(visitor).ToHaveURLAsync(new Regex("/login")); // the run's page still needs an account
        }
        catch (Exception)
        {
            await Browser.ScreenshotAsync(visitor, "failure-anonymous-search");
            throw;
        }
        finally
        {
            await admin.Context.CloseAsync();
            Withdraw(); // the other search tests expect a lab where nothing is published
        }
    }

    private void Withdraw()
    {
        using var store = RunStore.Open(new DataFolder(lab.Folder));
        using var service = new SbirLab.Runs.RunService(store);
        service.Publish(Caller.DataFolderOwner, lab.RunId, published: false);
    }

    /// <summary>Adds an account to the lab's store (the lab reads accounts from it at each sign-in); returns its password.</summary>
    private async Task<string> Account(string name, string role)
    {
        using var store = RunStore.Open(new DataFolder(lab.Folder));
        using var identity = LabIdentity.CommandLineServices(store);
        using var scope = identity.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        if ((await accounts.ListUsersAsync(Caller.DataFolderOwner)).Any(a => a.Name == name))
            return await accounts.SetPasswordAsync(Caller.DataFolderOwner, name);
        return await accounts.AddUserAsync(Caller.DataFolderOwner, name, role);
    }
}
