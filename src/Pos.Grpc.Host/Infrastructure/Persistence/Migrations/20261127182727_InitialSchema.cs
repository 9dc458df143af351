using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pos.Grpc.Host.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    client_id = table.Column<long>(type: "bigint", nullable: false),
                    department_id = table.Column<long>(type: "bigint", nullable: true),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    resource_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    details = table.Column<string>(type: "jsonb", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "departments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    client_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    pos_client_number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    pos_shop_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_departments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "general_settings",
                columns: table => new
                {
                    client_id = table.Column<long>(type: "bigint", nullable: false),
                    multi_cash_registers = table.Column<bool>(type: "boolean", nullable: false),
                    pos_import_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    pos_integration_service = table.Column<int>(type: "integer", nullable: false),
                    auto_confirm_weekly_balance = table.Column<bool>(type: "boolean", nullable: false),
                    confirm_days_at = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amounts_include_tax = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_general_settings", x => x.client_id);
                });

            migrationBuilder.CreateTable(
                name: "weekly_balance_fields",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    client_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    mandatory = table.Column<bool>(type: "boolean", nullable: false),
                    pos_field_type = table.Column<int>(type: "integer", nullable: true),
                    split_into_intervals = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_weekly_balance_fields", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approved_weeks",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    week_start = table.Column<DateOnly>(type: "date", nullable: false),
                    approved_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    approved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approved_weeks", x => new { x.department_id, x.register_number, x.week_start });
                    table.ForeignKey(
                        name: "fk_approved_weeks_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "confirmed_days",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    confirmed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_confirmed_days", x => new { x.department_id, x.register_number, x.date });
                    table.ForeignKey(
                        name: "fk_confirmed_days_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "department_registers",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    pos_register_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_department_registers", x => new { x.department_id, x.register_number });
                    table.ForeignKey(
                        name: "fk_department_registers_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "open_day_reasons",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_open_day_reasons", x => new { x.department_id, x.register_number, x.date });
                    table.ForeignKey(
                        name: "fk_open_day_reasons_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "day_values",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    field_id = table.Column<long>(type: "bigint", nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_day_values", x => new { x.department_id, x.register_number, x.date, x.field_id });
                    table.ForeignKey(
                        name: "fk_day_values_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_day_values_weekly_balance_fields_field_id",
                        column: x => x.field_id,
                        principalTable: "weekly_balance_fields",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "interval_values",
                columns: table => new
                {
                    department_id = table.Column<long>(type: "bigint", nullable: false),
                    register_number = table.Column<int>(type: "integer", nullable: false),
                    field_id = table.Column<long>(type: "bigint", nullable: false),
                    start_utc = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_interval_values", x => new { x.department_id, x.register_number, x.field_id, x.start_utc });
                    table.ForeignKey(
                        name: "fk_interval_values_departments_department_id",
                        column: x => x.department_id,
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_interval_values_weekly_balance_fields_field_id",
                        column: x => x.field_id,
                        principalTable: "weekly_balance_fields",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_client_id_at",
                table: "audit_entries",
                columns: new[] { "client_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_day_values_field_id",
                table: "day_values",
                column: "field_id");

            migrationBuilder.CreateIndex(
                name: "ix_department_registers_department_id_pos_register_id",
                table: "department_registers",
                columns: new[] { "department_id", "pos_register_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_departments_client_id_id",
                table: "departments",
                columns: new[] { "client_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_interval_values_department_id_register_number_date",
                table: "interval_values",
                columns: new[] { "department_id", "register_number", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_interval_values_field_id",
                table: "interval_values",
                column: "field_id");

            migrationBuilder.CreateIndex(
                name: "ix_weekly_balance_fields_client_id_id",
                table: "weekly_balance_fields",
                columns: new[] { "client_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_weekly_balance_fields_client_id_pos_field_type",
                table: "weekly_balance_fields",
                columns: new[] { "client_id", "pos_field_type" },
                unique: true,
                filter: "pos_field_type IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "approved_weeks");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "confirmed_days");

            migrationBuilder.DropTable(
                name: "day_values");

            migrationBuilder.DropTable(
                name: "department_registers");

            migrationBuilder.DropTable(
                name: "general_settings");

            migrationBuilder.DropTable(
                name: "interval_values");

            migrationBuilder.DropTable(
                name: "open_day_reasons");

            migrationBuilder.DropTable(
                name: "weekly_balance_fields");

            migrationBuilder.DropTable(
                name: "departments");
        }
    }
}
