#!/usr/bin/env bash
# Runs a benchmark (bench/Paradox.Bench; e.g. ./bench.sh train-step --fresh) with the process settings of the CLI and the
# tests, building it in Release when sources changed since the last build.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build/launch.sh"
launch bench/Paradox.Bench Paradox.Bench "$@"
