#!/usr/bin/env bash
# The interop matrix: independent clients run the same flow (steps.txt) against the test
# DC, each in the layer it was built for, and one table sums them up. Pinned clients:
# Telethon 1.45 and kurigram (a Pyrogram fork) from tests/interop/requirements.txt, an
# older Telethon from telethon-old.txt in a venv of its own, GramJS from package.json
# (package-lock.json). Fails if any client misses a step, or asks for a method the test
# DC does not implement.
#
# Usage: tests/interop/matrix/run.sh PATH/TO/oxigram-testdc
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
here=tests/interop/matrix
testdc="$(realpath "${1:?usage: run.sh PATH/TO/oxigram-testdc}")"
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"
old_venv="${OXIGRAM_INTEROP_OLD_VENV:-target/interop-venv-old}"
npm_dir="${OXIGRAM_INTEROP_NPM:-target/interop-npm}"

for v in "$venv" "$old_venv"; do
    [ -x "$v/bin/python" ] || python3 -m venv "$v"
done
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
"$old_venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/telethon-old.txt"
mkdir -p "$npm_dir"
cp "$here/package.json" "$here/package-lock.json" "$npm_dir/"
(cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
run() {
    local name="$1"
    shift
    echo "-- $name"
    if ! "$@" "$testdc" > "$out/$name.txt" 2> "$out/$name.err"; then
        status=1
        cat "$out/$name.txt" "$out/$name.err"
    fi
}
run telethon "$venv/bin/python" "$here/telethon_flow.py"
run telethon-old "$old_venv/bin/python" "$here/telethon_flow.py"
run pyrogram "$venv/bin/python" "$here/pyrogram_flow.py"
NODE_PATH="$(realpath "$npm_dir")/node_modules" run gramjs node "$here/gramjs_flow.js"
python3 "$here/summary.py" "$here/steps.txt" \
    "$out/telethon.txt" "$out/telethon-old.txt" "$out/pyrogram.txt" "$out/gramjs.txt" \
    || status=1
exit "$status"
