#!/usr/bin/env bash
# Checks the older layers the test DC keeps against the schemas they came from: fetches
# each pinned sdist of sources.txt (PyPI), takes its main_api.tl, checks that derive.py
# still writes the committed N.tl from it, and runs the test that compares every kept
# layer, rebuilt, with its published file definition by definition.
#
# Usage: tests/testdc/layers/check.sh [--write]   (--write rewrites the N.tl files)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
here=tests/testdc/layers
venv="${OXIGRAM_INTEROP_VENV:-target/interop-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
layers=()
while read -r layer package; do
    case "$layer" in ''|'#'*) continue ;; esac
    layers+=("$layer")
    "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
        --no-binary :all: --dest "$work/sdist" "$package"
    name="${package%%==*}-${package##*==}"
    tar -xzf "$work/sdist/$name.tar.gz" -C "$work" "$name/compiler/api/source/main_api.tl"
    mv "$work/$name/compiler/api/source/main_api.tl" "$work/$layer.tl"
    found="$(grep -m1 -o 'LAYER [0-9]*' "$work/$layer.tl" | cut -d' ' -f2)"
    if [ "$found" != "$layer" ]; then
        echo "$package holds layer $found, not $layer" >&2
        exit 1
    fi
done < "$here/sources.txt"
status=0
for i in "${!layers[@]}"; do
    layer="${layers[$i]}"
    next="${layers[$((i + 1))]:-}"
    base="$work/$next.tl"
    [ -n "$next" ] || base=schema/tl/api.tl
    if [ "${1:-}" = --write ]; then
        python3 "$here/derive.py" "$base" "$work/$layer.tl" > "$here/$layer.tl"
    elif ! python3 "$here/derive.py" "$base" "$work/$layer.tl" | cmp -s - "$here/$layer.tl"; then
        echo "$here/$layer.tl is not what derive.py writes from its sources" >&2
        status=1
    fi
done
OXIGRAM_LAYER_SOURCES="$work" cargo test --quiet -p oxigram-testdc --lib \
    layers::published -- --include-ignored
exit $status
