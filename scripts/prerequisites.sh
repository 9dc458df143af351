#!/usr/bin/env bash
# Sourced by run.sh and test.sh: makes sure the tools this repository needs are on PATH,
# installing from Debian and npm what a fresh machine lacks.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq >/dev/null; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL server binaries (initdb, pg_ctl, postgres).
if ! command -v initdb >/dev/null 2>&1; then
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && PATH="$dir:$PATH"; done
fi
if ! command -v initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian..." >&2
  apt_install postgresql
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && PATH="$dir:$PATH"; done
fi
export PATH

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK (dotnet) is required." >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "Node.js 20 with npm is required." >&2; exit 1; }

# buf (lint, breaking, generation) comes from npm, pinned in package-lock.json.
if [ ! -x "$repo_root/node_modules/.bin/buf" ]; then
  (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The web client's tools (protoc-gen-es, connect, vite, vitest, playwright-core), pinned in clients/web/package-lock.json.
if [ ! -x "$repo_root/clients/web/node_modules/.bin/vite" ]; then
  (cd "$repo_root/clients/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Chromium from Debian, for the headless smoke test of the Import POS page (test.sh calls this; run.sh does not need it).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Chromium from Debian..." >&2
    apt_install chromium
  fi
}
