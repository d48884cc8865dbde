using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Migrations;

/// <inheritdoc />
public partial class WorkerLeases : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>(
            name: "LeaseExpiresAt",
            table: "Runs",
            type: "TEXT",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "WorkerId",
            table: "Runs",
            type: "TEXT",
            maxLength: 200,
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "LeaseExpiresAt",
            table: "Runs");

        migrationBuilder.DropColumn(
            name: "WorkerId",
            table: "Runs");
    }
}
