#!/usr/bin/env bash
# Builds and runs every fuzz target for SECONDS each (default 20); fails on any crash,
# timeout, leak or out-of-memory. Usage: fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz passes sanitizer flags that need nightly features; the stable toolchain
# accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
# Seed corpora from the shared vectors, when they are beside the checkout.
vectors="${OXIGRAM_VECTORS:-../../shared/vectors}"
if [ -d "$vectors" ]; then
    python3 seeds.py "$vectors"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in $(cargo fuzz list); do
    # Inputs that once failed (regressions/TARGET/*) must pass before fuzzing goes on.
    if [ -d "regressions/$target" ]; then
        echo "== fuzz $target: regression inputs"
        cargo fuzz run "$target" regressions/"$target"/* >"$log" 2>&1 || {
            tail -50 "$log"
            echo "fuzz target $target fails a regression input" >&2
            exit 1
        }
    fi
    echo "== fuzz $target for ${seconds}s"
    status=0
    cargo fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        >"$log" 2>&1 || status=$?
    # libFuzzer is chatty: show the totals, and everything when it failed.
    if [ "$status" -ne 0 ]; then
        tail -50 "$log"
        echo "fuzz target $target failed (exit $status)" >&2
        exit 1
    fi
    grep -E "^Done [0-9]+ runs" "$log"
done
