#!/usr/bin/env bash
# Runs every test of the repository and ends with one line "N passed, N failed".
# Tests start what they need themselves: a throwaway PostgreSQL cluster and the real host on free ports.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

passed=0
failed=0
log_dir="$(mktemp -d)"

suite() { # name, command...
  local name="$1"; shift
  echo "== $name"
  if "$@" >"$log_dir/$name.log" 2>&1; then ok=1; else ok=0; fi
  cat "$log_dir/$name.log"
  return $((1 - ok))
}

# Protobuf contracts: buf STANDARD lint.
if suite buf-lint node_modules/.bin/buf lint; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# .NET suites (xunit). Counts come from each test assembly's summary line.
dotnet build Pos.Grpc.sln -c Release --nologo -v quiet >"$log_dir/build.log" 2>&1 || { cat "$log_dir/build.log"; echo "0 passed, 1 failed"; exit 1; }
suite dotnet-test dotnet test Pos.Grpc.sln -c Release --no-build --nologo
while read -r f p; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+' "$log_dir/dotnet-test.log" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')
if ! grep -Eq 'Failed: +[0-9]+, Passed: +[0-9]+' "$log_dir/dotnet-test.log"; then failed=$((failed + 1)); fi
if grep -Eq '^\s*(Test Run Aborted|The active test run was aborted)' "$log_dir/dotnet-test.log"; then failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
