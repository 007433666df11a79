#!/usr/bin/env bash
# Install what the integration tests need to drive a real VS Code:
#   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev (headers for code-server's
#     kerberos addon, whose prebuilt download is not reachable so it builds from source), ripgrep.
#   - code-server (the VS Code server + web workbench, with a Node extension host like desktop VS Code),
#     installed from the npm registry into a cache folder OUTSIDE the project's node_modules.
#
# Idempotent: a completion marker makes a second run a no-op.
# Environment:
#   SYNOPS_TEST_CACHE       cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/synops-studio)
#   CODE_SERVER_VERSION     default 4.100.3 (= VS Code 1.100.3, runs on Node 20)
# Prints the code-server entry point on the last line as: code-server entry: <path>
set -euo pipefail

CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CACHE_ROOT=${SYNOPS_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/synops-studio}
DIR=$CACHE_ROOT/code-server-$CODE_SERVER_VERSION
ENTRY=$DIR/node_modules/code-server/out/node/entry.js
MARKER=$DIR/.install-complete

log() { echo "[install-test-deps] $*"; }
die() { echo "[install-test-deps] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- Debian packages
APT_PACKAGES=(chromium libkrb5-dev ripgrep)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    SUDO=(sudo -n)
  fi
  APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900)
  log "apt-get install ${missing[*]}"
  APT_LOG=$(mktemp)
  if ! "${APT[@]}" "${missing[@]}" >"$APT_LOG" 2>&1; then
    log "apt-get install failed; running apt-get update and retrying"
    "${SUDO[@]}" apt-get update -o DPkg::Lock::Timeout=900 >>"$APT_LOG" 2>&1 || true
    if ! "${APT[@]}" "${missing[@]}" >>"$APT_LOG" 2>&1; then
      tail -40 "$APT_LOG" >&2
      rm -f "$APT_LOG"
      die "could not install Debian packages: ${missing[*]}"
    fi
  fi
  rm -f "$APT_LOG"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after install"
command -v rg >/dev/null || die "ripgrep (rg) missing after install"

# ---------------------------------------------------------------- code-server
if [ -f "$MARKER" ] && [ -f "$ENTRY" ]; then
  log "code-server $CODE_SERVER_VERSION already installed"
  echo "code-server entry: $ENTRY"
  exit 0
fi

NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
if [ "$CODE_SERVER_VERSION" = 4.100.3 ] && [ "$NODE_MAJOR" != 20 ]; then
  die "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node -v))"
fi

log "installing code-server@$CODE_SERVER_VERSION into $DIR (takes a few minutes the first time)"
rm -rf "$DIR"
mkdir -p "$DIR"
INSTALL_TMP=$DIR/.tmp
mkdir -p "$INSTALL_TMP"
export TMPDIR=$INSTALL_TMP

# @vscode/ripgrep's postinstall downloads rg from GitHub, which is not reachable. It first looks for
# $TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<tag>-<target>.tar.gz, so seed that cache with
# Debian's rg. (code-server 4.100.x ships @vscode/ripgrep 1.15.11, release tag v13.0.0-10.)
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) RG_TARGET=$(uname -m)-unknown-linux-gnu ;;
esac
mkdir -p "$INSTALL_TMP/rgpack"
cp "$(command -v rg)" "$INSTALL_TMP/rgpack/rg"
for RG_PKG in 1.15.11; do
  mkdir -p "$INSTALL_TMP/vscode-ripgrep-cache-$RG_PKG"
  tar czf "$INSTALL_TMP/vscode-ripgrep-cache-$RG_PKG/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C "$INSTALL_TMP/rgpack" rg
done

echo '{"name":"synops-studio-test-tools","private":true}' > "$DIR/package.json"
# npm_config_unsafe_perm=true: code-server's postinstall refuses to run as root without it.
# npm_config_yes=true: node-pty's postinstall runs `npx node-gyp`; with yes=false npx cancels without a TTY.
if ! (cd "$DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
      > "$DIR/install.log" 2>&1); then
  echo "----- last lines of $DIR/install.log -----" >&2
  tail -40 "$DIR/install.log" >&2
  die "npm install code-server@$CODE_SERVER_VERSION failed (full log: $DIR/install.log)"
fi
[ -f "$ENTRY" ] || die "code-server entry point not found after install: $ENTRY"
rm -rf "$INSTALL_TMP"
echo "code-server@$CODE_SERVER_VERSION installed $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$MARKER"
log "installed code-server $CODE_SERVER_VERSION in $DIR"
echo "code-server entry: $ENTRY"
