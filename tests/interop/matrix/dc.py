"""The test DC process for the interop matrix's Python clients: started with the flow's
accounts, its banner read, its report of what the client asked for printed at the end."""
import queue
import subprocess
import threading

BOT_TOKEN = '7000001:matrix-token'
BOT_USERNAME = 'test1_bot'  # the server names bots test1_bot, test2_bot, ... in --bot order
USER_PHONE = '9996621234'   # 99966XYYYY lives on DC X ...
USER_CODE = '22222'         # ... and its code is X five times
USER_DC = 2
TIMEOUT = 20                # seconds; no single step may take longer
FILE_SIZE = 300 * 1024      # several parts up and down
STEPS = [line.split('\t')[0]
         for line in open(__file__.rsplit('/', 1)[0] + '/steps.txt', encoding='utf-8')
         if line.strip() and not line.startswith('#')]


class TestDc:
    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, '--seed', '1', '--bot', BOT_TOKEN, '--user', USER_PHONE],
            stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
        self.lines = queue.Queue()

        # Drains stdout on a thread of its own, so a chatty server never blocks.
        def pump():
            for line in self.proc.stdout:
                self.lines.put(line.rstrip('\n'))
            self.lines.put(None)
        threading.Thread(target=pump, daemon=True).start()
        self.dcs, pem, self.fingerprint = {}, [], None
        while True:
            line = self.next_line()
            if line == 'ready':
                break
            if line.startswith('-----BEGIN') or (pem and not pem[-1].startswith('-----END')):
                pem.append(line)
            elif line.startswith('fingerprint '):
                self.fingerprint = line.split()[1]
            elif line.startswith('dc '):
                _, dc_id, address = line.split()
                host, port = address.rsplit(':', 1)
                self.dcs[int(dc_id)] = (host, int(port))
        self.pem = '\n'.join(pem) + '\n'

    def next_line(self):
        try:
            line = self.lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise RuntimeError(f'the test DC said nothing for {TIMEOUT} s') from None
        if line is None:
            raise RuntimeError(f'the test DC ended (code {self.proc.wait()})')
        return line

    def report(self):
        """The test DC's `report` lines: layers announced, methods not implemented."""
        self.proc.stdin.write('report\n')
        self.proc.stdin.flush()
        out = []
        while (line := self.next_line()) != 'report end':
            out.append(line)
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Steps:
    """Runs the flow's steps in order, printing `step ID ok` or `step ID FAIL why`; a
    failed step skips the rest (each needs the one before)."""

    def __init__(self):
        self.failed = False
        self.done = []

    async def run(self, step, body):
        import asyncio
        import traceback
        if step not in STEPS:
            raise ValueError(f'{step} is not a step of steps.txt')
        if self.failed:
            print(f'step {step} FAIL an earlier step failed', flush=True)
            return
        try:
            await asyncio.wait_for(body(), TIMEOUT)
            print(f'step {step} ok', flush=True)
        except asyncio.TimeoutError:
            self.failed = True
            print(f'step {step} FAIL timed out after {TIMEOUT} s', flush=True)
        except Exception as e:  # the step's failure is the report
            self.failed = True
            print(f'step {step} FAIL {type(e).__name__}: {e}', flush=True)
            traceback.print_exc()
        self.done.append(step)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def run_client(label, flow):
    """A client script's whole run: prints `client LABEL` (name, version, `layer N`),
    starts the test DC, runs `flow(dc, steps)`, prints the test DC's report, and exits
    with 1 if a step failed."""
    import asyncio
    import sys
    if len(sys.argv) != 2:
        sys.exit(f'usage: {sys.argv[0]} PATH/TO/oxigram-testdc')
    print(f'client {label}', flush=True)
    dc = TestDc(sys.argv[1])
    steps = Steps()
    try:
        asyncio.run(flow(dc, steps))
        for line in dc.report():
            print(line, flush=True)
    finally:
        dc.stop()
    sys.exit(1 if steps.failed else 0)
