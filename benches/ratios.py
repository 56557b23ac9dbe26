#!/usr/bin/env python3
"""Print oxigram's speed as ratios against peers and limits measured in the same run.

Reads the criterion results just written under target/criterion (each benchmark's
new/benchmark.json and new/estimates.json). Within a group, every "<op>/oxigram*" result
is compared with every other "<op>/<peer>" result of the same input size. With
--openssl FILE (the output of `openssl speed -evp ... -bytes 1048576`), the AES results are
also compared with OpenSSL's rates. Handshake CPU is printed against its two
exponentiations.
"""
import argparse
import json
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent / "target" / "criterion"


def results():
    out = {}
    for bench in root.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        mean = json.loads((bench.parent / "estimates.json").read_text())["mean"]["point_estimate"]
        op, _, who = meta["function_id"].partition("/")
        out[(meta["group_id"], op, meta["value_str"], who)] = (mean, meta.get("throughput"))
    return out


def openssl_rates(path):
    """MB/s per cipher from `openssl speed` output (its numbers are 1000s of bytes/s)."""
    rates = {}
    for line in pathlib.Path(path).read_text().splitlines():
        m = re.match(r"^(AES-256-\w+)\s+([\d.]+)k\s*$", line.strip())
        if m:
            rates[m.group(1)] = float(m.group(2)) * 1000
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--openssl", help="output of openssl speed for aes-256-cbc and aes-256-ctr")
    parser.add_argument("groups", nargs="*")
    args = parser.parse_args()
    res = results()
    groups = args.groups or sorted({k[0] for k in res})
    for group in groups:
        keys = [k for k in res if k[0] == group]
        for (g, op, size, who) in sorted(keys):
            if not who.startswith("oxigram"):
                continue
            ours, _ = res[(g, op, size, who)]
            for (g2, op2, size2, peer) in sorted(keys):
                if op2 == op and size2 == size and not peer.startswith("oxigram"):
                    theirs, _ = res[(g2, op2, size2, peer)]
                    label = f"{group} {op}" + (f" {size}" if size else "")
                    print(f"{label}: {who} {ours / 1e3:10.1f} µs, {peer} {theirs / 1e3:10.1f} µs"
                          f" -> {theirs / ours:4.2f}x")
    if "handshake" in groups:
        whole = res.get(("handshake", "client-whole", None, ""))
        exps = res.get(("handshake", "two-exponentiations", None, ""))
        if whole and exps:
            print(f"handshake: client whole {whole[0] / 1e6:.2f} ms, two exponentiations "
                  f"{exps[0] / 1e6:.2f} ms -> {whole[0] / exps[0] - 1:+.1%} above them")
    if "session_round_trip" in groups:
        for size in ("small", "1KiB", "64KiB"):
            ours = res.get(("session_round_trip", "connection", size, "oxigram"))
            crypto = res.get(("session_round_trip", "crypto-only", size, "limit"))
            if ours and crypto:
                print(f"session_round_trip {size}: connection {ours[0] / 1e3:9.1f} µs, crypto of the "
                      f"same bytes {crypto[0] / 1e3:9.1f} µs -> {ours[0] / crypto[0] - 1:+.1%} above it")
    if args.openssl:
        rates = openssl_rates(args.openssl)
        for op, cipher in [("ige-encrypt", "AES-256-CBC"), ("ige-decrypt", "AES-256-CBC"),
                           ("ctr", "AES-256-CTR"), ("ctr-portable", "AES-256-CTR")]:
            ours = res.get(("aes_1mib", op, None, "oxigram"))
            if ours and cipher in rates:
                mean, tp = ours
                rate = tp["Bytes"] / (mean / 1e9)
                print(f"aes_1mib {op}: oxigram {rate / 1e6:7.0f} MB/s, openssl {cipher} encrypt "
                      f"{rates[cipher] / 1e6:7.0f} MB/s -> {rate / rates[cipher]:4.2f}x")


main()
