#!/usr/bin/env python3
"""Interop check: a real third-party client (Telethon) against oxigram-testdc.

Usage: telethon_check.py PATH/TO/oxigram-testdc [--debug]

Each step prints "step N: ... ok"; the first failure prints the step, the
exception and (for RPC errors) the Telegram method, then exits 1.
"""
import argparse
import asyncio
import hashlib
import io
import logging
import os
import queue
import struct
import subprocess
import sys
import threading
import traceback

import rsa
from telethon import TelegramClient, events
from telethon.crypto import rsa as telethon_rsa
from telethon.errors import RPCError
from telethon.sessions import MemorySession
from telethon.tl import types

BOT_TOKEN = '7000001:interop-token'
BOT_USERNAME = 'test1_bot'  # the server names bots test1_bot, test2_bot, ... in --bot order
USER_PHONE = '9996621234'   # 99966XYYYY lives on DC X ...
USER_CODE = '22222'         # ... and its code is X five times
USER_DC = 2
TIMEOUT = 20                # seconds; no single step may take longer
FILE_SIZE = 300 * 1024      # > 128 KiB so the upload and download span several parts

# Every RPC error any client saw, including the ones Telethon swallows
# internally: these name the methods the test DC still lacks.
rpc_errors = []


def method_name(request):
    """TL name of a Telethon request object, e.g. 'messages.sendMessage'."""
    cls = type(request)
    ns = cls.__module__.rsplit('.', 1)[-1]
    name = cls.__name__[:-len('Request')] if cls.__name__.endswith('Request') else cls.__name__
    name = name[:1].lower() + name[1:]
    return name if ns == 'functions' else f'{ns}.{name}'


