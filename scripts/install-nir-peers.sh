#!/usr/bin/env bash
# Installs Python's h5py (Debian's python3-h5py), which the NIR layout check in
# test/unit/nir-roundtrip.test.ts uses to read an exported .nir file the way NIR's own reader does
# (test/unit/nir_reader_check.py). scripts/test-all.sh runs it before the unit tests.
# Does nothing when an interpreter the test tries ($SYNOPS_PYTHON, python3, /usr/bin/python3) already
# imports h5py; otherwise `apt-get install -y python3-h5py` (for /usr/bin/python3), as root or through
# `sudo -n`, within 10 minutes. Never fails: without h5py the check says "not checked: h5py absent".
set -uo pipefail
log() { echo "[install-nir-peers] $*"; }
candidates=()
[ -n "${SYNOPS_PYTHON:-}" ] && candidates+=("$SYNOPS_PYTHON")
candidates+=(python3 /usr/bin/python3)
has_h5py() {
  for py in "${candidates[@]}"; do
    if v=$("$py" -c 'import h5py; print(h5py.__version__)' 2>/dev/null); then log "$py imports h5py $v"; return 0; fi
  done
  return 1
}
has_h5py && exit 0
SUDO=()
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
    log "no root and no sudo: h5py not installed; the NIR layout check says not checked"; exit 0
  fi
  SUDO=(sudo -n)
fi
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 python3-h5py)
log "no interpreter of (${candidates[*]}) imports h5py; running: ${APT[*]}"
if ! "${APT[@]}" >/dev/null 2>&1; then
  log "apt-get install failed; running apt-get update and retrying"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null 2>&1
  "${APT[@]}" >/dev/null 2>&1
fi
has_h5py || log "python3-h5py could not be installed (apt unavailable?); the NIR layout check says not checked"
exit 0
