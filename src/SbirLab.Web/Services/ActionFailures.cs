using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SbirLab.Core.Configs;

namespace SbirLab.Web.Services;

/// <summary>
/// Which exceptions of a UI action (note, tag, queue, stop, resume, delete) are the action failing rather than a
/// bug, and the words that tell the user: a refused request says why; a locked, full or missing database says
/// so and that what they typed is kept to try again. Pages catch exactly these, so the circuit lives on.
/// </summary>
public static class ActionFailures
{
    public static bool IsExpected(Exception e) => e is InvalidOperationException or KeyNotFoundException or ConfigException
        or UnauthorizedAccessException // the caller may not (AccessDeniedException)
        || IsStoreFailure(e);

    /// <summary>The database could not be written or read: locked past the busy timeout, full, read-only, gone, unreachable (SQLite's and Npgsql's errors are both DbExceptions).</summary>
    public static bool IsStoreFailure(Exception e) => e is DbUpdateException or DbException or TimeoutException or IOException
        || e.InnerException is { } inner && IsStoreFailure(inner);

    /// <summary>What to show for <paramref name="e"/>.</summary>
    public static string Describe(Exception e) => IsStoreFailure(e)
        ? $"the database did not take the change ({Root(e).Message.TrimEnd('.')}); nothing was lost: what you entered is still here, try again"
        : e.Message;

    private static Exception Root(Exception e) => e.InnerException is { } inner ? Root(inner) : e;
}
