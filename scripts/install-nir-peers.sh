#!/usr/bin/env bash
# Installs Python's h5py (Debian's python3-h5py), which the optional NIR layout check in
# test/unit/nir-roundtrip.test.ts uses to read an exported .nir file the way NIR's own reader does.
# Without it that check says "not checked: h5py absent". Does nothing when python3 already imports h5py;
# otherwise `apt-get install -y python3-h5py`, as root or through `sudo -n`.
set -euo pipefail
if python3 -c 'import h5py' 2>/dev/null; then echo "[install-nir-peers] h5py present: nothing to install"; exit 0; fi
SUDO=()
[ "$(id -u)" != 0 ] && SUDO=(sudo -n)
echo "[install-nir-peers] apt-get install -y python3-h5py"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq python3-h5py
python3 -c 'import h5py; print("[install-nir-peers] h5py", h5py.__version__)'
