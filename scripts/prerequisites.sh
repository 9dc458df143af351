#!/usr/bin/env bash
# Sourced by run.sh and test.sh: makes sure the tools this repository needs are on PATH,
# installing from Debian and npm what a fresh machine lacks.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt waits up to 5 minutes for a lock another apt or dpkg holds (an unattended upgrade, a second test run)
# instead of failing at once.
apt_get() { DEBIAN_FRONTEND=noninteractive as_root apt-get -o DPkg::Lock::Timeout=300 "$@"; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { apt_get update -qq >/dev/null; apt_updated=1; }
  apt_get install -y -qq "$@" >/dev/null
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
  echo "Installing buf from npm (package-lock.json)..." >&2
  (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The web client's tools (protoc-gen-es, connect, vite, vitest, playwright-core, axe), pinned in clients/web/package-lock.json;
# installed again when the lock file is newer than npm's copy of it in node_modules (a pull that added a package).
if [ ! -x "$repo_root/clients/web/node_modules/.bin/vite" ] \
  || [ "$repo_root/clients/web/package-lock.json" -nt "$repo_root/clients/web/node_modules/.package-lock.json" ]; then
  echo "Installing the web client's tools from npm (clients/web/package-lock.json)..." >&2
  (cd "$repo_root/clients/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Prometheus from Debian (prometheus and promtool), for the alert rules' unit tests and the test that scrapes a running host
# (test.sh calls this). Only the server: its recommended packages are the node exporter and its helpers.
ensure_prometheus() {
  if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    echo "Installing Prometheus from Debian (no recommended packages)..." >&2
    apt_install --no-install-recommends prometheus
  fi
}

# Chromium from Debian, for the headless tests of the Import POS page (test.sh calls this; run.sh does not need it).
# Only what the headless browser needs: its recommended packages are a desktop's services (udev, avahi, upower,
# printing, samba libraries; 108 packages), none of which headless use touches. fonts-liberation gives the page's
# Arial/Helvetica a metric-compatible face, so screenshots render text as in the README's.
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Chromium from Debian (headless: no recommended packages)..." >&2
    apt_install --no-install-recommends chromium fonts-liberation
  fi
}
