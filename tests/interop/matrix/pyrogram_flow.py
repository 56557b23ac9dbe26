#!/usr/bin/env python3
"""The interop matrix's flow (steps.txt) with Pyrogram (the kurigram fork of the venv).

Usage: pyrogram_flow.py PATH/TO/oxigram-testdc
"""
import asyncio
import io
import os

import pyrogram
from pyrogram import Client, filters, handlers
from pyrogram.connection import Connection
from pyrogram.crypto import rsa as pyrogram_rsa
from pyrogram.raw.all import layer as LAYER

from dc import (BOT_TOKEN, BOT_USERNAME, FILE_SIZE, TIMEOUT, USER_CODE, USER_PHONE, check,
                run_client)


def trust(dc):
    """Pyrogram looks keys up by the fingerprint as a signed 64-bit integer."""
    import rsa
    key = rsa.PublicKey.load_pkcs1(dc.pem.encode())
    signed = int(dc.fingerprint, 16)
    signed -= (1 << 64) if signed >= (1 << 63) else 0
    pyrogram_rsa.server_public_keys[signed] = pyrogram_rsa.PublicKey(key.n, key.e)


def make_client(name, dcs):
    class TestDcConnection(Connection):
        """Reaches the test DC's DC N wherever Pyrogram thinks DC N is."""

        def __init__(self, dc_id, server_address, port, *args, **kwargs):
            host, test_port = dcs[dc_id]
            super().__init__(dc_id, host, test_port, *args, **kwargs)
    return Client(name, api_id=17349, api_hash='any', test_mode=True, in_memory=True,
                  connection_factory=TestDcConnection)


def queue_of(client, handler, *args):
    q = asyncio.Queue()

    async def put(_client, item):
        q.put_nowait(item)
    client.add_handler(handler(put, *args))
    return q


async def next_of(q):
    return await asyncio.wait_for(q.get(), TIMEOUT)


async def flow(dc, steps):
    trust(dc)
    bot, user = make_client('bot', dc.dcs), make_client('user', dc.dcs)
    bot_inbox = queue_of(bot, handlers.MessageHandler, filters.incoming)
    user_inbox = queue_of(user, handlers.MessageHandler, filters.incoming)
    user_edits = queue_of(user, handlers.EditedMessageHandler)
    user_deletions = queue_of(user, handlers.DeletedMessagesHandler)
    ctx = {}

    async def bot_sign_in():
        await bot.connect()
        await bot.sign_in_bot(BOT_TOKEN)
        await bot.initialize()
        me = await bot.get_me()
        check(me.is_bot and me.username == BOT_USERNAME, f'get_me is {me!r}')
        ctx['bot'] = me

    async def user_sign_in():
        await user.connect()
        sent = await user.send_code(USER_PHONE)
        await user.sign_in(USER_PHONE, sent.phone_code_hash, USER_CODE)
        await user.initialize()
        me = await user.get_me()
        check(not me.is_bot and me.first_name == 'Test', f'get_me is {me!r}')
        ctx['user'] = me

    async def user_to_bot():
        await user.send_message(BOT_USERNAME, '/start')
        message = await next_of(bot_inbox)
        check(message.text == '/start', f'the bot got {message.text!r}')
        check(message.from_user.id == ctx['user'].id, f'from {message.from_user.id}')

    async def bot_to_user():
        sent = await bot.send_message(ctx['user'].id, 'hello')
        message = await next_of(user_inbox)
        check(message.text == 'hello', f'the user got {message.text!r}')
        check(message.from_user.id == ctx['bot'].id, f'from {message.from_user.id}')
        ctx['sent'], ctx['received'] = sent, message

    async def file():
        data = os.urandom(FILE_SIZE)
        f = io.BytesIO(data)
        f.name = 'matrix.bin'
        await user.send_document(BOT_USERNAME, f, force_document=True)
        message = await next_of(bot_inbox)
        check(message.document is not None, f'no document in {message!r}')
        got = await bot.download_media(message, in_memory=True)
        got = bytes(got.getbuffer())
        check(got == data, f'{len(got)} bytes came back for {len(data)}')

    async def edit():
        await bot.edit_message_text(ctx['user'].id, ctx['sent'].id, 'hello, edited')
        message = await next_of(user_edits)
        check(message.text == 'hello, edited', f'the user saw {message.text!r}')
        check(message.id == ctx['received'].id, f'edit of {message.id}')

    async def delete():
        await bot.delete_messages(ctx['user'].id, ctx['sent'].id, revoke=True)
        messages = await next_of(user_deletions)
        ids = [m.id for m in messages]
        check(ctx['received'].id in ids, f'deleted {ids}')

    for step in (bot_sign_in, user_sign_in, user_to_bot, bot_to_user, file, edit, delete):
        await steps.run(step.__name__, step)
    for client in (bot, user):
        if client.is_initialized:
            await client.terminate()
        if client.is_connected:
            await client.disconnect()


def main():
    # The fork's module is `pyrogram`; its version is kurigram's.
    run_client(f'kurigram {pyrogram.__version__} layer {LAYER}', flow)


if __name__ == '__main__':
    main()
