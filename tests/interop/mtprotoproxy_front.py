"""Runs PyPI's mtprotoproxy (pinned in requirements.txt) on 127.0.0.1 in front of one test DC.

Usage: mtprotoproxy_front.py DC_PORT SECRET_HEX [TLS_DOMAIN]

mtprotoproxy is a script with Telegram's DC addresses built in, and at start it asks
web services for the machine's public address. This runs the unmodified module with
those few settings replaced from outside: every DC it knows is 127.0.0.1:DC_PORT, the
public-address lookup and the masking host (which would reach the internet) are off,
and it listens on a port the system picks, printed as "listening on PORT". Its own
server loop uses an asyncio argument newer Pythons removed, so the listener is opened
here with the module's connection handler; its users' secrets are 16-byte keys, and it
takes plain, `dd` and (for its TLS domain) `ee` connections for each.
"""

import asyncio
import importlib.util
import os
import sys
import tempfile


def load_module():
    # pip installs it as a script beside the venv's python.
    path = os.path.join(os.path.dirname(sys.executable), "mtprotoproxy.py")
    spec = importlib.util.spec_from_file_location("mtprotoproxy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def serve(mtp):
    server = await asyncio.start_server(
        mtp.handle_client_wrapper, "127.0.0.1", 0, limit=mtp.get_to_tg_bufsize()
    )
    print("listening on %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main():
    dc_port, secret = int(sys.argv[1]), sys.argv[2]
    domain = sys.argv[3] if len(sys.argv) > 3 else None
    settings = [
        "PORT = 0",
        "USERS = {'tester': %r}" % secret,
        "USE_MIDDLE_PROXY = False",
        "PREFER_IPV6 = False",
        "MASK = False",
        "GET_TIME_PERIOD = 0",
        "LISTEN_ADDR_IPV6 = ''",
        "STATS_PRINT_PERIOD = 3600",
    ]
    if domain:
        settings.append("TLS_DOMAIN = %r" % domain)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write("\n".join(settings) + "\n")
        config_path = f.name
    # Its connection teardown names an alias newer Pythons dropped from asyncio.streams;
    # without it every closed connection prints a traceback.
    if not hasattr(asyncio.streams, "IncompleteReadError"):
        asyncio.streams.IncompleteReadError = asyncio.IncompleteReadError
    mtp = load_module()
    sys.argv = [sys.argv[0], config_path]
    mtp.init_config()
    os.unlink(config_path)
    mtp.TG_DATACENTERS_V4 = ["127.0.0.1"] * len(mtp.TG_DATACENTERS_V4)
    mtp.TG_DATACENTER_PORT = dc_port
    mtp.my_ip_info = {"ipv4": None, "ipv6": None}
    mtp.init_stats()
    asyncio.run(serve(mtp))


if __name__ == "__main__":
    main()
