using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SbirLab.Web.Tests.EndToEnd;

/// <summary>The lab's own process on 127.0.0.1, asked over HTTP as a DNS-rebinding or cross-site page would ask it.</summary>
public sealed class NetworkHygieneTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sbirlab-web-tests", "network-" + Guid.NewGuid().ToString("N")[..8]);
    private LabServer? _server;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _server = await LabServer.StartAsync(_folder, "--worker", "false");
        _http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl) };
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _server?.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* cleaned later */ }
        return Task.CompletedTask;
    }

    private string Authority => new Uri(_server!.BaseUrl).Authority;

    [Fact]
    public async Task A_request_for_another_host_name_is_refused_so_dns_rebinding_reaches_nothing()
    {
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "login");
        rebound.Headers.Host = "attacker.example:" + new Uri(_server!.BaseUrl).Port;
        var refused = await _http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var local = new HttpRequestMessage(HttpMethod.Get, "login");
        local.Headers.Host = "localhost:" + new Uri(_server.BaseUrl).Port;
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(local)).StatusCode);
    }

    [Theory]
    [InlineData("_blazor/negotiate?negotiateVersion=1")]
    [InlineData("api/runs/1/search")]
    public async Task A_post_from_another_sites_page_is_refused_and_from_the_labs_own_page_is_not(string path)
    {
        var foreign = await Post(path, "http://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("another site", await foreign.Content.ReadAsStringAsync());

        var own = await Post(path, "http://" + Authority);
        Assert.NotEqual(HttpStatusCode.Forbidden, own.StatusCode);
    }

    [Fact]
    public async Task The_blazor_hub_refuses_a_websocket_opened_by_another_site()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "_blazor?id=x");
        request.Headers.Add("Origin", "http://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task The_search_api_answers_text_plain_and_url_encoded_forms_with_415_and_what_to_send()
    {
        var text = await _http.PostAsync("api/runs/1/search", new StringContent("{\"strokes\":[]}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Contains("application/json", await text.Content.ReadAsStringAsync());

        using var form = new ByteArrayContent(new byte[200_000]); // a raw picture sent as a form: not "too large"
        form.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var upload = await _http.PostAsync("api/runs/1/search/image", form);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, upload.StatusCode);
        Assert.Contains("multipart/form-data", await upload.Content.ReadAsStringAsync());

        var plainUpload = await _http.PostAsync("api/runs/1/search/image", new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainUpload.StatusCode);
    }

    private async Task<HttpResponseMessage> Post(string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", origin);
        return await _http.SendAsync(request);
    }
}
