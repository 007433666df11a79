#!/usr/bin/env bash
# The whole test suite, as the README's test command and CI run it:
# lint and types, build, unit tests (node:test), the robustness corpus through the CLI, the real-data checks,
# the report view in a real browser, and the extension in a real VS Code (code-server + Playwright).
# Installs what the browser and VS Code tests need first.
# Ends with one line "tests: N passed, M failed" counting every test of every stage.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; status=0
log=$(mktemp)

# Each stage's wall time is printed when the next begins, so a slow CI log says where the time went.
stage_name=; stage_start=$SECONDS
stage_end() { [ -z "$stage_name" ] || echo "--- $stage_name: $((SECONDS - stage_start)) s"; }
stage() { stage_end; stage_name=$1; stage_start=$SECONDS; echo; echo "=== $1"; }
# Runs node:test files with the TAP reporter and adds their counts to the totals. `NODE_TEST_CONCURRENCY`
# files run at once, in path order (node sorts them; its default concurrency is one fewer than the cores: 1
# here, where the unit files take 232 s one at a time and 133 s two at a time).
node_tests() {
  node --import tsx --test --test-concurrency="${NODE_TEST_CONCURRENCY:-1}" --test-reporter=tap "$@" | tee "$log"
  local rc=${PIPESTATUS[0]}
  passed=$((passed + $(grep -E '^# pass ' "$log" | awk '{s+=$3} END {print s+0}')))
  failed=$((failed + $(grep -E '^# fail ' "$log" | awk '{s+=$3} END {print s+0}')))
  [ "$rc" -eq 0 ] || status=1
}

stage "install test dependencies (Debian chromium, code-server; Python's h5py for the NIR layout check)"
bash scripts/install-test-deps.sh || { echo "test dependencies could not be installed"; exit 1; }
# Optional: without h5py (no apt here) the NIR layout check is skipped and says "not checked"; never fails the suite.
bash scripts/install-nir-peers.sh

stage "lint and types"
# ESLint and the three tsc projects at once: each is one busy core, so one after the other left a core idle.
# Their outputs are printed after both end, lint's first, so they do not interleave.
lint_out=$(mktemp); types_out=$(mktemp)
npm run --silent lint > "$lint_out" 2>&1 & lint_pid=$!
npm run --silent typecheck > "$types_out" 2>&1 & types_pid=$!
lint_rc=0; types_rc=0
wait "$lint_pid" || lint_rc=$?
wait "$types_pid" || types_rc=$?
cat "$lint_out" "$types_out"; rm -f "$lint_out" "$types_out"
[ "$lint_rc" -eq 0 ] && [ "$types_rc" -eq 0 ] || { echo "lint or typecheck failed (lint exit $lint_rc, typecheck exit $types_rc)"; failed=$((failed + 1)); status=1; }

stage "build"
# `npm ci` has just built dist/ (the prepare script) in CI: build again only when that is not a complete
# development build of the current files. dist/THIRD_PARTY_LICENSES.txt is written after every bundle is;
# a development bundle ends with its source map's URL, a production one (`npm run package`, which the
# VS Code stage runs) does not.
built=dist/THIRD_PARTY_LICENSES.txt
if [ -f "$built" ] && tail -c 200 dist/host/extension.js 2>/dev/null | grep -q 'sourceMappingURL=' \
   && [ -z "$(find src webview templates media package.json package-lock.json esbuild.mjs bundles.mjs scripts/licenses.mjs -newer "$built" -type f -print -quit)" ]; then
  echo "dist/ is a development build of the current sources: not built again"
else
  npm run --silent build || { echo "tests: $passed passed, $((failed + 1)) failed"; exit 1; }
fi

SHARED=${SYNOPS_SHARED_DATA:-../shared/data}
stage "unit tests, robustness (malformed model files, weights, run folders, options and recordings through the CLI) and real data in ../shared/data (optional: skipped where the folder is absent)"
# One node:test pool of two for all three. As three stages, each ended with its last file alone on one core
# while the other waited for the next stage; the robustness file's set-up (the CLI bundle, the valid run) ran
# on one core; and the real-data files ran one at a time (the CIFAR-10 chain, 30 s of that stage's 43 s) with
# verify:sinabs after them. node runs the files in path order, so the two longest (test/robustness, 75 s, and
# test/shared-data's CIFAR-10 chain, 30 s) start first and the pool does not end on them.
# `npm run verify:sinabs` (our simulator against Sinabs' outputs, every fixture and variant, then the same
# network from the NIR graph the NIR library wrote) runs beside the pool, counted as two tests.
pool=(test/robustness/*.test.ts)
sinabs_pid=
if [ -d "$SHARED" ]; then
  pool+=(test/shared-data/*.test.ts)
  sinabs_out=$(mktemp); sinabs_nir_out=$(mktemp)
  (
    npm run --silent verify:sinabs > "$sinabs_out" 2>&1; echo "exit $?" >> "$sinabs_out"
    npm run --silent verify:sinabs -- "$SHARED/sinabs-reference/mnist_dvs_seed1.json" --model "$SHARED/nir/paper_mnist_dvs_sinabs_seed1.nir" > "$sinabs_nir_out" 2>&1
    echo "exit $?" >> "$sinabs_nir_out"
  ) & sinabs_pid=$!
else
  echo "no $SHARED: real-data checks skipped"
fi
pool+=(test/unit/*.test.ts)
NODE_TEST_CONCURRENCY=2 node_tests "${pool[@]}"
if [ -n "$sinabs_pid" ]; then
  wait "$sinabs_pid"
  # The output's last line is the exit code the subshell appended: passed when 0.
  for out in "$sinabs_out:9" "$sinabs_nir_out:8"; do
    lines=${out##*:}; out=${out%:*}
    rc=$(tail -n 1 "$out" | awk '{print $2}')
    if [ "$rc" = 0 ]; then sed '$d' "$out" | tail -n "$lines"; passed=$((passed + 1)); else sed '$d' "$out"; failed=$((failed + 1)); status=1; fi
  done
  rm -f "$sinabs_out" "$sinabs_nir_out"
fi

stage "report view in a real browser"
# Two files at a time: each starts its own browser and server on a free port (99 s one at a time).
NODE_TEST_CONCURRENCY=2 node_tests test/webview/*.test.ts

stage "extension in a real VS Code"
bash test/integration/run.sh | tee "$log"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
passed=$((passed + $(echo "$line" | awk '{print $1+0}')))
failed=$((failed + $(echo "$line" | awk '{print $3+0}')))
[ "$rc" -eq 0 ] || status=1
[ -n "$line" ] || { echo "integration run printed no result line"; failed=$((failed + 1)); status=1; }

stage_end
rm -f "$log"
echo
echo "total ${SECONDS} s"
echo "tests: $passed passed, $failed failed"
exit $status
