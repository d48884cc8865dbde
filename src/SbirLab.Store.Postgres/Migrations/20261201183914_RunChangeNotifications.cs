using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Postgres.Migrations;

/// <summary>
/// PostgreSQL only: a trigger on "Runs" notifies the channel sbirlab_runs ("s:" and the run id) when a run is queued,
/// deleted, or changes status, message or publication, whichever process made the change; the lab's RunChangeFeed
/// LISTENs. (New points are notified by the batch writer in its own transaction.) No model change, so SQLite has no
/// migration of this name.
/// </summary>
public partial class RunChangeNotifications : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE OR REPLACE FUNCTION sbirlab_notify_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('sbirlab_runs', 's:' || CASE WHEN TG_OP = 'DELETE' THEN OLD."Id" ELSE NEW."Id" END);
                RETURN NULL;
            END $$;
            CREATE TRIGGER "Runs_notify_insert_delete" AFTER INSERT OR DELETE ON "Runs"
                FOR EACH ROW EXECUTE FUNCTION sbirlab_notify_run_change();
            CREATE TRIGGER "Runs_notify_status" AFTER UPDATE ON "Runs" FOR EACH ROW
                WHEN (OLD."Status" IS DISTINCT FROM NEW."Status" OR OLD."Message" IS DISTINCT FROM NEW."Message"
                      OR OLD."PublishedAt" IS DISTINCT FROM NEW."PublishedAt")
                EXECUTE FUNCTION sbirlab_notify_run_change();
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS "Runs_notify_status" ON "Runs";
            DROP TRIGGER IF EXISTS "Runs_notify_insert_delete" ON "Runs";
            DROP FUNCTION IF EXISTS sbirlab_notify_run_change();
            """);
    }
}
