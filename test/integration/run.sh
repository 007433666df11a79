#!/usr/bin/env bash
# Integration tests in a real VS Code: code-server (VS Code server + web workbench, Node extension host)
# installs the extension from the .vsix that `npm run package` makes (as a user would) and Playwright drives
# the workbench in Debian's chromium (test/integration/ui.mjs). Optionally, test/integration/inhost/suite.ts
# runs inside the extension host (same run() contract as @vscode/test-electron).
#
# Usage: bash test/integration/run.sh            (or: npm run test:integration)
# Environment:
#   VSCODE_TEST_ROOT   where run folders (logs, screenshots) go; default <repo>/test-artifacts/integration
#   SYNOPS_TEST_CACHE  where code-server is installed (see scripts/install-test-deps.sh)
#   SYNOPS_IT_ONLY     comma-separated check names to run (default: all)
#   SYNOPS_IT_INHOST   0 to skip the in-extension-host suite (default: run it when it exists, beside the UI
#                      checks: each has its own code-server, user data, extensions and workspace copy)
#   SYNOPS_IT_UI       0 to skip the UI checks (default: run them)
#   SYNOPS_IT_KEEP     number of old run folders to keep (default 5)
#   SYNOPS_IT_SCRIPT   the Playwright script to run instead of ui.mjs, with the same arguments (screenshots.mjs:
#                      the documentation's screenshots, `npm run screenshots`)
#   SYNOPS_IT_FROM     vsix (default): package the extension and install the .vsix; folder: load this
#                      repository as an Extension Development Host instead (for debugging, with source maps)
# The last line printed is always "N passed, M failed".
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$REPO/test/integration
T_START=$(date +%s)
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[integration] $*"; }
fail_early() {  # message: infrastructure failure before any check could run
  echo "[integration] ERROR: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

# ---------------------------------------------------------------- tools
t0=$(now)
INSTALL_OUT=$(bash "$REPO/scripts/install-test-deps.sh" 2>&1)
rc=$?
echo "$INSTALL_OUT"
[ $rc -eq 0 ] || fail_early "installing test dependencies failed"
CS_ENTRY=$(echo "$INSTALL_OUT" | sed -n 's/^code-server entry: //p' | tail -1)
[ -f "$CS_ENTRY" ] || fail_early "code-server entry point not found"
log "test dependencies ready in $(secs "$t0" "$(now)") s"
[ -d "$REPO/node_modules/playwright-core" ] || fail_early "playwright-core missing: run npm ci first"

# The in-host suite runs (beside the UI checks, on a code-server of its own) unless turned off or only some
# UI checks were asked for.
INHOST=0
[ "${SYNOPS_IT_INHOST:-1}" != 0 ] && [ -f "$HERE/inhost/suite.ts" ] && [ -z "${SYNOPS_IT_ONLY:-}" ] && INHOST=1

# ---------------------------------------------------------------- run folder
ROOT=${VSCODE_TEST_ROOT:-$REPO/test-artifacts/integration}
mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)
RUN=$ROOT/run-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$RUN"/{ud/User,ext,ws,xdg/config,xdg/data,xdg/cache}
# The in-host suite's server has the same layout under inhost/: nothing of one server's state is the other's.
[ $INHOST = 1 ] && mkdir -p "$RUN"/inhost/{ud/User,ext,ws,xdg/config,xdg/data,xdg/cache}
ln -sfn "$(basename "$RUN")" "$ROOT/latest"
# keep only the newest runs
KEEP=${SYNOPS_IT_KEEP:-5}
ls -1dt "$ROOT"/run-* 2>/dev/null | tail -n +$((KEEP + 1)) | while read -r old; do rm -rf "$old"; done

# Each code-server gets XDG folders inside its own root (set where it starts); the tools before it, these.
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_DATA_HOME=$RUN/xdg/data XDG_CACHE_HOME=$RUN/xdg/cache
# TMPDIR gets a short path of its own: chromium and VS Code put unix sockets there, and a socket path longer
# than ~107 bytes (easy under a deep checkout) makes chromium abort ("Socket path too long").
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/synops-it.XXXXXX") || fail_early "cannot create a temporary folder"
export TMPDIR=$RUN_TMP DONT_PROMPT_WSL_INSTALL=1
# No extension gallery: the tests make no network requests, and a gallery query that hangs (instead of failing
# at once, as here) must not hold up the workbench. An empty gallery configuration turns it off.
export EXTENSIONS_GALLERY='{}'

