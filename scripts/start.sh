#!/usr/bin/env bash
# The main job on the embedded default data, headless: the paper's MNIST-DVS network, its static energy
# report, then a short baseline training on the synthetic DVS digits (generated on first use into
# .synops/data/synth), evaluated as a quantized ANN and as a spiking network on the held-out split.
# The run lands in .synops/runs/. In a terminal it then opens the extension on a demo workspace
# (scripts/ui.sh: desktop VS Code where `code` exists, else code-server on 127.0.0.1 with a printed URL).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run --silent build
synops() { node bin/synops.js "$@"; }
echo "== the paper's MNIST-DVS network (templates/mnist-dvs.snn.json)"
synops summary templates/mnist-dvs.snn.json
echo
echo "== baseline training on the embedded synthetic DVS digits (${SYNOPS_START_EPOCHS:-6} epochs, batch 32)"
synops train templates/mnist-dvs.snn.json --data synth --strategy baseline --epochs "${SYNOPS_START_EPOCHS:-6}" --batch 32 --workspace .

# In a terminal, go on to the product itself on a demo workspace (Ctrl+C stops it); in scripts and CI
# (no terminal, or SYNOPS_NO_UI set) stop here.
if [ -t 1 ] && [ -z "${SYNOPS_NO_UI:-}" ]; then
  echo
  echo "== SynOps Studio on a demo workspace (the two paper models; the synthetic digits and this run ready)"
  exec bash scripts/ui.sh
fi
