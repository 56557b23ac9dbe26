"""Drives examples/terminal_login under a pseudo-terminal, as a person would.

Checks that Client::start asks for what is missing, takes a wrong code again, reads the
two-step password without echoing it, signs bots in by token, and that start_qr draws a
QR code whose link, accepted by another session, signs the client in.

With the `oxigram` binary as a second argument, also signs in with `oxigram login`
against `oxigram testdc` and checks the session file it leaves.

Usage: python3 terminal_login.py EXAMPLE_BINARY [OXIGRAM_BINARY]
Standard library only (pty), so it runs on any Unix with Python 3.
"""

import json
import os
import pty
import subprocess
import tempfile
import select
import sys
import termios
import time

TIMEOUT = 60.0
PASSWORD = "secret"


class Terminal:
    """A child process on a pseudo-terminal, read until expected text appears."""

    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(argv[0], argv)
        self.seen = ""
        self.pos = 0

    def expect(self, text):
        """Reads until `text` shows; returns everything read since the last expect."""
        deadline = time.monotonic() + TIMEOUT
        start = self.pos
        while text not in self.seen[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"timed out waiting for {text!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                fail(f"the program ended before {text!r}")
            self.seen += chunk.decode("utf-8", "replace")
        end = self.seen.index(text, start) + len(text)
        self.pos = end
        return self.seen[start:end]

    def wait_echo_off(self):
        """Waits until the terminal stops echoing (the program asks for a secret).

        Typing earlier would be echoed by the terminal itself, as for a person who
        types before the prompt is ready."""
        deadline = time.monotonic() + TIMEOUT
        while termios.tcgetattr(self.fd)[3] & termios.ECHO:
            if time.monotonic() > deadline:
                fail("the terminal still echoes at the password prompt")
            time.sleep(0.01)

    def send(self, line):
        os.write(self.fd, (line + "\n").encode())

    def wait(self):
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            fail(f"the program exited with {code}")

    def fail_context(self):
        return self.seen[-2000:]


current = None


def fail(why):
    context = current.fail_context() if current else ""
    sys.exit(f"terminal login: {why}\n--- terminal ---\n{context}")


def phone_code_and_password(binary):
    global current
    current = t = Terminal([binary])
    t.expect("Enter phone number or bot token: ")
    t.send("+999 662 1234")
    t.expect("Enter confirmation code: ")
    t.send("12345")
    t.expect("wrong")
    t.expect("Enter confirmation code: ")
    t.send("22222")
    t.expect("Enter password")
    t.wait_echo_off()
    t.send(PASSWORD)
    after = t.expect("Signed in as Alice")
    if PASSWORD in after:
        fail("the password was echoed")
    t.wait()
    print("terminal login: phone, a wrong code, the code, the password without echo: ok")


def bot_token(binary):
    global current
    current = t = Terminal([binary])
    t.expect("Enter phone number or bot token: ")
    t.send("123456:terminal")
    t.expect("Signed in as terminal (")
    t.wait()
    print("terminal login: bot token: ok")


def qr_code(binary):
    global current
    current = t = Terminal([binary, "--qr"])
    t.expect("Scan it, or open: ")
    link = t.expect("\n").strip()
    if not link.startswith("tg://login?token="):
        fail(f"not a login link: {link!r}")
    # A QR code of Unicode half blocks was drawn above the link.
    if "\u2580" not in t.seen and "\u2584" not in t.seen and "\u2588" not in t.seen:
        fail("no QR code was drawn")
    t.send(link)
    t.expect("Enter password")
    t.wait_echo_off()
    t.send(PASSWORD)
    after = t.expect("Signed in as Alice")
    if PASSWORD in after:
        fail("the password was echoed")
    t.wait()
    print("terminal login: QR code accepted by another session, then the password: ok")


def cli_login(cli):
    """`oxigram login` against `oxigram testdc`: phone and code, then a session file."""
    global current
    server = subprocess.Popen(
        [cli, "testdc", "--port", "0", "--user", "9996625151", "--json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory() as workdir:
            key = os.path.join(workdir, "server.pem")
            with open(key, "w") as f:
                f.write(info["public_key"])
            argv = [cli, "login", "--session", "me", "--workdir", workdir, "--api-id", "5",
                    "--api-hash", "cli", "--test-mode", "--server-key", key]
            for dc in info["dcs"]:
                argv += ["--dc", f"{dc['id']}={dc['address']}"]
            current = t = Terminal(argv)
            t.expect("Enter phone number or bot token: ")
            t.send("+9996625151")
            t.expect("Enter confirmation code: ")
            t.send("22222")
            t.expect("session saved in")
            t.wait()
            shown = subprocess.run([cli, "session", "show", "--json",
                                    os.path.join(workdir, "me.session")],
                                   capture_output=True, text=True, check=True)
            if json.loads(shown.stdout).get("user_id") is None:
                fail(f"the session file names no user: {shown.stdout}")
    finally:
        server.kill()
        server.wait()
    print("terminal login: oxigram login leaves a signed-in session file: ok")


def main():
    binary = os.path.abspath(sys.argv[1])
    phone_code_and_password(binary)
    bot_token(binary)
    qr_code(binary)
    if len(sys.argv) > 2:
        cli_login(os.path.abspath(sys.argv[2]))


if __name__ == "__main__":
    main()
