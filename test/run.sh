#!/usr/bin/env bash
# The whole test suite: static checks, generated-file drift, then every test file against real
# servers. Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
failures=0
step() { printf '\n== %s\n' "$*"; }

step "system packages the suites start for real"
bash test/support/install-system-packages.sh || { echo "FAILED: could not install the system packages the tests need"; failures=$((failures + 1)); }

step "typecheck (tsc --noEmit, strict)"
npx tsc -p tsconfig.json --noEmit || { echo "FAILED: typecheck"; failures=$((failures + 1)); }

step "format (prettier --check)"
npx prettier --check . --log-level warn || { echo "FAILED: formatting (run npm run format)"; failures=$((failures + 1)); }

step "generated schema is up to date (npm run compose -- --check)"
npx tsx gateway/bin.ts compose --check || { echo "FAILED: schema/ drifted from the code"; failures=$((failures + 1)); }

step "tests"
mapfile -t files < <(find test -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=1 --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=test-artifacts/results.tap \
  "${files[@]}"
status=$?

count() { grep -E "^# $1 [0-9]+" test-artifacts/results.tap | tail -1 | awk '{print $3}'; }
passed=$(count pass); failed=$(count fail); skipped=$(count skipped); todo=$(count todo)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}; todo=${todo:-0}
# A static check that failed counts as a failed test.
failed=$((failed + failures))
echo
if [ "$skipped" -gt 0 ] || [ "$todo" -gt 0 ]; then
  echo "NOTE: $skipped test(s) skipped and $todo todo — only skipped where the run asked for it (see above)."
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
