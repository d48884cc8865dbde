using Microsoft.AspNetCore.Http.HttpResults;

namespace SbirLab.Web.Endpoints;

/// <summary>
/// The API's errors, as RFC 7807 problem details (<c>application/problem+json</c>: status, title, detail), one status
/// per kind of failure: 400 bad input (with the field it names), 403 a run the caller reads but may not use, 404 a run
/// that does not exist or that the caller may not read (the same answer for both, so nothing tells them apart), 413 a
/// body too large, 415 a body of the wrong type, 503 a part the host lacks. A detail is our own
/// sentence; none quotes a file's content.
/// </summary>
public static class ApiProblems
{
    /// <summary>The problem's extension member that names the input field at fault.</summary>
    public const string FieldMember = "field";

    public static ProblemHttpResult BadRequest(string detail, string? field = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad input",
            extensions: field is null ? null : new Dictionary<string, object?> { [FieldMember] = field });

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    /// <summary>Not found; for a run, also what a caller who may not read it hears (<paramref name="detail"/> must not tell the two apart).</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>The 404 of a run: the same words whether it does not exist or the caller may not read it.</summary>
    public static ProblemHttpResult NoRun(long id) => NotFound($"no run with id {id} that you may read");

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    public static ProblemHttpResult UnsupportedType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported body type");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable on this host");
}
