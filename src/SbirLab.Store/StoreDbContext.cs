using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SbirLab.Core.Runs;
using SbirLab.Store.Entities;

namespace SbirLab.Store;

/// <summary>
/// The EF Core model of the run store. Table and column names are fixed here because the batch writer inserts with
/// plain SQL. The lab's accounts (ASP.NET Core Identity's user tables) live in the same database.
/// </summary>
public sealed class StoreDbContext(DbContextOptions<StoreDbContext> options) : IdentityUserContext<LabUser>(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<MetricPoint> MetricPoints => Set<MetricPoint>();
    public DbSet<EvaluationRecord> Evaluations => Set<EvaluationRecord>();
    public DbSet<EmbeddingMapRecord> EmbeddingMaps => Set<EmbeddingMapRecord>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<RunTag> Tags => Set<RunTag>();
    public DbSet<RunNote> Notes => Set<RunNote>();
    public DbSet<LogLine> LogLines => Set<LogLine>();
    public DbSet<SweepRecord> Sweeps => Set<SweepRecord>();

    /// <summary>Status stored as its lower-case name ("running"), so the database reads well and plain SQL can filter on it.</summary>
    public static readonly ValueConverter<RunStatus, string> StatusConverter = new(
        status => status.Text(),
        text => Enum.Parse<RunStatus>(text, true));

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<Team>(e =>
        {
            e.ToTable("Teams");
            e.HasIndex(x => x.Name).IsUnique();
            e.HasData(new Team { Id = Team.DefaultId, Name = Team.DefaultName, CreatedAt = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc) });
        });
        modelBuilder.Entity<LabUser>(e =>
        {
            e.Property(x => x.Role).HasMaxLength(16);
            e.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<Experiment>(e =>
        {
            e.ToTable("Experiments");
            e.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<RunRecord>(e =>
        {
            e.ToTable("Runs");
            e.Property(x => x.Status).HasConversion(StatusConverter).HasMaxLength(16);
            e.HasIndex(x => new { x.Status, x.QueuedAt });
            e.HasOne(x => x.Experiment).WithMany(x => x.Runs).HasForeignKey(x => x.ExperimentId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(x => x.ParentRun).WithMany().HasForeignKey(x => x.ParentRunId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.TeamId);
            e.Property(x => x.WorkerId).HasMaxLength(200);
            e.Property(x => x.WorkerDevice).HasMaxLength(32);
            e.Property(x => x.Queue).HasMaxLength(Placement.MaxQueueLength).HasDefaultValue(Placement.DefaultQueue);
            e.Property(x => x.DeviceKind).HasMaxLength(8);
            e.HasMany(x => x.Tags).WithOne().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Notes).WithOne().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<MetricPoint>(e =>
        {
            e.ToTable("MetricPoints");
            e.HasIndex(x => new { x.RunId, x.Kind, x.Name, x.Step });
            e.HasOne<RunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<EvaluationRecord>(e =>
        {
            e.ToTable("Evaluations");
            e.HasIndex(x => x.RunId);
            e.HasOne<RunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<EmbeddingMapRecord>(e =>
        {
            e.ToTable("EmbeddingMaps");
            e.Property(x => x.Projection).HasMaxLength(8);
            e.HasIndex(x => new { x.RunId, x.Projection }).IsUnique();
            e.HasOne<RunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Artifact>(e =>
        {
            e.ToTable("Artifacts");
            e.HasIndex(x => new { x.RunId, x.Path }).IsUnique();
            e.HasOne<RunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RunTag>(e =>
        {
            e.ToTable("Tags");
            e.HasKey(x => new { x.RunId, x.Name });
            e.HasIndex(x => x.Name);
        });
        modelBuilder.Entity<RunNote>(e => e.ToTable("Notes"));
        modelBuilder.Entity<LogLine>(e =>
        {
            e.ToTable("LogLines");
            e.HasIndex(x => x.RunId);
            e.HasOne<RunRecord>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SweepRecord>(e =>
        {
            e.ToTable("Sweeps");
            e.Ignore(x => x.Tag);
            e.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.TeamId);
        });
    }
}
