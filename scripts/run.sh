#!/usr/bin/env bash
# Runs the service for local use. With no POS_ConnectionStrings__Pos configured it starts a local
# PostgreSQL in .data/postgres (kept between runs); it applies the migrations and starts the host
# in the Development environment, printing its ports and how to get a token.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

data_dir="$PWD/.data"
mkdir -p "$data_dir"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${POS_ConnectionStrings__Pos:-}" ]; then
  pg_dir="$data_dir/postgres"
  pg_port="${POS_LOCAL_PG_PORT:-55432}"
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    [ "$(id -u)" = 0 ] && chown postgres "$data_dir" "$pg_dir"
    as_postgres initdb -D "$pg_dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_postgres pg_ctl -D "$pg_dir" status >/dev/null 2>&1; then
    as_postgres pg_ctl -D "$pg_dir" -l "$pg_dir/server.log" -w \
      -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
    echo "Started local PostgreSQL on 127.0.0.1:$pg_port (data in $pg_dir; stop: pg_ctl -D $pg_dir stop)"
  fi
  as_postgres psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='pos'" | grep -q 1 \
    || as_postgres psql -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE pos" >/dev/null
  export POS_ConnectionStrings__Pos="Host=127.0.0.1;Port=$pg_port;Database=pos;Username=postgres"
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet build src/Pos.Grpc.Host -c Release --nologo -v quiet >/dev/null
host_dll="src/Pos.Grpc.Host/bin/Release/net10.0/Pos.Grpc.Host.dll"
dotnet "$host_dll" migrate

grpc_port="${POS_Ports__GrpcPort:-5080}"
web_port="${POS_Ports__GrpcWebPort:-5081}"
callback="http://127.0.0.1:$web_port/oauth/lightspeed/callback"

# Without real Lightspeed credentials, the Lightspeed simulator is the sandbox: same wire format, seeded sales.
if [ -z "${POS_Lightspeed__ClientSecret:-}" ]; then
  sim_port="${POS_SANDBOX_PORT:-5090}"
  dotnet build src/Pos.Grpc.LightspeedSimulator -c Release --nologo -v quiet >/dev/null
  dotnet src/Pos.Grpc.LightspeedSimulator/bin/Release/net10.0/Pos.Grpc.LightspeedSimulator.dll \
    --urls "http://127.0.0.1:$sim_port" \
    --Simulator:Clients:0:ClientId=sim-client --Simulator:Clients:0:ClientSecret=sim-secret \
    --Simulator:Clients:0:RedirectUri="$callback" --Simulator:Clients:0:AccountId=120645 \
    --Simulator:StateDirectory="$data_dir/lightspeed-sandbox" \
    >"$data_dir/lightspeed-sandbox.log" 2>&1 &
  sim_pid=$!
  trap 'kill $sim_pid 2>/dev/null' EXIT
  export POS_Lightspeed__AuthBaseUrl="http://127.0.0.1:$sim_port"
  export POS_Lightspeed__ApiBaseUrl="http://127.0.0.1:$sim_port"
  export POS_Lightspeed__ClientId=sim-client
  export POS_Lightspeed__ClientSecret=sim-secret
  echo "Started the Lightspeed sandbox (simulator) on http://127.0.0.1:$sim_port (log: .data/lightspeed-sandbox.log)"
fi
export POS_Lightspeed__RedirectUri="${POS_Lightspeed__RedirectUri:-$callback}"

cat <<TXT

Pos.Grpc is starting:
  native gRPC (HTTP/2):  127.0.0.1:$grpc_port   e.g. grpcurl -plaintext 127.0.0.1:$grpc_port list
  gRPC-Web (HTTP/1.1):   http://127.0.0.1:$web_port
  a development token:   dotnet $host_dll token --role supervisor --client 1
Press Ctrl+C to stop.

TXT
dotnet "$host_dll"
