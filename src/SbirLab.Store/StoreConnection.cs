using System.Globalization;
using Npgsql;

namespace SbirLab.Store;

/// <summary>The two databases the store runs on.</summary>
public enum StoreProvider
{
    /// <summary>The embedded default: one file in the data folder (<c>sbirlab.db</c>).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server that workers on several machines share.</summary>
    Postgres,
}

/// <summary>
/// Which database the store opens. One rule for the lab, the command line and the workers: the <c>--store</c>
/// option, else <c>SBIRLAB_STORE</c>, else the data folder's SQLite file. A PostgreSQL store is named by an Npgsql
/// connection string (<c>Host=db;Database=sbirlab;Username=lab</c>) or a URL (<c>postgresql://lab@db/sbirlab</c>).
/// </summary>
public sealed record StoreConnection(StoreProvider Provider, string ConnectionString)
{
    /// <summary>The environment variable that names the store when no option does.</summary>
    public const string EnvironmentVariable = "SBIRLAB_STORE";

    /// <summary>The data folder's SQLite file.</summary>
    public static StoreConnection Sqlite(DataFolder data) => new(StoreProvider.Sqlite, SqliteSetup.ConnectionString(data.DatabasePath));

    /// <summary>The store named by the option, else by <c>SBIRLAB_STORE</c>, else the data folder's SQLite file.</summary>
    /// <exception cref="ArgumentException">The value names no PostgreSQL database the way Npgsql or a URL would.</exception>
    public static StoreConnection Resolve(string? option, DataFolder data)
    {
        string? value = !string.IsNullOrWhiteSpace(option) ? option : Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? Sqlite(data) : Postgres(value);
    }

    /// <summary>A PostgreSQL store from an Npgsql connection string or a <c>postgresql://</c> (<c>postgres://</c>) URL.</summary>
    /// <exception cref="ArgumentException">The text is neither, or names no host or no database.</exception>
    public static StoreConnection Postgres(string value)
    {
        string text = value.Trim();
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = IsUrl(text) ? FromUrl(text) : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"store: not a PostgreSQL connection string or postgresql:// URL ({e.Message}); example: Host=localhost;Database=sbirlab;Username=sbirlab", nameof(value), e);
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new ArgumentException("store: the PostgreSQL connection names no host (Host=... or postgresql://HOST/DATABASE)", nameof(value));
        if (string.IsNullOrWhiteSpace(builder.Database))
            throw new ArgumentException("store: the PostgreSQL connection names no database (Database=... or postgresql://host/DATABASE)", nameof(value));
        return new StoreConnection(StoreProvider.Postgres, builder.ConnectionString);
    }

    /// <summary>Where the store is, for messages and logs: the file, or host/database with the password left out.</summary>
    public string Describe()
    {
        if (Provider == StoreProvider.Sqlite)
            return new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{builder.Username}{(builder.Username is null ? "" : "@")}{builder.Host}:{builder.Port}/{builder.Database}");
    }

    public override string ToString() => Describe();

    private static bool IsUrl(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>postgresql://[user[:password]@]host[:port][/database][?param=value&amp;...]</c>, as libpq reads it; the query's
    /// parameters are Npgsql keywords or libpq's names for them (<c>sslmode</c>, <c>connect_timeout</c>, <c>application_name</c>).
    /// </summary>
    internal static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string item = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            string name = LibpqNames.GetValueOrDefault(key.ToLowerInvariant(), key);
            builder[name] = name == "SSL Mode" ? item.Replace("-", "", StringComparison.Ordinal) : item; // verify-full is VerifyFull
        }
        return builder;
    }

    /// <summary>libpq parameter names that Npgsql spells differently.</summary>
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.Ordinal)
    {
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["user"] = "Username",
        ["dbname"] = "Database",
    };
}
