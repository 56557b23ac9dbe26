#!/usr/bin/env python3
"""Print how many times faster oxigram is than each peer, from one criterion run.

Reads target/criterion/<group>/<function>/new/estimates.json (the run just made) and
divides the peer's mean time by ours for every "<op>/oxigram*" vs "<op>/<peer>" pair.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent / "target" / "criterion"
groups = sys.argv[1:] or sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "report")
for group in groups:
    times = {}
    for est in (root / group).glob("*/new/estimates.json"):
        name = est.parent.parent.name.replace("_", "/", 1)
        times[name] = json.loads(est.read_text())["mean"]["point_estimate"]
    ops = sorted({n.split("/")[0] for n in times})
    for op in ops:
        ours = {n: t for n, t in times.items() if n.startswith(op + "/oxigram")}
        peers = {n: t for n, t in times.items() if n.startswith(op + "/") and n not in ours}
        for o, ot in sorted(ours.items()):
            for p, pt in sorted(peers.items()):
                print(f"{group} {op}: {o.split('/')[1]} {ot / 1e3:9.1f} µs, "
                      f"{p.split('/')[1]} {pt / 1e3:9.1f} µs -> {pt / ot:4.2f}x")
