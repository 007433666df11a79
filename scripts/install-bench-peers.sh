#!/usr/bin/env bash
# Installs the peer `npm run bench` measures beside our engines in the same run: PyTorch on the CPU, as
# Debian's python3-torch (for the system interpreter /usr/bin/python3; a pyenv or venv python3 on PATH
# does not see Debian's dist-packages, so bench/peer.ts also tries /usr/bin/python3).
# Does nothing when an interpreter the bench would use can already `import torch`; otherwise
# `apt-get install -y python3-torch`, non-interactively, as root or through `sudo -n`. Says what it does.
# Environment: SYNOPS_PYTHON, an interpreter to try first (as the bench does).
set -euo pipefail

log() { echo "[install-bench-peers] $*"; }
die() { echo "[install-bench-peers] ERROR: $*" >&2; exit 1; }

# The interpreters bench/peer.ts tries, in its order.
candidates=()
[ -n "${SYNOPS_PYTHON:-}" ] && candidates+=("$SYNOPS_PYTHON")
candidates+=(python3 /usr/bin/python3)

torch_in() {
  "$1" -c 'import torch; print(torch.__version__)' 2>/dev/null
}

for py in "${candidates[@]}"; do
  if v=$(torch_in "$py"); then
    log "$py already imports torch $v: nothing to install"
    exit 0
  fi
done

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "need root (or sudo) to run: apt-get install python3-torch"
  SUDO=(sudo -n)
fi
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 python3-torch)
log "no interpreter of (${candidates[*]}) imports torch; running: ${APT[*]}"
if ! "${APT[@]}"; then
  log "apt-get install failed; running apt-get update and retrying"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=900
  "${APT[@]}" || die "could not install python3-torch"
fi
v=$(torch_in /usr/bin/python3) || die "python3-torch is installed but /usr/bin/python3 cannot import torch"
log "installed: /usr/bin/python3 imports torch $v"
