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

# Protobuf contracts: no breaking change against the previous commit (the first parent: on main, the
# main before this change). The old protos are exported with git archive, so worktrees work too; a first
# commit, or a shallow clone without the parent, has nothing to compare with and is skipped, not counted.
breaking() {
  local previous="$log_dir/previous"
  mkdir -p "$previous"
  git archive HEAD~1 buf.yaml protos | tar -x -C "$previous" && node_modules/.bin/buf breaking --against "$previous"
}
if git rev-parse --verify -q 'HEAD~1^{commit}' >/dev/null && git cat-file -e 'HEAD~1:protos' 2>/dev/null; then
  if suite buf-breaking breaking; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
else
  echo "== buf-breaking: skipped (no previous commit with protos/ in this clone)"
fi

# The checked-in TypeScript (clients/web/src/gen) is what buf generates from protos/ now.
generated_up_to_date() {
  node_modules/.bin/buf generate --template clients/web/buf.gen.yaml --output "$log_dir/gen" &&
    diff -r "$log_dir/gen/clients/web/src/gen" clients/web/src/gen &&
    echo "clients/web/src/gen is up to date"
}
if suite ts-generated-up-to-date generated_up_to_date; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "Regenerate with: (cd clients/web && npm run generate)"; fi

# Web client: unit tests (vitest, no browser), counted test by test; then the typecheck and vite build
# of the Import POS page, whose dist/ the .NET smoke test serves to headless Chromium.
# Colours off, and any escape codes that still come (CI terminals may force them) stripped before counting.
suite web-unit bash -c 'cd clients/web && NO_COLOR=1 node_modules/.bin/vitest run' || true
web_counts="$(sed -E 's/\x1b\[[0-9;]*m//g' "$log_dir/web-unit.log" | grep -E '^ *Tests +' | tail -1 || true)"
if [ -n "$web_counts" ]; then
  passed=$((passed + $(echo "$web_counts" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)))
  failed=$((failed + $(echo "$web_counts" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0)))
else
  failed=$((failed + 1))
fi
if suite web-build bash -c 'cd clients/web && npm run --silent build'; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
ensure_chromium

# .NET suites (xunit). Counts come from each test assembly's summary line.
dotnet build Pos.Grpc.sln -c Release --nologo -v quiet >"$log_dir/build.log" 2>&1 || { cat "$log_dir/build.log"; echo "0 passed, 1 failed"; exit 1; }
# (|| true: prerequisites.sh turned on errexit; a failing suite must still reach the summary line.)
suite dotnet-test dotnet test Pos.Grpc.sln -c Release --no-build --nologo || true
sed -i -E 's/\x1b\[[0-9;]*m//g' "$log_dir/dotnet-test.log" # counted as plain text, whatever the terminal
while read -r f p; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+' "$log_dir/dotnet-test.log" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')
if ! grep -Eq 'Failed: +[0-9]+, Passed: +[0-9]+' "$log_dir/dotnet-test.log"; then failed=$((failed + 1)); fi
if grep -Eq '^\s*(Test Run Aborted|The active test run was aborted)' "$log_dir/dotnet-test.log"; then failed=$((failed + 1)); fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
