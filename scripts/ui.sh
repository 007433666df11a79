#!/usr/bin/env bash
# Opens SynOps Studio in a real VS Code on a demo workspace: desktop VS Code when a `code` command exists,
# otherwise code-server (VS Code in the browser, installed by scripts/install-test-deps.sh) on
# 127.0.0.1:${SYNOPS_UI_PORT:-8080}, with a printed URL. The demo workspace (demo/, not tracked) holds the
# two paper model files, the quick reproduction of docs/reproduction.md and, once `npm start` has run, the
# synthetic DVS digits and its run.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
[ -f dist/host/extension.js ] || npm run --silent build
DEMO=$REPO/demo
mkdir -p "$DEMO/.synops"
cp -n templates/*.snn.json "$DEMO/" 2>/dev/null || true
# Reuse what `npm start` made: the synthetic set, its frame cache and the run (and any reproductions).
for sub in data cache runs reproduce; do
  [ -e "$REPO/.synops/$sub" ] && [ ! -e "$DEMO/.synops/$sub" ] && ln -s "$REPO/.synops/$sub" "$DEMO/.synops/$sub"
done
# The quick reproduction of docs/reproduction.md (its reports and run records, no weights): open its
# report.json and run "SynOps: Show Trade-off" to see the curves without waiting for a reproduction.
[ -e "$DEMO/reproduction-synth" ] || cp -R test/integration/workspace/reproduction "$DEMO/reproduction-synth"
if command -v code >/dev/null 2>&1; then
  exec code --extensionDevelopmentPath="$REPO" "$DEMO"
fi
CS_ENTRY=$(bash scripts/install-test-deps.sh | sed -n 's/^code-server entry: //p' | tail -1)
[ -f "$CS_ENTRY" ] || { echo "code-server could not be installed; see the messages above" >&2; exit 1; }
STATE=${SYNOPS_UI_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/synops-studio/ui}
mkdir -p "$STATE/user-data/User" "$STATE/extensions"
# The extension is this repository, linked into code-server's extensions folder.
ln -sfn "$REPO" "$STATE/extensions/synops-studio.synops-studio-0.1.0"
[ -f "$STATE/user-data/User/settings.json" ] || echo '{"workbench.startupEditor":"none","telemetry.telemetryLevel":"off","security.workspace.trust.enabled":false}' > "$STATE/user-data/User/settings.json"
# No network at run time: code-server's extension gallery stays off unless EXTENSIONS_GALLERY is set.
export EXTENSIONS_GALLERY=${EXTENSIONS_GALLERY:-'{}'}
PORT=${SYNOPS_UI_PORT:-8080}
echo "SynOps Studio: open http://127.0.0.1:$PORT/?folder=$DEMO   (Ctrl+C stops it)"
exec node "$CS_ENTRY" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" --bind-addr "127.0.0.1:$PORT" \
  --auth none --disable-telemetry --disable-update-check --disable-workspace-trust "$DEMO"
