#!/usr/bin/env python3
"""Sums up the interop matrix: one column per client, one row per step of steps.txt, and
the methods any client asked for that the test DC does not implement.

Usage: summary.py STEPS_TXT CLIENT_OUTPUT...   (exit status 1 if anything is missing)
"""
import sys


def read(path):
    client, layer, steps, unimplemented = path, '?', {}, []
    with open(path, encoding='utf-8') as f:
        for line in f:
            words = line.split()
            if line.startswith('client '):
                client = ' '.join(words[1:-2])
                layer = words[-1]
            elif line.startswith('step ') and len(words) >= 3:
                steps[words[1]] = words[2]
            elif line.startswith('unimplemented ') and len(words) == 3:
                unimplemented.append((words[1], words[2]))
    return client, layer, steps, unimplemented


def main():
    expected = [line.split('\t')[0] for line in open(sys.argv[1], encoding='utf-8')
                if line.strip() and not line.startswith('#')]
    clients = [read(path) for path in sys.argv[2:]]
    width = max(18, *(len(c[0]) + 2 for c in clients))
    print('interop matrix: every client runs tests/interop/matrix/steps.txt against the test DC')
    print(f'{"":14}' + ''.join(f'{c[0]:<{width}}' for c in clients))
    print(f'{"layer":14}' + ''.join(f'{c[1]:<{width}}' for c in clients))
    ok = True
    for step in expected:
        row = [c[2].get(step, 'missing') for c in clients]
        ok &= all(r == 'ok' for r in row)
        print(f'{step:14}' + ''.join(f'{r:<{width}}' for r in row))
    asked = [(c[0], method, n) for c in clients for method, n in c[3]]
    if asked:
        ok = False
        print('methods the test DC does not implement, asked for by:')
        for client, method, n in asked:
            print(f'  {client}: {method} ({n} calls)')
    else:
        print('methods the test DC does not implement, asked for by any client: none')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
