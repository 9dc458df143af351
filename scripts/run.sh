#!/usr/bin/env bash
# Runs the service for local use, one line per step: the ports it needs are checked first, then the host and
# the Lightspeed sandbox are built, a local PostgreSQL in .data/postgres is started (unless
# POS_ConnectionStrings__Pos is set), the migrations applied, the sandbox started (it plays Lightspeed Retail
# unless POS_Lightspeed__ClientSecret is set, and Lightspeed Restaurant (K-Series) unless
# POS_LightspeedKSeries__ClientSecret is set) and the host started in the Development environment.
# Ctrl+C, or SIGTERM to this script, stops everything it started: the host, the sandbox, and PostgreSQL if this
# script started it. The data stays in .data/ (POS_DATA_DIR) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

data_dir="${POS_DATA_DIR:-$PWD/.data}"
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
host_dll="src/Pos.Grpc.Host/bin/Release/net10.0/Pos.Grpc.Host.dll"
sim_dll="src/Pos.Grpc.LightspeedSimulator/bin/Release/net10.0/Pos.Grpc.LightspeedSimulator.dll"
grpc_port="${POS_Ports__GrpcPort:-5080}"
web_port="${POS_Ports__GrpcWebPort:-5081}"
ops_port="${POS_Ports__OperationsPort:-5082}"
sim_port="${POS_SANDBOX_PORT:-5090}"
pg_dir="$data_dir/postgres"
pg_port="${POS_LOCAL_PG_PORT:-55432}"
local_pg=""; [ -z "${POS_ConnectionStrings__Pos:-}" ] && local_pg=1
rseries_sandbox=""; [ -z "${POS_Lightspeed__ClientSecret:-}" ] && rseries_sandbox=1
kseries_sandbox=""; [ -z "${POS_LightspeedKSeries__ClientSecret:-}" ] && kseries_sandbox=1
sandbox="$rseries_sandbox$kseries_sandbox"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# The command that stops this PostgreSQL, for the user running the script (initdb and pg_ctl refuse root).
pg_stop_command() {
  local pg_ctl; pg_ctl="$(command -v pg_ctl)"
  if [ "$(id -u)" = 0 ]; then echo "runuser -u postgres -- $pg_ctl -D $pg_dir stop"; else echo "$pg_ctl -D $pg_dir stop"; fi
}
pg_running() { as_postgres pg_ctl -D "$pg_dir" status >/dev/null 2>&1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- Stopping: whatever was started, in reverse order, also when a step is interrupted halfway.
step_pid="" host_pid="" sim_pid="" started_pg=""
stop_process() { # pid, name: SIGTERM (the host stops gracefully), SIGKILL after 30 s
  local pid="$1" name="$2"
  kill -TERM "$pid" 2>/dev/null || return 0
  echo "Stopping $name..."
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_everything() {
  trap - INT TERM EXIT
  set +e
  [ -n "$step_pid" ] && stop_process "$step_pid" "the step in progress"
  [ -n "$host_pid" ] && stop_process "$host_pid" "the host"
  [ -n "$sim_pid" ] && stop_process "$sim_pid" "the Lightspeed sandbox"
  if [ -n "$started_pg" ]; then
    echo "Stopping PostgreSQL..."
    as_postgres pg_ctl -D "$pg_dir" -m fast -w stop >/dev/null 2>&1
  elif [ -n "$local_pg" ] && pg_running; then
    echo "PostgreSQL was already running before this script and keeps running; stop it with: $(pg_stop_command)"
  fi
  echo "Stopped. The data stays in $data_dir."
}
trap 'stop_everything; exit 130' INT
trap 'stop_everything; exit 143' TERM
trap 'stop_everything' EXIT

# One line per step: "what... done (N s)". The work runs in the background so that a signal stops it at once;
# its output goes to a log, shown only when it fails.
step() { # description, log file, command...
  local description="$1" log="$2" started=$SECONDS
  shift 2
  printf '%s... ' "$description"
  "$@" >"$log" 2>&1 &
  step_pid=$!
  if wait "$step_pid"; then
    step_pid=""
    echo "done ($((SECONDS - started)) s)"
  else
    step_pid=""
    echo "failed; its output ($log):"
    cat "$log"
    exit 1
  fi
}

# --- Ports first: a busy one is one line naming the setting that moves it, before anything is built or started.
busy=""
check_port() { # port, setting
  if listening "$1"; then echo "Port $1 is already in use (another scripts/run.sh?); choose another with $2=<port>."; busy=1; fi
}
check_port "$grpc_port" POS_Ports__GrpcPort
check_port "$web_port" POS_Ports__GrpcWebPort
check_port "$ops_port" POS_Ports__OperationsPort
[ -n "$sandbox" ] && check_port "$sim_port" POS_SANDBOX_PORT
if [ -n "$local_pg" ] && ! pg_running; then check_port "$pg_port" POS_LOCAL_PG_PORT; fi
[ -z "$busy" ] || { trap - EXIT; exit 1; }

build() {
  dotnet build src/Pos.Grpc.Host -c Release --nologo -v quiet
  if [ -n "$sandbox" ]; then dotnet build src/Pos.Grpc.LightspeedSimulator -c Release --nologo -v quiet; fi
}
step "Building the host${sandbox:+ and the Lightspeed sandbox} (Release)" "$data_dir/build.log" build

if [ -n "$local_pg" ]; then
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    mkdir -p "$pg_dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$data_dir" "$pg_dir"; fi
    step "Creating a PostgreSQL cluster in $pg_dir" "$data_dir/initdb.log" \
      as_postgres initdb -D "$pg_dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8
  fi
  if pg_running; then
    pg_port="$(sed -n 4p "$pg_dir/postmaster.pid")"
    echo "PostgreSQL is already running on 127.0.0.1:$pg_port (data in $pg_dir)."
  else
    started_pg=1
    step "Starting PostgreSQL on 127.0.0.1:$pg_port (data in $pg_dir)" "$data_dir/pg_ctl.log" \
      as_postgres pg_ctl -D "$pg_dir" -l "$pg_dir/server.log" -w -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start
  fi
  create_database() {
    as_postgres psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='pos'" | grep -q 1 ||
      as_postgres psql -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE pos"
  }
  step "Creating the database pos if it is missing" "$data_dir/createdb.log" create_database
  export POS_ConnectionStrings__Pos="Host=127.0.0.1;Port=$pg_port;Database=pos;Username=postgres"
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
step "Applying the database migrations" "$data_dir/migrate.log" dotnet "$host_dll" migrate

callback="http://127.0.0.1:$web_port/oauth/lightspeed/callback"
wait_until_listening() { # pid, port...: 0 once every port answers, 1 if the process ended first or after 60 s
  local pid="$1"; shift
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || return 1
    local all=1 port
    for port in "$@"; do listening "$port" || all=""; done
    [ -n "$all" ] && return 0
    sleep 0.1
  done
  return 1
}

# Without real Lightspeed credentials, the Lightspeed simulator is the sandbox: same wire formats (R-Series and
# K-Series on one port), seeded sales, and its OAuth state kept in .data/lightspeed-sandbox so the connections
# survive a restart. K-Series: business location 45454565682155 "Nørrebro Bistro", OAuth client devp-v2-demo-sandbox.
if [ -n "$sandbox" ]; then
  started=$SECONDS
  printf 'Starting the Lightspeed sandbox on http://127.0.0.1:%s (log: %s)... ' "$sim_port" "$data_dir/lightspeed-sandbox.log"
  dotnet "$sim_dll" --urls "http://127.0.0.1:$sim_port" \
    --Simulator:Clients:0:ClientId=sim-client --Simulator:Clients:0:ClientSecret=sim-secret \
    --Simulator:Clients:0:RedirectUri="$callback" --Simulator:Clients:0:AccountId=120645 \
    --Simulator:StateDirectory="$data_dir/lightspeed-sandbox" \
    >"$data_dir/lightspeed-sandbox.log" 2>&1 &
  sim_pid=$!
  if ! wait_until_listening "$sim_pid" "$sim_port"; then echo "failed:"; cat "$data_dir/lightspeed-sandbox.log"; exit 1; fi
  echo "done ($((SECONDS - started)) s)"
fi
if [ -n "$rseries_sandbox" ]; then
  export POS_Lightspeed__AuthBaseUrl="http://127.0.0.1:$sim_port"
  export POS_Lightspeed__ApiBaseUrl="http://127.0.0.1:$sim_port"
  export POS_Lightspeed__ClientId=sim-client
  export POS_Lightspeed__ClientSecret=sim-secret
fi
if [ -n "$kseries_sandbox" ]; then
  export POS_LightspeedKSeries__ApiBaseUrl="http://127.0.0.1:$sim_port"
  export POS_LightspeedKSeries__V2OAuthBaseUrl="http://127.0.0.1:$sim_port"
  export POS_LightspeedKSeries__ClientId=devp-v2-demo-sandbox
  export POS_LightspeedKSeries__ClientSecret=sandbox-secret
fi
export POS_Lightspeed__RedirectUri="${POS_Lightspeed__RedirectUri:-$callback}"
export POS_LightspeedKSeries__RedirectUri="${POS_LightspeedKSeries__RedirectUri:-$callback}"

# The host writes its log here, in the foreground of the terminal; this script waits for it.
started=$SECONDS
echo "Starting the host (its log follows)..."
dotnet "$host_dll" &
host_pid=$!
if ! wait_until_listening "$host_pid" "$grpc_port" "$web_port" "$ops_port"; then echo "The host did not start; its log is above."; exit 1; fi
stopped_with="the host"
if [ -n "$sandbox" ] && [ -n "$started_pg" ]; then stopped_with+=", the Lightspeed sandbox and PostgreSQL"
elif [ -n "$sandbox" ]; then stopped_with+=" and the Lightspeed sandbox"
elif [ -n "$started_pg" ]; then stopped_with+=" and PostgreSQL"; fi
cat <<TXT

Pos.Grpc is running (started in $((SECONDS - started)) s):
  native gRPC (HTTP/2):  127.0.0.1:$grpc_port   e.g. grpcurl -plaintext 127.0.0.1:$grpc_port list
  gRPC-Web (HTTP/1.1):   http://127.0.0.1:$web_port
  operations (HTTP/1.1): http://127.0.0.1:$ops_port/metrics, /healthz/live, /healthz/ready
  a development token:   dotnet $host_dll token --role supervisor --client 1
Ctrl+C (or kill $$) stops $stopped_with; the data stays in $data_dir.
TXT
# Killed with SIGKILL, this script cannot stop anything: say how to do it by hand, as the user running it.
by_hand="kill $host_pid${sim_pid:+ $sim_pid}"
if [ -n "$started_pg" ]; then by_hand+="; $(pg_stop_command)"; fi
echo "(Killed with kill -9 instead, it stops nothing; then: $by_hand)"
echo
set +e
wait "$host_pid"
code=$?
host_pid=""
exit "$code"
