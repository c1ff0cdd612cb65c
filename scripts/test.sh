#!/usr/bin/env bash
# `npm test`: typecheck, then the three vitest tiers (unit, gpu, e2e). Every tier runs even
# when an earlier one fails, so one run shows everything. CI reads only the last line,
# `N passed, N failed` (DESIGN.md "Tests"), summed over the tiers from vitest's JSON reports.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

reports="$(mktemp -d "${TMPDIR:-/tmp}/sam-sde-test.XXXXXX")"
trap 'rm -rf "$reports"' EXIT

total_passed=0
total_failed=0
summary=()

echo "== typecheck (tsc --noEmit)"
if npx tsc --noEmit; then
  summary+=("typecheck: ok")
else
  # Type errors are one failure: the count of errors says little about how much is broken.
  summary+=("typecheck: errors (counted as 1 failed)")
  total_failed=$((total_failed + 1))
fi

# Prints "passed failed" for one tier. A missing report, a failed file or suite (an import
# error, a failing beforeAll), or a non-zero vitest exit with no failed test (unhandled
# errors, no test files) each count as at least one failure: never a silent green.
tier_counts() {
  local report="$1" status="$2"
  node - "$report" "$status" <<'NODE'
const { existsSync, readFileSync } = require('node:fs');
const [report, status] = process.argv.slice(2);
let passed = 0;
let failed = 1;
if (existsSync(report)) {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = Number(r.numPassedTests) || 0;
    failed = Number(r.numFailedTests) || 0;
    if (failed === 0 && ((Number(r.numFailedTestSuites) || 0) > 0 || status !== '0')) failed = 1;
  } catch {
    failed = 1;
  }
}
console.log(`${passed} ${failed}`);
NODE
}

for tier in unit gpu e2e; do
  echo "== vitest --project ${tier}"
  status=0
  npx vitest run --project "$tier" --reporter=default --reporter=json \
    --outputFile="${reports}/${tier}.json" || status=$?
  read -r passed failed < <(tier_counts "${reports}/${tier}.json" "$status")
  note=""
  [[ -f "${reports}/${tier}.json" ]] || note=" (no JSON report: counted as 1 failed)"
  summary+=("${tier}: ${passed} passed, ${failed} failed${note}")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
done

echo "== summary"
printf '%s\n' "${summary[@]}"
echo "${total_passed} passed, ${total_failed} failed"
[[ "$total_failed" -eq 0 ]]
