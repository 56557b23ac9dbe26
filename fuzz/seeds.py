#!/usr/bin/env python3
"""Seed corpora for the fuzz targets from the shared protocol vectors.

Usage: fuzz/seeds.py VECTORS_DIR

Writes fuzz/corpus/<target>/seed-* in each target's input format, so that the fuzzers
start from real protocol messages instead of from nothing: the recorded key exchange's
server answers (handshake_client), the transport frames of every framing, server side
behind its tag (transport_decode), and real decrypted server messages, a pong and a
container (session). libFuzzer keeps what it finds beside them.
"""
import json
import pathlib
import struct
import sys

root = pathlib.Path(__file__).resolve().parent / 'corpus'


def write(target, name, data):
    folder = root / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f'seed-{name}').write_bytes(data)


def main(vectors):
    vectors = pathlib.Path(vectors)
    flow = json.loads((vectors / 'auth_flow_grammers_test_dc.json').read_text())['vector']
    answers = b''
    for step in ('step1_response', 'step2_response', 'step3_response'):
        body = bytes.fromhex(flow[step])
        answers += struct.pack('<H', len(body)) + body
    write('handshake_client', 'auth-flow', answers)

    transports = json.loads((vectors / 'transport_vectors.json').read_text())['transports']
    kinds = {'abridged': 0, 'intermediate': 1, 'padded_intermediate': 2, 'full': 3}
    for name, kind in kinds.items():
        t = transports[name]
        init = b'' if t['init'].startswith('(') else bytes.fromhex(t['init'])
        for key, value in t.items():
            if not key.startswith('frame') or not isinstance(value, str):
                continue
            frame = bytes.fromhex(value)
            # The first byte picks the framing and side; its top bits the piece size.
            write('transport_decode', f'{name}-{key}-client', bytes([kind]) + frame)
            write('transport_decode', f'{name}-{key}-server', bytes([kind | 4 | 0x30]) + init + frame)

    messages = json.loads((vectors / 'mtproto2_message_vectors.json').read_text())
    plaintexts = [
        messages['derived_from_official_sample']['server_to_client']['plaintext'],
        messages['grammers_vectors']['decrypt_server']['plaintext'],
    ]
    for i, hex_text in enumerate(plaintexts):
        plain = bytes.fromhex(hex_text)
        msg_id, seq_no, length = struct.unpack_from('<qiI', plain, 16)
        body = plain[32:32 + length]
        # Role byte 0 (client), then one record: flags, msg_id, seq_no, length, body.
        record = bytes([0]) + struct.pack('<qiH', msg_id, seq_no, len(body)) + body
        write('session', f'server-message-{i}', bytes([0]) + record)


if __name__ == '__main__':
    main(sys.argv[1])