# ---------------------------------------------------------------- build or package
FROM=${SYNOPS_IT_FROM:-vsix}
export SYNOPS_IT_FROM=$FROM  # the in-host suite checks it runs from the installed copy
case $FROM in vsix|folder) ;; *) fail_early "SYNOPS_IT_FROM must be vsix or folder, not '$FROM'";; esac
if [ "$FROM" = folder ]; then
  # Build when dist/ is missing, or older than any source file it is built from.
  EXT_MAIN=$REPO/dist/host/extension.js
  need_build=0
  if [ ! -f "$EXT_MAIN" ]; then
    need_build=1
  elif [ -n "$(cd "$REPO" && find src webview templates media package.json esbuild.mjs -newer "$EXT_MAIN" -type f -print -quit 2>/dev/null)" ]; then
    need_build=1
  fi
  if [ $need_build = 1 ]; then
    log "building the extension (npm run build)"
    t0=$(now)
    (cd "$REPO" && npm run build) || fail_early "npm run build failed"
    [ -f "$EXT_MAIN" ] || fail_early "npm run build did not produce dist/host/extension.js"
    log "build done in $(secs "$t0" "$(now)") s"
  fi
else
  # `npm run package` builds for production (vscode:prepublish) and writes the .vsix; code-server installs
  # it into this run's own extensions folder, and the tests run against that installed copy.
  t0=$(now)
  VSIX=$RUN/synops-studio.vsix
  (cd "$REPO" && npm run --silent package -- --out "$VSIX" > "$RUN/package.log" 2>&1) || { tail -20 "$RUN/package.log" >&2; fail_early "npm run package failed (log: $RUN/package.log)"; }
  # Into each server's own extensions folder (the in-host one's too, when it runs), both at once.
  install_into() {  # server root
    node "$CS_ENTRY" --user-data-dir "$1/ud" --extensions-dir "$1/ext" --install-extension "$VSIX" > "$1/install.log" 2>&1 \
      || { cat "$1/install.log" >&2; return 1; }
  }
  install_into "$RUN" & ui_install=$!
  inhost_install=
  [ $INHOST = 1 ] && { install_into "$RUN/inhost" & inhost_install=$!; }
  wait "$ui_install" || fail_early "code-server --install-extension failed"
  [ -z "$inhost_install" ] || wait "$inhost_install" || fail_early "code-server --install-extension failed (in-host server)"
  EXT_DIR=$(ls -1d "$RUN"/ext/synops-studio.synops-studio-* 2>/dev/null | head -1)
  [ -f "$EXT_DIR/dist/host/extension.js" ] || fail_early "the installed extension has no dist/host/extension.js (log: $RUN/install.log)"
  if [ $INHOST = 1 ]; then
    INHOST_EXT_DIR=$(ls -1d "$RUN"/inhost/ext/synops-studio.synops-studio-* 2>/dev/null | head -1)
    [ -f "$INHOST_EXT_DIR/dist/host/extension.js" ] || fail_early "the in-host server's extension has no dist/host/extension.js (log: $RUN/inhost/install.log)"
  fi
  log "packaged and installed $(basename "$VSIX"): $(du -k "$VSIX" | cut -f1) KiB, $(find "$EXT_DIR" -type f | wc -l) files in $(secs "$t0" "$(now)") s"
fi

cat > "$RUN/ud/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "json.schemaDownload.enable": false,
  "editor.codeLens": true,
  "editor.minimap.enabled": false,
  "files.autoSave": "off",
  "window.restoreWindows": "none"
}
EOF
[ $INHOST = 1 ] && cp "$RUN/ud/User/settings.json" "$RUN/inhost/ud/User/settings.json"

