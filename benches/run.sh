#!/usr/bin/env bash
# Runs the comparison benches and prints oxigram's speed as a ratio against each peer
# measured in the same run. Usage: benches/run.sh [criterion args, e.g. a filter]
set -euo pipefail
cd "$(dirname "$0")"
cargo bench --bench tl_codec -- "$@"
python3 ratios.py history_page
