using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SbirLab.Store.Postgres.Migrations;

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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Name = table.Column<string>(type: "text", nullable: false),
                Description = table.Column<string>(type: "text", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Experiments", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "Teams",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Name = table.Column<string>(type: "text", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Teams", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<string>(type: "text", nullable: false),
                Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                TeamId = table.Column<long>(type: "bigint", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                PasswordHash = table.Column<string>(type: "text", nullable: true),
                SecurityStamp = table.Column<string>(type: "text", nullable: true),
                ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                PhoneNumber = table.Column<string>(type: "text", nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetUsers_Teams_TeamId",
                    column: x => x.TeamId,
                    principalTable: "Teams",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Runs",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Name = table.Column<string>(type: "text", nullable: false),
                ExperimentId = table.Column<long>(type: "bigint", nullable: true),
                ConfigJson = table.Column<string>(type: "text", nullable: false),
                Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Message = table.Column<string>(type: "text", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                QueuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                HeartbeatAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                StopRequested = table.Column<bool>(type: "boolean", nullable: false),
                Attempts = table.Column<int>(type: "integer", nullable: false),
                Steps = table.Column<long>(type: "bigint", nullable: false),
                TotalSteps = table.Column<long>(type: "bigint", nullable: false),
                EpochsCompleted = table.Column<int>(type: "integer", nullable: false),
                Epochs = table.Column<int>(type: "integer", nullable: false),
                CheckpointPath = table.Column<string>(type: "text", nullable: true),
                CheckpointEpoch = table.Column<int>(type: "integer", nullable: true),
                CheckpointBatch = table.Column<int>(type: "integer", nullable: true),
                CheckpointStep = table.Column<long>(type: "bigint", nullable: true),
                Device = table.Column<string>(type: "text", nullable: true),
                Seed = table.Column<int>(type: "integer", nullable: false),
                CodeCommit = table.Column<string>(type: "text", nullable: true),
                CodeDirty = table.Column<bool>(type: "boolean", nullable: true),
                PackageVersions = table.Column<string>(type: "text", nullable: true),
                Host = table.Column<string>(type: "text", nullable: true),
                WorkerId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                LeaseExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                WorkerHost = table.Column<string>(type: "text", nullable: true),
                WorkerPid = table.Column<int>(type: "integer", nullable: true),
                WorkerProcessStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                ParentRunId = table.Column<long>(type: "bigint", nullable: true),
                Folder = table.Column<string>(type: "text", nullable: false),
                TeamId = table.Column<long>(type: "bigint", nullable: false),
                PublishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                table.ForeignKey(
                    name: "FK_Runs_Teams_TeamId",
                    column: x => x.TeamId,
                    principalTable: "Teams",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(type: "integer", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                UserId = table.Column<string>(type: "text", nullable: false),
                ClaimType = table.Column<string>(type: "text", nullable: true),
                ClaimValue = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey(
                    name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(type: "text", nullable: false),
                ProviderKey = table.Column<string>(type: "text", nullable: false),
                ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                UserId = table.Column<string>(type: "text", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey(
                    name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<string>(type: "text", nullable: false),
                LoginProvider = table.Column<string>(type: "text", nullable: false),
                Name = table.Column<string>(type: "text", nullable: false),
                Value = table.Column<string>(type: "text", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey(
                    name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                    column: x => x.UserId,
                    principalTable: "AspNetUsers",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Artifacts",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Kind = table.Column<string>(type: "text", nullable: false),
                Path = table.Column<string>(type: "text", nullable: false),
                SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Epoch = table.Column<int>(type: "integer", nullable: true),
                Step = table.Column<long>(type: "bigint", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                SummaryJson = table.Column<string>(type: "text", nullable: false),
                CurvesJson = table.Column<string>(type: "text", nullable: true),
                RankedExamplesJson = table.Column<string>(type: "text", nullable: true),
                EmbeddingMapJson = table.Column<string>(type: "text", nullable: true),
                ReportJson = table.Column<string>(type: "text", nullable: false)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                Text = table.Column<string>(type: "text", nullable: false)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Kind = table.Column<int>(type: "integer", nullable: false),
                Step = table.Column<long>(type: "bigint", nullable: false),
                Epoch = table.Column<int>(type: "integer", nullable: false),
                Name = table.Column<string>(type: "text", nullable: false),
                Value = table.Column<double>(type: "double precision", nullable: true)
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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Text = table.Column<string>(type: "text", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                RunId = table.Column<long>(type: "bigint", nullable: false),
                Name = table.Column<string>(type: "text", nullable: false)
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

        migrationBuilder.InsertData(
            table: "Teams",
            columns: new[] { "Id", "CreatedAt", "Name" },
            values: new object[] { 1L, new DateTime(2026, 12, 1, 0, 0, 0, 0, DateTimeKind.Utc), "default" });

        migrationBuilder.CreateIndex(
            name: "IX_Artifacts_RunId_Path",
            table: "Artifacts",
            columns: new[] { "RunId", "Path" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserClaims_UserId",
            table: "AspNetUserClaims",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUserLogins_UserId",
            table: "AspNetUserLogins",
            column: "UserId");

        migrationBuilder.CreateIndex(
            name: "EmailIndex",
            table: "AspNetUsers",
            column: "NormalizedEmail");

        migrationBuilder.CreateIndex(
            name: "IX_AspNetUsers_TeamId",
            table: "AspNetUsers",
            column: "TeamId");

        migrationBuilder.CreateIndex(
            name: "UserNameIndex",
            table: "AspNetUsers",
            column: "NormalizedUserName",
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
            name: "IX_Runs_TeamId",
            table: "Runs",
            column: "TeamId");

        migrationBuilder.CreateIndex(
            name: "IX_Tags_Name",
            table: "Tags",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_Teams_Name",
            table: "Teams",
            column: "Name",
            unique: true);

        // Written by hand: the seeded default team took id 1 explicitly, which an identity column's sequence does
        // not notice; the next team would be given 1 again.
        migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('\"Teams\"', 'Id'), (SELECT MAX(\"Id\") FROM \"Teams\"));");

        // Written by hand: the database's id (DatabaseIdentity), outside the EF model; SQLite keeps it in user_version.
        migrationBuilder.Sql("CREATE TABLE \"StoreIdentity\" (\"Id\" integer NOT NULL);");
        migrationBuilder.Sql("INSERT INTO \"StoreIdentity\" (\"Id\") VALUES (1 + floor(random() * 2147483646)::integer);");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE \"StoreIdentity\";");

        migrationBuilder.DropTable(
            name: "Artifacts");

        migrationBuilder.DropTable(
            name: "AspNetUserClaims");

        migrationBuilder.DropTable(
            name: "AspNetUserLogins");

        migrationBuilder.DropTable(
            name: "AspNetUserTokens");

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
            name: "AspNetUsers");

        migrationBuilder.DropTable(
            name: "Runs");

        migrationBuilder.DropTable(
            name: "Experiments");

        migrationBuilder.DropTable(
            name: "Teams");
    }
}