# Fixture workspace: the checked-in files, then the current templates (so the fixtures never go stale),
# then broken.snn.json re-derived from the current MNIST-DVS template (conv2 kernel 3 -> 40).
cp -R "$HERE/workspace/." "$RUN/ws/"
cp "$REPO"/templates/*.snn.json "$RUN/ws/" 2>/dev/null || true
if [ -f "$REPO/templates/mnist-dvs.snn.json" ]; then
  node - "$REPO/templates/mnist-dvs.snn.json" "$RUN/ws/broken.snn.json" <<'EOF' || log "warning: could not derive broken.snn.json from the template; using the checked-in fixture"
const fs = require('node:fs');
const [src, dst] = process.argv.slice(2);
const text = fs.readFileSync(src, 'utf8');
const at = text.search(/"name"\s*:\s*"conv2"/);
if (at < 0) process.exit(1);
const start = text.lastIndexOf('{', at), end = text.indexOf('}', at);
const layer = text.slice(start, end);
if (!/"kernel"\s*:\s*\d+/.test(layer)) process.exit(1);
fs.writeFileSync(dst, text.slice(0, start) + layer.replace(/"kernel"\s*:\s*\d+/, '"kernel": 40') + text.slice(end));
EOF
fi

# A small .nir graph (the unit tests' Conv2d → IF → SumPool2d → Flatten → Affine), written with h5wasm.
(cd "$REPO" && node --import tsx test/integration/make-nir-fixture.ts "$RUN/ws/tiny-conv.nir") || log "warning: could not write tiny-conv.nir"
# The in-host suite's server gets a copy of its own: the UI checks and the suite both train into theirs.
[ $INHOST = 1 ] && cp -R "$RUN/ws/." "$RUN/inhost/ws/"

# ---------------------------------------------------------------- code-server
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
SERVER_PIDS=()
INHOST_PID=
cleanup() {
  local pid
  # An in-host suite still running (the script was interrupted) ends with its browser.
  [ -n "$INHOST_PID" ] && kill "$INHOST_PID" 2>/dev/null
  INHOST_PID=
  for pid in "${SERVER_PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- -"$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 -- -"$pid" 2>/dev/null || true
  done
  SERVER_PIDS=()
  [ -n "${RUN_TMP:-}" ] && rm -rf "$RUN_TMP"
  RUN_TMP=
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# Starts code-server on a free port for the server root $1 (ud, ext, ws, xdg under it); sets PORT.
start_server() {
  local root=$1 t0 pid up=0
  t0=$(now)
  PORT=$(free_port)
  # setsid: the server gets its own process group, so cleanup can stop the whole tree
  # (extension host, file watcher, pty host, the extension's own child processes).
  XDG_CONFIG_HOME=$root/xdg/config XDG_DATA_HOME=$root/xdg/data XDG_CACHE_HOME=$root/xdg/cache \
  setsid node "$CS_ENTRY" \
    --user-data-dir "$root/ud" --extensions-dir "$root/ext" \
    --bind-addr "127.0.0.1:$PORT" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override --ignore-last-opened \
    "$root/ws" > "$root/server.log" 2>&1 < /dev/null &
  pid=$!
  SERVER_PIDS+=("$pid")
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ $up != 1 ]; then
    tail -40 "$root/server.log" >&2
    fail_early "code-server did not come up on port $PORT (log: $root/server.log)"
  fi
  log "code-server $(node "$CS_ENTRY" --version 2>/dev/null | head -1) up on 127.0.0.1:$PORT in $(secs "$t0" "$(now)") s ($2)"
}

start_server "$RUN" "UI checks"

# Folder mode: this repository as the extension under development, as seen by the server (vscode-remote URI).
urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
# The extension under development for a server at $1 (host:port) whose installed copy is in $2: in folder mode
# this repository; else the installed copy's folder (the files of the .vsix, not this repository), which
# stands in for the installed extension of the same id, so that VS Code runs extensionTestsPath.
dev_payload() {
  if [ "$FROM" = folder ]; then echo "[\"extensionDevelopmentPath\",\"vscode-remote://$1$REPO\"]"
  else echo "[\"extensionDevelopmentPath\",\"vscode-remote://$1$2\"]"; fi
}
AUTH=127.0.0.1:$PORT
if [ "$FROM" = folder ]; then
  PAYLOAD="[$(dev_payload "$AUTH")]"
else
  # The UI checks see the installed extension as a user does.
  PAYLOAD="[]"
fi
WB_URL="http://$AUTH/?folder=$(urlencode "$RUN/ws")&payload=$(urlencode "$PAYLOAD")"

PASSED=0; FAILED=0
add_counts() {  # file with "N passed, M failed"
  local line; line=$(tail -1 "$1" 2>/dev/null)
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    PASSED=$((PASSED + BASH_REMATCH[1])); FAILED=$((FAILED + BASH_REMATCH[2]))
  else
    FAILED=$((FAILED + 1))
  fi
}

# ---------------------------------------------------------------- in-extension-host suite (optional)
# Started first and run beside the UI checks, on its own code-server (own port, user data, extensions,
# workspace copy and browser profile). Each is one sequence of steps (one browser driving one workbench),
# so one after the other they seldom kept both cores busy. Its output goes to inhost/drive.log, printed
# when both are done.
cd "$REPO"
INHOST_RC=0; INHOST_T0=
if [ $INHOST = 1 ]; then
  INHOST_T0=$(now)
  # h5wasm (the tests write .nir files with it) finds itself with import.meta.url, as in bundles.mjs.
  if "$REPO/node_modules/.bin/esbuild" "$HERE/inhost/suite.ts" --bundle --platform=node \
       --format=cjs --target=node20 --main-fields=module,main --external:vscode --outfile="$RUN/inhost/suite.js" --log-level=warning \
       --define:import.meta.url=__synopsImportMetaUrl --banner:js='var __synopsImportMetaUrl = require("url").pathToFileURL(__filename).href;'; then
    start_server "$RUN/inhost" "in-host suite"
    AUTH_T=127.0.0.1:$PORT
    PAYLOAD_T="[$(dev_payload "$AUTH_T" "${INHOST_EXT_DIR:-}"),[\"extensionTestsPath\",\"vscode-remote://$AUTH_T$RUN/inhost/suite.js\"]]"
    node "$HERE/inhost/drive.mjs" --out "$RUN/inhost" --summary "$RUN/inhost-summary.txt" \
      --url "http://$AUTH_T/?folder=$(urlencode "$RUN/inhost/ws")&payload=$(urlencode "$PAYLOAD_T")" > "$RUN/inhost/drive.log" 2>&1 &
    INHOST_PID=$!
  else
    INHOST_RC=1; FAILED=$((FAILED + 1))
    log "in-host suite did not compile"
  fi
fi

# ---------------------------------------------------------------- UI checks
t0=$(now)
UI_RC=0
if [ "${SYNOPS_IT_UI:-1}" != 0 ]; then
  node "$HERE/${SYNOPS_IT_SCRIPT:-ui.mjs}" --url "$WB_URL" --out "$RUN" --summary "$RUN/ui-summary.txt"
  UI_RC=$?
  add_counts "$RUN/ui-summary.txt"
  log "UI checks: exit $UI_RC in $(secs "$t0" "$(now)") s"
fi

if [ -n "$INHOST_PID" ]; then
  wait "$INHOST_PID"
  INHOST_RC=$?
  INHOST_PID=
  cat "$RUN/inhost/drive.log"
  add_counts "$RUN/inhost-summary.txt"
  # drive.mjs writes its log's last line as it exits: the log's time is when the suite ended.
  log "in-host suite: exit $INHOST_RC in $(secs "$INHOST_T0" "$(stat -c %.1Y "$RUN/inhost/drive.log")") s (beside the UI checks)"
fi

cleanup
log "total $(( $(date +%s) - T_START )) s"
log "run folder (screenshots, server.log, VS Code logs in ud/logs): $RUN"
RC=0
[ $UI_RC -eq 0 ] && [ $INHOST_RC -eq 0 ] && [ $FAILED -eq 0 ] || RC=1
echo "$PASSED passed, $FAILED failed"
exit $RC
