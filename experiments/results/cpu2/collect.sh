#!/usr/bin/env bash
# Copies what a reproduction wrote into this directory: the report (md/json/csv), the learning-curve PNGs and, per
# run, config.json, metrics.csv and results.json. Never checkpoints (*.ckpt). Usage: collect.sh MAIN_DIR [DEST]
set -euo pipefail
main="${1:?usage: collect.sh MAIN_DIR [DEST]}"
dest="${2:-$(cd "$(dirname "$0")" && pwd)}"
for f in report.md report.json report.csv; do [ -f "$main/$f" ] && cp "$main/$f" "$dest/"; done
for f in "$main"/curves-*.png; do [ -f "$f" ] && cp "$f" "$dest/"; done
for run in "$main"/*/; do
  [ -f "$run/config.json" ] || continue
  name="$(basename "$run")"
  mkdir -p "$dest/runs/$name"
  for f in config.json metrics.csv results.json; do [ -f "$run/$f" ] && cp "$run/$f" "$dest/runs/$name/"; done
done
echo "copied $(ls -d "$dest"/runs/*/ 2>/dev/null | wc -l) runs from $main to $dest"
