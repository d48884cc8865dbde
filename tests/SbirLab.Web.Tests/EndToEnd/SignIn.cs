using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>Signing in to a running lab, as a browser does (the login form) and as an HTTP client does (the same form posted).</summary>
public static partial class SignIn
{
    /// <summary>The password the lab gave its first admin (written to the data folder, mode 600, at first start).</summary>
    public static string AdminPassword(string dataFolder) =>
        File.ReadAllLines(Path.Combine(dataFolder, Store.Accounts.AccountService.AdminPasswordFile))[1];

    /// <summary>Signs <paramref name="page"/>'s browser context in through the login page.</summary>
    public static async Task InBrowserAsync(IPage page, string baseUrl, string name, string password)
    {
        await page.GotoAsync(baseUrl.TrimEnd('/') + "/login");
        await page.Locator(".login-name").FillAsync(name);
        await page.Locator(".login-password").FillAsync(password);
        await page.Locator(".login-submit").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/login"));
    }

    /// <summary>
    /// An HTTP client with its own cookies that does not follow redirects (a test sees the 302 to the login page),
    /// signed in as <paramref name="name"/> unless that is null.
    /// </summary>
    public static async Task<HttpClient> ClientAsync(Uri baseUrl, string? name = null, string? password = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (name is null) return client;
        string form = await client.GetStringAsync("login");
        string token = TokenField().Match(form) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("the login page has no antiforgery token");
        var response = await client.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Name"] = name,
            ["Input.Password"] = password ?? "",
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("login", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"{name} could not sign in: {(int)response.StatusCode}");
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
