#!/usr/bin/env bash
# Clean release builds of oxigram-tl and of grammers-tl-types 0.11.0 (default features),
# alternating on this machine, each in a fresh target directory with its dependencies.
# Prints every time, the best of each, and their ratio. Usage: schema/compile-time.sh [RUNS]
set -euo pipefail
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo new --lib --quiet "$work/peer"
(cd "$work/peer" && cargo add --quiet grammers-tl-types@=0.11.0 && cargo fetch --quiet)
cargo fetch --quiet --manifest-path "$root/Cargo.toml"

seconds() { # command... -> wall-clock seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

best_ours=999 best_peer=999
for i in $(seq "$runs"); do
    rm -rf "$work/ours-target" "$work/peer/target"
    ours=$(seconds cargo build --release -p oxigram-tl --manifest-path "$root/Cargo.toml" \
        --target-dir "$work/ours-target")
    peer=$(seconds cargo build --release --manifest-path "$work/peer/Cargo.toml")
    printf 'run %d: oxigram-tl %6.2f s   grammers-tl-types %6.2f s\n' "$i" "$ours" "$peer"
    best_ours=$(echo "if ($ours < $best_ours) $ours else $best_ours" | bc)
    best_peer=$(echo "if ($peer < $best_peer) $peer else $best_peer" | bc)
done
printf 'best:  oxigram-tl %6.2f s   grammers-tl-types %6.2f s   ratio %.2f\n' \
    "$best_ours" "$best_peer" "$(echo "$best_ours / $best_peer" | bc -l)"
