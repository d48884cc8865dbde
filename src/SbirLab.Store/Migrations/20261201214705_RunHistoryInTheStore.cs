using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Migrations;

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
            type: "REAL",
            nullable: true);

        migrationBuilder.AddColumn<int>(
            name: "GallerySize",
            table: "Runs",
            type: "INTEGER",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ProvenanceJson",
            table: "Runs",
            type: "TEXT",
            nullable: true);

        // The latest evaluation's gallery size and mAP move onto the run's row (the search page's run picker reads them there).
        migrationBuilder.Sql("""
            UPDATE Runs SET
                GallerySize = (SELECT CAST(json_extract(e.SummaryJson, '$.galleryCount') AS INTEGER) FROM Evaluations e WHERE e.RunId = Runs.Id ORDER BY e.Id DESC LIMIT 1),
                EvaluationMap = (SELECT json_extract(e.SummaryJson, '$.meanAveragePrecision') FROM Evaluations e WHERE e.RunId = Runs.Id ORDER BY e.Id DESC LIMIT 1)
            WHERE EXISTS (SELECT 1 FROM Evaluations e WHERE e.RunId = Runs.Id);
            """);

        migrationBuilder.CreateTable(
            name: "EmbeddingMaps",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Projection = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                MapJson = table.Column<string>(type: "TEXT", nullable: false)
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
            type: "TEXT",
            nullable: true);
    }
}
