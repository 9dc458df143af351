using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pos.Grpc.Host.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LanesAndWatermarks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_lightspeed_connections_client_id_account_id",
                table: "lightspeed_connections");

            migrationBuilder.DropIndex(
                name: "ix_import_jobs_state_lease_expires_at",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "lease_owner",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "import_jobs");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "retry_until",
                table: "import_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "provider",
                table: "lightspeed_connections",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "account_key",
                table: "import_units",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "import_units",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "not_before",
                table: "import_units",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reason",
                table: "import_units",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "skipped_sales",
                table: "import_jobs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.CreateTable(
                name: "import_job_accounts",
                columns: table => new
                {
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    probe_state = table.Column<int>(type: "integer", nullable: false),
                    probe_attempts = table.Column<int>(type: "integer", nullable: false),
                    probe_not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    watermark_candidate = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_job_accounts", x => new { x.job_id, x.account_key });
                    table.ForeignKey(
                        name: "fk_import_job_accounts_import_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "import_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "import_lanes",
                columns: table => new
                {
                    account_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    lease_owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_lanes", x => x.account_key);
                });

            migrationBuilder.CreateTable(
                name: "import_watermarks",
                columns: table => new
                {
                    client_id = table.Column<long>(type: "bigint", nullable: false),
                    account_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    changed_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_watermarks", x => new { x.client_id, x.account_key });
                });

            migrationBuilder.CreateIndex(
                name: "ix_lightspeed_connections_client_id_provider_account_id",
                table: "lightspeed_connections",
                columns: new[] { "client_id", "provider", "account_id" },
                unique: true,
                filter: "account_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_import_units_account_key_job_id",
                table: "import_units",
                columns: new[] { "account_key", "job_id" },
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ix_import_units_pending_job_id",
                table: "import_units",
                column: "job_id",
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ix_import_jobs_state",
                table: "import_jobs",
                column: "state",
                filter: "state IN (1, 2)");

            migrationBuilder.CreateIndex(
                name: "ix_import_job_accounts_account_key",
                table: "import_job_accounts",
                column: "account_key");

            migrationBuilder.CreateIndex(
                name: "ix_import_lanes_lease_owner",
                table: "import_lanes",
                column: "lease_owner");

            // Jobs queued or running before lanes existed: their units are R-Series (the only POS until now) and read
            // from their department's account; one job-account row per account, without a probe.
            migrationBuilder.Sql("""
                UPDATE import_units AS u SET account_key = 'rseries:' || d.pos_client_number
                FROM departments AS d
                WHERE d.id = u.department_id AND d.pos_client_number IS NOT NULL AND u.account_key = '';
                UPDATE import_units SET account_key = 'rseries:' WHERE account_key = '';
                INSERT INTO import_job_accounts (job_id, account_key, probe_state, probe_attempts)
                SELECT DISTINCT u.job_id, u.account_key, 0, 0 FROM import_units AS u ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "import_job_accounts");

            migrationBuilder.DropTable(
                name: "import_lanes");

            migrationBuilder.DropTable(
                name: "import_watermarks");

            migrationBuilder.DropIndex(
                name: "ix_lightspeed_connections_client_id_provider_account_id",
                table: "lightspeed_connections");

            migrationBuilder.DropIndex(
                name: "ix_import_units_account_key_job_id",
                table: "import_units");

            migrationBuilder.DropIndex(
                name: "ix_import_units_pending_job_id",
                table: "import_units");

            migrationBuilder.DropIndex(
                name: "ix_import_jobs_state",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "provider",
                table: "lightspeed_connections");

            migrationBuilder.DropColumn(
                name: "account_key",
                table: "import_units");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "import_units");

            migrationBuilder.DropColumn(
                name: "not_before",
                table: "import_units");

            migrationBuilder.DropColumn(
                name: "reason",
                table: "import_units");

            migrationBuilder.DropColumn(
                name: "skipped_sales",
                table: "import_jobs");

            migrationBuilder.RenameColumn(
                name: "retry_until",
                table: "import_jobs",
                newName: "lease_expires_at");

            migrationBuilder.AddColumn<string>(
                name: "lease_owner",
                table: "import_jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_lightspeed_connections_client_id_account_id",
                table: "lightspeed_connections",
                columns: new[] { "client_id", "account_id" },
                unique: true,
                filter: "account_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_import_jobs_state_lease_expires_at",
                table: "import_jobs",
                columns: new[] { "state", "lease_expires_at" });
        }
    }
}
