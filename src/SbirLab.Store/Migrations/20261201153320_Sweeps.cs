using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Migrations;

/// <inheritdoc />
public partial class Sweeps : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Sweeps",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", nullable: false),
                DefinitionJson = table.Column<string>(type: "TEXT", nullable: false),
                TeamId = table.Column<long>(type: "INTEGER", nullable: false),
                Budget = table.Column<int>(type: "INTEGER", nullable: false),
                PointsQueued = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                StoppedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Sweeps", x => x.Id);
                table.ForeignKey(
                    name: "FK_Sweeps_Teams_TeamId",
                    column: x => x.TeamId,
                    principalTable: "Teams",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex(
            name: "IX_Sweeps_TeamId",
            table: "Sweeps",
            column: "TeamId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "Sweeps");
    }
}
