using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SbirLab.Store;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host (design time only).</summary>
public sealed class StoreDbContextFactory : IDesignTimeDbContextFactory<StoreDbContext>
{
    public StoreDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<StoreDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .Options;
        return new StoreDbContext(options);
    }
}
