using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Migrations;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Experiments",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", nullable: false),
                Description = table.Column<string>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Experiments", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Runs",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", nullable: false),
                ExperimentId = table.Column<long>(type: "INTEGER", nullable: true),
                ConfigJson = table.Column<string>(type: "TEXT", nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Message = table.Column<string>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                QueuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                HeartbeatAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                StopRequested = table.Column<bool>(type: "INTEGER", nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                Steps = table.Column<long>(type: "INTEGER", nullable: false),
                TotalSteps = table.Column<long>(type: "INTEGER", nullable: false),
                EpochsCompleted = table.Column<int>(type: "INTEGER", nullable: false),
                Epochs = table.Column<int>(type: "INTEGER", nullable: false),
                CheckpointPath = table.Column<string>(type: "TEXT", nullable: true),
                CheckpointEpoch = table.Column<int>(type: "INTEGER", nullable: true),
                CheckpointBatch = table.Column<int>(type: "INTEGER", nullable: true),
                CheckpointStep = table.Column<long>(type: "INTEGER", nullable: true),
                Device = table.Column<string>(type: "TEXT", nullable: true),
                Seed = table.Column<int>(type: "INTEGER", nullable: false),
                CodeCommit = table.Column<string>(type: "TEXT", nullable: true),
                CodeDirty = table.Column<bool>(type: "INTEGER", nullable: true),
                PackageVersions = table.Column<string>(type: "TEXT", nullable: true),
                Host = table.Column<string>(type: "TEXT", nullable: true),
                WorkerHost = table.Column<string>(type: "TEXT", nullable: true),
                WorkerPid = table.Column<int>(type: "INTEGER", nullable: true),
                WorkerProcessStart = table.Column<DateTime>(type: "TEXT", nullable: true),
                ParentRunId = table.Column<long>(type: "INTEGER", nullable: true),
                Folder = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Runs", x => x.Id);
                table.ForeignKey(
                    name: "FK_Runs_Experiments_ExperimentId",
                    column: x => x.ExperimentId,
                    principalTable: "Experiments",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "FK_Runs_Runs_ParentRunId",
                    column: x => x.ParentRunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "Artifacts",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Kind = table.Column<string>(type: "TEXT", nullable: false),
                Path = table.Column<string>(type: "TEXT", nullable: false),
                SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Artifacts", x => x.Id);
                table.ForeignKey(
                    name: "FK_Artifacts_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Evaluations",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Epoch = table.Column<int>(type: "INTEGER", nullable: true),
                Step = table.Column<long>(type: "INTEGER", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                SummaryJson = table.Column<string>(type: "TEXT", nullable: false),
                CurvesJson = table.Column<string>(type: "TEXT", nullable: true),
                RankedExamplesJson = table.Column<string>(type: "TEXT", nullable: true),
                EmbeddingMapJson = table.Column<string>(type: "TEXT", nullable: true),
                ReportJson = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Evaluations", x => x.Id);
                table.ForeignKey(
                    name: "FK_Evaluations_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "LogLines",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Time = table.Column<DateTime>(type: "TEXT", nullable: false),
                Text = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_LogLines", x => x.Id);
                table.ForeignKey(
                    name: "FK_LogLines_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "MetricPoints",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Kind = table.Column<int>(type: "INTEGER", nullable: false),
                Step = table.Column<long>(type: "INTEGER", nullable: false),
                Epoch = table.Column<int>(type: "INTEGER", nullable: false),
                Name = table.Column<string>(type: "TEXT", nullable: false),
                Value = table.Column<double>(type: "REAL", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MetricPoints", x => x.Id);
                table.ForeignKey(
                    name: "FK_MetricPoints_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Notes",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Text = table.Column<string>(type: "TEXT", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Notes", x => x.Id);
                table.ForeignKey(
                    name: "FK_Notes_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Tags",
            columns: table => new
            {
                RunId = table.Column<long>(type: "INTEGER", nullable: false),
                Name = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Tags", x => new { x.RunId, x.Name });
                table.ForeignKey(
                    name: "FK_Tags_Runs_RunId",
                    column: x => x.RunId,
                    principalTable: "Runs",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_Artifacts_RunId_Path",
            table: "Artifacts",
            columns: new[] { "RunId", "Path" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_Evaluations_RunId",
            table: "Evaluations",
            column: "RunId");

        migrationBuilder.CreateIndex(
            name: "IX_Experiments_Name",
            table: "Experiments",
            column: "Name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_LogLines_RunId",
            table: "LogLines",
            column: "RunId");

        migrationBuilder.CreateIndex(
            name: "IX_MetricPoints_RunId_Kind_Name_Step",
            table: "MetricPoints",
            columns: new[] { "RunId", "Kind", "Name", "Step" });

        migrationBuilder.CreateIndex(
            name: "IX_Notes_RunId",
            table: "Notes",
            column: "RunId");

        migrationBuilder.CreateIndex(
            name: "IX_Runs_ExperimentId",
            table: "Runs",
            column: "ExperimentId");

        migrationBuilder.CreateIndex(
            name: "IX_Runs_ParentRunId",
            table: "Runs",
            column: "ParentRunId");

        migrationBuilder.CreateIndex(
            name: "IX_Runs_Status_QueuedAt",
            table: "Runs",
            columns: new[] { "Status", "QueuedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_Tags_Name",
            table: "Tags",
            column: "Name");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "Artifacts");

        migrationBuilder.DropTable(
            name: "Evaluations");

        migrationBuilder.DropTable(
            name: "LogLines");

        migrationBuilder.DropTable(
            name: "MetricPoints");

        migrationBuilder.DropTable(
            name: "Notes");

        migrationBuilder.DropTable(
            name: "Tags");

        migrationBuilder.DropTable(
            name: "Runs");

        migrationBuilder.DropTable(
            name: "Experiments");
    }
}
