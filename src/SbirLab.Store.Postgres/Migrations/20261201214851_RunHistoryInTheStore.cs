using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SbirLab.Store.Postgres.Migrations;

/// <inheritdoc />
public partial class RunHistoryInTheStore : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "EmbeddingMapJson",
            table: "Evaluations");

        migrationBuilder.AddColumn<double>(
            name: "EvaluationMap",
            table: "Runs",
            type: "double precision",
            nullable: true);

        migrationBuilder.AddColumn<int>(
            name: "GallerySize",
            table: "Runs",
            type: "integer",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ProvenanceJson",
            table: "Runs",
            type: "text",
            nullable: true);

        // The latest evaluation's gallery size and mAP move onto the run's row (the search page's run picker reads them there).
        migrationBuilder.Sql("""
            UPDATE "Runs" AS r SET
                "GallerySize" = ((e."SummaryJson"::jsonb ->> 'galleryCount')::double precision)::integer,
                "EvaluationMap" = (e."SummaryJson"::jsonb ->> 'meanAveragePrecision')::double precision
            FROM (SELECT DISTINCT ON ("RunId") "RunId", "SummaryJson" FROM "Evaluations" ORDER BY "RunId", "Id" DESC) AS e
            WHERE e."RunId" = r."Id";
            """);

        migrationBuilder.CreateTable(
            name: "EmbeddingMaps",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Projection = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                MapJson = table.Column<string>(type: "text", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_EmbeddingMaps", x => x.Id);
                table.ForeignKey(
                    name: "FK_EmbeddingMaps_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_EmbeddingMaps_RunId_Projection",
            table: "EmbeddingMaps",
            columns: new[] { "RunId", "Projection" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "EmbeddingMaps");

        migrationBuilder.DropColumn(
            name: "EvaluationMap",
            table: "Runs");

        migrationBuilder.DropColumn(
            name: "GallerySize",
            table: "Runs");

        migrationBuilder.DropColumn(
            name: "ProvenanceJson",
            table: "Runs");

        migrationBuilder.AddColumn<string>(
            name: "EmbeddingMapJson",
            table: "Evaluations",
            type: "text",
            nullable: true);
    }
}
