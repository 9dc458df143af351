using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pos.Grpc.Host.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ConnectionAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lightspeed_connection_accounts",
                columns: table => new
                {
                    connection_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lightspeed_connection_accounts", x => new { x.connection_id, x.account_id });
                    table.ForeignKey(
                        name: "fk_lightspeed_connection_accounts_lightspeed_connections_conne",
                        column: x => x.connection_id,
                        principalTable: "lightspeed_connections",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_lightspeed_connection_accounts_account_id",
                table: "lightspeed_connection_accounts",
                column: "account_id");

            // Connections authorised before this table existed (R-Series) read the one account they name.
            migrationBuilder.Sql("""
                INSERT INTO lightspeed_connection_accounts (connection_id, account_id, name, time_zone)
                SELECT id, account_id, account_name, NULL FROM lightspeed_connections WHERE account_id IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lightspeed_connection_accounts");
        }
    }
}
