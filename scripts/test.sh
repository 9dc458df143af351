#!/usr/bin/env bash
# Runs every test of the repository and ends with one line "N passed, N failed".
# Tests start what they need themselves: a throwaway PostgreSQL cluster and the real host on free ports.
# Every suite says when it starts ("== name") and how it ended, with its count or result and its time
# ("== name: 12 passed, 0 failed (3 s)"); its own output comes in between.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
set +e # prerequisites.sh turned errexit on; a failing suite must still reach the summary line

passed=0
failed=0
log_dir="$(mktemp -d)"
strip_escapes() { sed -i -E 's/\x1b\[[0-9;]*m//g' "$1"; } # counted as plain text, whatever the terminal

# A suite that counts as one check: its command's exit code decides.
check() { # name, command...
  local name="$1" started=$SECONDS
  shift
  echo "== $name"
  if "$@" >"$log_dir/$name.log" 2>&1; then
    cat "$log_dir/$name.log"
    passed=$((passed + 1))
    echo "== $name: passed ($((SECONDS - started)) s)"
  else
    cat "$log_dir/$name.log"
    failed=$((failed + 1))
    echo "== $name: FAILED ($((SECONDS - started)) s)"
    return 1
  fi
}

# Protobuf contracts: buf STANDARD lint.
check buf-lint node_modules/.bin/buf lint

# Protobuf contracts: no breaking change against the previous commit (the first parent: on main, the
# main before this change). The old protos are exported with git archive, so worktrees work too; a first
# commit, or a shallow clone without the parent, has nothing to compare with and is skipped, not counted.
breaking() {
  local previous="$log_dir/previous"
  mkdir -p "$previous"
  git archive HEAD~1 buf.yaml protos | tar -x -C "$previous" && node_modules/.bin/buf breaking --against "$previous"
}
if git rev-parse --verify -q 'HEAD~1^{commit}' >/dev/null && git cat-file -e 'HEAD~1:protos' 2>/dev/null; then
  check buf-breaking breaking
else
  echo "== buf-breaking: skipped (no previous commit with protos/ in this clone)"
fi

# The checked-in TypeScript (clients/web/src/gen) is what buf generates from protos/ now.
generated_up_to_date() {
  node_modules/.bin/buf generate --template clients/web/buf.gen.yaml --output "$log_dir/gen" &&
    diff -r "$log_dir/gen/clients/web/src/gen" clients/web/src/gen &&
    echo "clients/web/src/gen is up to date"
}
check ts-generated-up-to-date generated_up_to_date || echo "Regenerate with: (cd clients/web && npm run generate)"

# The repository stands alone (a clone anywhere has everything its files point at): no file refers to a path
# outside it, and every document a file names (a *.md) is one of the repository's own. Tracked and new files alike.
self_contained() {
  local outside names missing="" name
  outside="$(git grep --untracked -nI -E '\.\./shared|shared[/]docs' || true)"
  [ -z "$outside" ] || { echo "Refers to files outside the repository:"; echo "$outside"; }
  names="$(git ls-files --cached --others --exclude-standard | sed 's|.*/||' | sort -u)"
  for name in $(git grep --untracked -ohI -E '\b[A-Za-z0-9_.-]+\.md\b' | sort -u); do
    grep -qxF "$name" <<<"$names" || missing+="$name: $(git grep --untracked -lI -F "$name" | tr '\n' ' ')"$'\n'
  done
  [ -z "$missing" ] || { echo "Names documents the repository does not have (document: files naming it):"; echo -n "$missing"; }
  [ -z "$outside$missing" ] && echo "Nothing refers outside the repository; every document named is in it."
}
check docs-self-contained self_contained

# Web client: unit tests (vitest, no browser), counted test by test; then the typecheck and vite build
# of the Import POS page, whose dist/ the .NET smoke test serves to headless Chromium.
# Colours off, and any escape codes that still come (CI terminals may force them) stripped before counting.
echo "== web-unit"
started=$SECONDS
(cd clients/web && NO_COLOR=1 node_modules/.bin/vitest run) >"$log_dir/web-unit.log" 2>&1
strip_escapes "$log_dir/web-unit.log"
cat "$log_dir/web-unit.log"
web_counts="$(grep -E '^ *Tests +' "$log_dir/web-unit.log" | tail -1 || true)"
if [ -n "$web_counts" ]; then
  web_passed=$(echo "$web_counts" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
  web_failed=$(echo "$web_counts" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0)
  echo "== web-unit: $web_passed passed, $web_failed failed ($((SECONDS - started)) s)"
else
  web_passed=0 web_failed=1
  echo "== web-unit: FAILED, no count ($((SECONDS - started)) s)"
fi
passed=$((passed + web_passed)); failed=$((failed + web_failed))
check web-build bash -c 'cd clients/web && npm run --silent build'
ensure_chromium

# Alert rules (ops/prometheus): promtool checks them and runs their unit tests, counted test by test (each "- name:"
# of the test file passes when the file passes; promtool names each one that fails).
ensure_prometheus
echo "== alert-rules"
started=$SECONDS
rule_tests=$(grep -c '^  - name:' ops/prometheus/alerts.test.yml)
if (promtool check rules ops/prometheus/alerts.yml && cd ops/prometheus && promtool test rules alerts.test.yml) >"$log_dir/alert-rules.log" 2>&1; then
  rules_failed=0
else
  rules_failed=$(grep '^    name: ' "$log_dir/alert-rules.log" | sort -u | wc -l)
  [ "$rules_failed" -gt 0 ] || rules_failed=$rule_tests
fi
cat "$log_dir/alert-rules.log"
echo "== alert-rules: $((rule_tests - rules_failed)) passed, $rules_failed failed ($((SECONDS - started)) s)"
passed=$((passed + rule_tests - rules_failed)); failed=$((failed + rules_failed))

# .NET: one build, then every test project (IsTestProject) at once, as `dotnet test` of the solution would run
# them; each says when it starts and, as it ends, its count from its assembly's summary line and its time.
echo "== dotnet-build"
started=$SECONDS
if ! dotnet build Pos.Grpc.sln -c Release --nologo -v quiet >"$log_dir/dotnet-build.log" 2>&1; then
  cat "$log_dir/dotnet-build.log"
  echo "== dotnet-build: FAILED ($((SECONDS - started)) s)"
  echo
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi
echo "== dotnet-build: done ($((SECONDS - started)) s)"

declare -A test_pid test_started
for project in $(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj); do
  name="$(basename "$project" .csproj)"
  echo "== $name: started"
  test_started[$name]=$SECONDS
  dotnet test "$project" -c Release --no-build --nologo >"$log_dir/$name.log" 2>&1 &
  test_pid[$name]=$!
done
while [ "${#test_pid[@]}" -gt 0 ]; do
  wait -n -p ended "${test_pid[@]}" || true
  for name in "${!test_pid[@]}"; do [ "${test_pid[$name]}" = "$ended" ] && break; done
  unset "test_pid[$name]"
  log="$log_dir/$name.log"
  strip_escapes "$log"
  cat "$log"
  counts="$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -1 | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1 \2/')"
  if [ -z "$counts" ]; then counts="1 0"; echo "(no summary line: counted as one failure)"; fi
  read -r f p <<<"$counts"
  if grep -Eq '^\s*(Test Run Aborted|The active test run was aborted)' "$log"; then f=$((f + 1)); echo "(the test run was aborted: one more failure)"; fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "== $name: $p passed, $f failed ($((SECONDS - test_started[$name])) s)"
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
