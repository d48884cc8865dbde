using System.Text.Json;

namespace SbirLab.Web.Tests;

/// <summary>An RFC 7807 problem details body as the lab's API answers an error (Endpoints/ApiProblems).</summary>
public sealed record ProblemBody(int Status, string Title, string Detail, string? Field);

public static class ProblemBodies
{
    /// <summary>
    /// Reads an error answer, checking what every one must be: application/problem+json, its "status" the response's
    /// status, a title and a detail.
    /// </summary>
    public static async Task<ProblemBody> Read(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        int status = root.GetProperty("status").GetInt32();
        Assert.Equal((int)response.StatusCode, status);
        string title = root.GetProperty("title").GetString()!;
        string detail = root.GetProperty("detail").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(title));
        Assert.False(string.IsNullOrWhiteSpace(detail));
        string? field = root.TryGetProperty("field", out var named) ? named.GetString() : null;
        return new ProblemBody(status, title, detail, field);
    }
}
