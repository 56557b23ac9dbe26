#!/usr/bin/env python3
"""Writes what an older layer's API schema has that a newer one does not.

Usage: derive.py BASE_API_TL OLDER_API_TL > LAYER.tl

BASE_API_TL is the schema of the next newer layer the test DC keeps (for the newest
kept, ours: schema/tl/api.tl); OLDER_API_TL a published schema file of the older layer
(with its `// LAYER N` line). The output keeps, word for word, each definition of the
older layer that the base lacks or writes differently (the older one replaces the
base's of the same name), and names the base's definitions the older layer does not
have at all. The test DC rebuilds each older schema from the newest through this chain
of files (tests/testdc/src/layers.rs), so that it can answer a client in the layer it
announced. check.sh runs this for every layer of sources.txt.
"""
import re
import sys


UNIVERSAL = {'boolFalse', 'boolTrue', 'true', 'vector', 'error', 'null'}


def definitions(path):
    """(layer, {(section, name): line}) of a schema file, in file order."""
    layer = None
    section = 'types'
    found = {}
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            match = re.match(r'^//\s*LAYER\s+(\d+)', line)
            if match:
                layer = int(match.group(1))
                continue
            if line.startswith('//') or not line:
                continue
            if line == '---functions---':
                section = 'functions'
                continue
            if line == '---types---':
                section = 'types'
                continue
            line = ' '.join(line.split())
            name = re.split(r'[#\s]', line, maxsplit=1)[0]
            found[(section, name)] = line
    return layer, found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base_layer, ours = definitions(sys.argv[1])
    layer, older = definitions(sys.argv[2])
    if layer is None:
        sys.exit(f'{sys.argv[2]} names no layer (// LAYER N)')
    out = [f'// LAYER {layer}',
           f'// What layer {layer} defines differently from layer {base_layer}, and what it lacks;',
           '// written by tests/testdc/layers/derive.py from a published schema.']
    for section in ('types', 'functions'):
        # Some published files leave out the universal definitions (`boolTrue`,
        # `vector`, ...) that every layer has: they are never absent.
        absent = [name for (s, name) in ours
                  if s == section and (s, name) not in older and name not in UNIVERSAL]
        out.append(f'// absent {section}: ' + ' '.join(absent))
    for section in ('types', 'functions'):
        if section == 'functions':
            out.append('---functions---')
        for (s, name), line in older.items():
            if s == section and ours.get((s, name)) != line:
                out.append(line)
    print('\n'.join(out))


if __name__ == '__main__':
    main()
