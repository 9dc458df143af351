using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pos.Grpc.Host.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OperationsTraceAndHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "import_jobs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_import_units_department_id_date",
                table: "import_units",
                columns: new[] { "department_id", "date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_import_units_department_id_date",
                table: "import_units");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "import_jobs");
        }
    }
}
