#!/usr/bin/env bash
# Updates per second a busy bot's handlers get through the PostgreSQL update queue with
# 1, 2 and 4 worker processes, beside one process handling them all itself (no queue),
# in one run on this machine: tests/postgres_queue.rs in release, 50,000 messages from
# 50 users each time, against a throwaway PostgreSQL server on loopback (or the one
# OXIGRAM_TEST_POSTGRES names). Prints each rate and its ratio to the single process.
#
#   benches/postgres_queue.sh [MESSAGES]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
messages="${1:-50000}"

if [ -z "${OXIGRAM_TEST_POSTGRES:-}" ]; then
    pgdir=$(mktemp -d /tmp/oxigram-pg.XXXXXX)
    trap 'tests/postgres/stop.sh "$pgdir" || echo "warning: the server in $pgdir did not stop" >&2; rm -rf "$pgdir"' EXIT
    OXIGRAM_TEST_POSTGRES=$(tests/postgres/start.sh "$pgdir")
    export OXIGRAM_TEST_POSTGRES
fi

cargo build --quiet --release --test postgres_queue
binary=$(ls -t target/release/deps/postgres_queue-* | grep -v '\.d$' | head -n 1)

rate() {
    OXIGRAM_QUEUE_MESSAGES="$messages" OXIGRAM_QUEUE_WORKERS="$1" "$binary" \
        | sed -n 's/.*(\([0-9]*\) per second.*/\1/p'
}

alone=$(rate 0)
echo "one process, no queue: $alone updates/s"
for workers in 1 2 4; do
    r=$(rate "$workers")
    ratio=$(python3 -c "print(f'{$r / $alone:.2f}')")
    echo "queue, $workers workers: $r updates/s ($ratio x the single process)"
done
