using Microsoft.EntityFrameworkCore.Design;

namespace SbirLab.Store.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project src/SbirLab.Store.Postgres</c> build the context for PostgreSQL
/// (design time only; adding a migration needs no server).
/// </summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<StoreDbContext>
{
    public StoreDbContext CreateDbContext(string[] args) =>
        new(PostgresSetup.ContextOptions("Host=localhost;Database=sbirlab_design_time;Username=sbirlab"));
}
