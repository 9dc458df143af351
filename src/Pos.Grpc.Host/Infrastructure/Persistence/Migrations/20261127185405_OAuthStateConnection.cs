using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pos.Grpc.Host.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OAuthStateConnection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "connection_id",
                table: "oauth_states",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "connection_id",
                table: "oauth_states");
        }
    }
}
