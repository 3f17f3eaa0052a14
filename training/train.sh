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
# The folder the run exports to (train.py --out; default public/models) is the one measured.
models=public/models
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --out) models="${args[i + 1]:-$models}" ;;
    --out=*) models="${args[i]#--out=}" ;;
  esac
done
start=$(date +%s)
/usr/bin/python3 training/train.py "$@"
echo "training + export: $(( $(date +%s) - start )) s" >&2
npx tsx src/node/evaluate.ts --models "$models"
echo "models:train total: $(( $(date +%s) - start )) s" >&2