class RecordingClient(TelegramClient):
    """TelegramClient that records RPC errors, even those handled inside Telethon."""

    def __init__(self, label, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label

    async def _call(self, sender, request, ordered=False, flood_sleep_threshold=None):
        try:
            return await super()._call(sender, request, ordered, flood_sleep_threshold)
        except RPCError as e:
            rpc_errors.append((self.label, method_name(e.request or request), e))
            raise


class StepFailed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise StepFailed(what)


# --- the server -------------------------------------------------------------

def start_server(binary, args=('--bot', BOT_TOKEN, '--user', USER_PHONE)):
    """Start the test DC with `args` (its accounts); return it and its banner lines."""
    proc = subprocess.Popen(
        [binary, '--seed', '1', *args],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    lines = queue.Queue()

    # A reader thread lets us time out on a silent server and keeps draining
    # stdout afterwards, so a chatty server never blocks on a full pipe.
    def pump():
        for line in proc.stdout:
            lines.put(line.rstrip('\n'))
        lines.put(None)
    threading.Thread(target=pump, daemon=True).start()

    banner = []
    while True:
        try:
            line = lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise StepFailed(f'server printed no "ready" within {TIMEOUT} s') from None
        if line is None:
            raise StepFailed(f'server exited before "ready" (code {proc.wait()})')
        if line == 'ready':
            break
        banner.append(line)
    return proc, banner


def parse_banner(banner):
    dcs, pem, fingerprint, in_pem = {}, [], None, False
    for line in banner:
        if line.startswith('-----BEGIN'):
            in_pem = True
        if in_pem:
            pem.append(line)
            in_pem = not line.startswith('-----END')
        elif line.startswith('dc '):
            _, dc_id, addr = line.split()
            host, port = addr.rsplit(':', 1)
            dcs[int(dc_id)] = (host, int(port))
        elif line.startswith('fingerprint '):
            fingerprint = line.split()[1]
    check(dcs, f'no "dc" lines in banner: {banner}')
    check(pem, f'no PEM key in banner: {banner}')
    check(fingerprint, f'no fingerprint in banner: {banner}')
    return dcs, '\n'.join(pem) + '\n', fingerprint


def tl_bytes(b):
    """TL 'bytes' encoding; the key fingerprint is defined over it."""
    head = bytes([len(b)]) if len(b) < 254 else b'\xfe' + len(b).to_bytes(3, 'little')
    body = head + b
    return body + b'\0' * (-len(body) % 4)


def fingerprint_of(key):
    # Computed independently of Telethon, so a server/Telethon disagreement
    # shows up here rather than as an opaque handshake failure.
    def big(n):
        return n.to_bytes((n.bit_length() + 7) // 8, 'big')
    digest = hashlib.sha1(tl_bytes(big(key.n)) + tl_bytes(big(key.e))).digest()
    return '%016x' % struct.unpack('<Q', digest[-8:])[0]


# --- clients ----------------------------------------------------------------

def make_client(label, dcs):
    session = MemorySession()
    host, port = dcs[USER_DC]
    session.set_dc(USER_DC, host, port)
    # Few retries and no reconnects: a broken server should fail a step fast,
    # not be papered over by Telethon's recovery logic.
    return RecordingClient(
        label, session, api_id=17349, api_hash='any',
        timeout=TIMEOUT // 2, request_retries=1, connection_retries=1,
        retry_delay=0, auto_reconnect=False,
        base_logger=f'telethon.{label}')


def inbox(client):
    """Queue of incoming NewMessage events of a client."""
    q = asyncio.Queue()

    async def on_message(event):
        q.put_nowait(event)
    client.add_event_handler(on_message, events.NewMessage(incoming=True))
    return q


async def next_message(q, who):
    try:
        return await asyncio.wait_for(q.get(), TIMEOUT)
    except asyncio.TimeoutError:
        raise StepFailed(f'{who} received no message within {TIMEOUT} s') from None


# --- the check --------------------------------------------------------------

async def run(dcs):
    ctx = {}
    bot = make_client('bot', dcs)
    user = make_client('user', dcs)
    bot_inbox, user_inbox = inbox(bot), inbox(user)

    async def bot_login():
        await bot.connect()
        await bot.sign_in(bot_token=BOT_TOKEN)
        me = await bot.get_me()
        check(me.bot, f'get_me() is not a bot: {me!r}')
        check(me.username == BOT_USERNAME, f'bot username {me.username!r} != {BOT_USERNAME!r}')
        ctx['bot_me'] = me

    async def user_login():
        await user.connect()
        sent = await user.send_code_request(USER_PHONE)
        me = await user.sign_in(USER_PHONE, USER_CODE, phone_code_hash=sent.phone_code_hash)
        check(isinstance(me, types.User), f'sign_in returned {me!r}')
        me = await user.get_me()
        check(not me.bot, f'user get_me() is a bot: {me!r}')
        check(me.first_name == 'Test', f'user first name {me.first_name!r} != "Test"')
        ctx['user_me'] = me

    async def resolve_bot():
        entity = await user.get_entity('@' + BOT_USERNAME)
        check(entity.id == ctx['bot_me'].id, f'resolved id {entity.id} != bot id {ctx["bot_me"].id}')
        ctx['bot_entity'] = entity

    async def start_to_bot():
        await user.send_message(ctx['bot_entity'], '/start')
        ev = await next_message(bot_inbox, 'bot')
        check(ev.raw_text == '/start', f'bot got {ev.raw_text!r}, expected "/start"')
        check(ev.sender_id == ctx['user_me'].id, f'/start came from {ev.sender_id}, not the user')
        # The bot knows the user only from this update: use what it carried.
        ctx['user_for_bot'] = await ev.get_input_sender()

    async def ping_to_user():
        await bot.send_message(ctx['user_for_bot'], 'ping')
        ev = await next_message(user_inbox, 'user')
        check(ev.raw_text == 'ping', f'user got {ev.raw_text!r}, expected "ping"')
        check(ev.sender_id == ctx['bot_me'].id, f'ping came from {ev.sender_id}, not the bot')
        ctx['ping_event'] = ev

    async def pong_to_bot():
        await ctx['ping_event'].respond('pong')
        ev = await next_message(bot_inbox, 'bot')
        check(ev.raw_text == 'pong', f'bot got {ev.raw_text!r}, expected "pong"')
        check(ev.sender_id == ctx['user_me'].id, f'pong came from {ev.sender_id}, not the user')

    async def file_roundtrip():
        data = os.urandom(FILE_SIZE)
        f = io.BytesIO(data)
        f.name = 'interop.bin'
        await bot.send_file(ctx['user_for_bot'], f, force_document=True)
        ev = await next_message(user_inbox, 'user')
        doc = ev.message.document
        check(doc is not None, f'user got a message without a document: {ev.message!r}')
        check(doc.size == len(data), f'document size {doc.size} != {len(data)}')
        got = await user.download_media(ev.message, file=bytes)
        check(got == data, f'downloaded {len(got or b"")} bytes differ from the {len(data)} sent')

    async def photo_roundtrip():
        # The test DC stores photos as uploaded (it does not decode or scale them), so
        # any bytes named .jpg go up as a photo and must come back the same.
        data = os.urandom(64 * 1024)
        f = io.BytesIO(data)
        f.name = 'interop.jpg'
        await user.send_file(ctx['bot_entity'], f)
        ev = await next_message(bot_inbox, 'bot')
        check(ev.message.photo is not None, f'bot got a message without a photo: {ev.message!r}')
        got = await bot.download_media(ev.message, file=bytes)
        check(got == data, f'downloaded {len(got or b"")} photo bytes differ from the {len(data)} sent')

    steps = [
        ('bot signs in with its token; get_me is test1_bot', bot_login),
        ('user signs in with phone and code', user_login),
        ('user resolves @' + BOT_USERNAME, resolve_bot),
        ('user sends "/start"; bot receives it', start_to_bot),
        ('bot sends "ping"; user receives it', ping_to_user),
        ('user replies "pong"; bot receives it', pong_to_bot),
        (f'bot sends a {FILE_SIZE}-byte document; user downloads identical bytes', file_roundtrip),
        ('user sends a photo; bot downloads identical bytes', photo_roundtrip),
    ]
    try:
        for n, (name, fn) in enumerate(steps, start=3):
            await run_step(n, name, fn)
    finally:
        for c in (bot, user):
            try:
                await asyncio.wait_for(c.disconnect(), 5)
            except Exception:
                pass  # the server is about to be killed anyway


async def run_step(n, name, fn):
    print(f'step {n}: {name} ...', flush=True)
    try:
        await asyncio.wait_for(fn(), TIMEOUT)
    except asyncio.TimeoutError:
        raise StepFailed(f'step {n} ({name}) timed out after {TIMEOUT} s') from None
    except Exception as e:
        raise StepFailed(f'step {n} ({name}) failed: {describe(e)}') from e
    print(f'step {n}: {name} ok', flush=True)


def describe(e):
    if isinstance(e, RPCError) and e.request is not None:
        # Telethon maps known errors to classes (AUTH_KEY_UNREGISTERED ->
        # AuthKeyUnregisteredError) whose .message is only the generic one.
        return f'{type(e).__name__} ({e.code} {e.message}) in {method_name(e.request)}'
    return f'{type(e).__name__}: {e}'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('binary', help='path to oxigram-testdc')
    ap.add_argument('--debug', action='store_true', help="show Telethon's debug log")
    args = ap.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format='%(levelname)s %(name)s: %(message)s')

    proc = None
    try:
        print('step 1: start the test DC ...', flush=True)
        proc, banner = start_server(args.binary)
        dcs, pem, fingerprint = parse_banner(banner)
        check(USER_DC in dcs, f'no DC {USER_DC} in {dcs}')
        print(f'step 1: start the test DC ok ({dcs})', flush=True)

        print('step 2: trust the server key ...', flush=True)
        key = rsa.PublicKey.load_pkcs1(pem.encode())
        check(fingerprint_of(key) == fingerprint,
              f'server says fingerprint {fingerprint}, key hashes to {fingerprint_of(key)}')
        telethon_rsa.add_key(pem, old=False)
        print('step 2: trust the server key ok', flush=True)

        asyncio.run(run(dcs))
    except Exception as e:
        if isinstance(e, StepFailed):
            print(f'FAILED: {e}', flush=True)
            if e.__cause__ is not None:
                traceback.print_exception(e.__cause__)
        else:
            print(f'FAILED: {describe(e)}', flush=True)
            traceback.print_exc()
        report_rpc_errors()
        sys.exit(1)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    report_rpc_errors()
    print('telethon interop: ok', flush=True)


def report_rpc_errors():
    # Listed even on success: a METHOD_NOT_IMPLEMENTED_IN_TEST_DC that Telethon
    # swallowed still names a method the server lacks. (Two 401s per client
    # from users.getUsers are normal: Telethon probes before signing in.)
    for label, method, e in rpc_errors:
        print(f'rpc error ({label}): {method}: {type(e).__name__} ({e.code} {e.message})', flush=True)


if __name__ == '__main__':
    main()
