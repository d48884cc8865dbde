using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SbirLab.Store.Postgres.Migrations;

/// <inheritdoc />
public partial class RunPlacement : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "DeviceKind",
            table: "Runs",
            type: "character varying(8)",
            maxLength: 8,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Queue",
            table: "Runs",
            type: "character varying(40)",
            maxLength: 40,
            nullable: false,
            defaultValue: "default");

        migrationBuilder.AddColumn<string>(
            name: "WorkerDevice",
            table: "Runs",
            type: "character varying(32)",
            maxLength: 32,
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "DeviceKind",
            table: "Runs");

        migrationBuilder.DropColumn(
            name: "Queue",
            table: "Runs");

        migrationBuilder.DropColumn(
            name: "WorkerDevice",
            table: "Runs");
    }
}
