#!/usr/bin/env bash
# npm run models:train: retrain both detectors from ../shared/data, export ONNX + manifest to public/models,
# then measure the shipped files with the TypeScript evaluation (report.json, manifest metrics).
# Needs Debian's PyTorch: apt-get install -y python3-torch libopenblas0-openmp python3-pil
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch, PIL' 2>/dev/null; then
  echo "PyTorch from Debian is missing: apt-get install -y python3-torch libopenblas0-openmp python3-pil" >&2
  exit 1
fi
start=$(date +%s)
/usr/bin/python3 training/train.py "$@"
echo "training + export: $(( $(date +%s) - start )) s" >&2
npx tsx src/node/evaluate.ts
echo "models:train total: $(( $(date +%s) - start )) s" >&2
