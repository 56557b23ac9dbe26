// The interop matrix's flow (steps.txt) with GramJS (npm `telegram`, pinned in
// package.json).
//
// Usage: node gramjs_flow.js PATH/TO/oxigram-testdc
"use strict";

const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const readline = require("readline");

const { TelegramClient, Api } = require("telegram");
const { MemorySession } = require("telegram/sessions");
const { NewMessage } = require("telegram/events");
const { EditedMessage } = require("telegram/events/EditedMessage");
const { DeletedMessage } = require("telegram/events/DeletedMessage");
const { CustomFile } = require("telegram/client/uploads");
const { ConnectionTCPFull } = require("telegram/network");
const { LAYER } = require("telegram/tl/AllTLObjects");
const RSA = require("telegram/crypto/RSA");
const bigInt = require("big-integer");

const BOT_TOKEN = "7000001:matrix-token";
const BOT_USERNAME = "test1_bot";
const USER_PHONE = "9996621234";
const USER_CODE = "22222";
const USER_DC = 2;
const TIMEOUT = 20_000;
const FILE_SIZE = 300 * 1024;
const STEPS = fs
  .readFileSync(path.join(__dirname, "steps.txt"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"))
  .map((l) => l.split("\t")[0]);

/** The test DC process, its banner read line by line. */
class TestDc {
  constructor(binary) {
    this.proc = spawn(binary, ["--seed", "1", "--bot", BOT_TOKEN, "--user", USER_PHONE], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.waiting = [];
    this.lines = [];
    readline.createInterface({ input: this.proc.stdout }).on("line", (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.lines.push(line);
    });
  }

  nextLine() {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    return within(new Promise((resolve) => this.waiting.push(resolve)), "the test DC's output");
  }

  async banner() {
    this.dcs = {};
    const pem = [];
    for (;;) {
      const line = await this.nextLine();
      if (line === "ready") break;
      if (line.startsWith("-----BEGIN") || (pem.length && !pem[pem.length - 1].startsWith("-----END"))) {
        pem.push(line);
      } else if (line.startsWith("fingerprint ")) {
        this.fingerprint = line.split(" ")[1];
      } else if (line.startsWith("dc ")) {
        const [, id, address] = line.split(" ");
        const at = address.lastIndexOf(":");
        this.dcs[Number(id)] = [address.slice(0, at), Number(address.slice(at + 1))];
      }
    }
    this.pem = pem.join("\n") + "\n";
  }

  async report() {
    this.proc.stdin.write("report\n");
    const out = [];
    for (let line = await this.nextLine(); line !== "report end"; line = await this.nextLine()) {
      out.push(line);
    }
    return out;
  }

  stop() {
    this.proc.kill("SIGKILL");
  }
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing from ${what} within ${TIMEOUT} ms`)), TIMEOUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

/** GramJS looks keys up by the fingerprint as a signed 64-bit decimal. */
function trust(dc) {
  const jwk = crypto.createPublicKey(dc.pem).export({ format: "jwk" });
  const n = BigInt("0x" + Buffer.from(jwk.n, "base64url").toString("hex"));
  let fingerprint = BigInt("0x" + dc.fingerprint);
  if (fingerprint >= 1n << 63n) fingerprint -= 1n << 64n;
  RSA._serverKeys.set(bigInt(fingerprint.toString()).toString(), {
    n: bigInt(n.toString()),
    e: 65537,
  });
}

/**
 * GramJS connects to port 80 (443 for other DCs) whatever the session or the config
 * say: its `connection` option takes a class, and this one reaches the test DC's port
 * of the DC asked for.
 */
function connectionTo(dc) {
  return class TestDcConnection extends ConnectionTCPFull {
    constructor(options) {
      const [ip, port] = dc.dcs[options.dcId] || [options.ip, options.port];
      super({ ...options, ip, port });
    }
  };
}

function makeClient(dc) {
  // Not a StringSession: saving one writes the port as a signed 16-bit number, and
  // the test DC's ports are ephemeral (often above 32767).
  const session = new MemorySession();
  const [host, port] = dc.dcs[USER_DC];
  session.setDC(USER_DC, host, port);
  const client = new TelegramClient(session, 17349, "any", {
    connection: connectionTo(dc),
    connectionRetries: 1,
    autoReconnect: false,
    requestRetries: 1,
  });
  client.setLogLevel("error");
  return client;
}

/** A queue of what `event` delivers to `client`. */
function queueOf(client, event) {
  const items = [];
  const waiting = [];
  client.addEventHandler((e) => {
    const next = waiting.shift();
    if (next) next(e);
    else items.push(e);
  }, event);
  return () =>
    items.length ? Promise.resolve(items.shift()) : within(new Promise((r) => waiting.push(r)), "the updates");
}

async function flow(dc) {
  trust(dc);
  const bot = makeClient(dc);
  const user = makeClient(dc);
  const botInbox = queueOf(bot, new NewMessage({ incoming: true }));
  const userInbox = queueOf(user, new NewMessage({ incoming: true }));
  const userEdits = queueOf(user, new EditedMessage({}));
  const userDeletions = queueOf(user, new DeletedMessage({}));
  const ctx = {};
  const steps = {
    async bot_sign_in() {
      await bot.start({ botAuthToken: BOT_TOKEN });
      const me = await bot.getMe();
      check(me.bot && me.username === BOT_USERNAME, `getMe is ${me.username}`);
      ctx.bot = me;
    },
    async user_sign_in() {
      await user.start({
        phoneNumber: async () => USER_PHONE,
        phoneCode: async () => USER_CODE,
        onError: (e) => {
          throw e;
        },
      });
      const me = await user.getMe();
      check(!me.bot && me.firstName === "Test", `getMe is ${me.firstName}`);
      ctx.user = me;
    },
    async user_to_bot() {
      await user.sendMessage(BOT_USERNAME, { message: "/start" });
      const event = await botInbox();
      check(event.message.message === "/start", `the bot got ${event.message.message}`);
      check(event.message.senderId.eq(ctx.user.id), `from ${event.message.senderId}`);
      ctx.userPeer = await event.message.getInputSender();
    },
    async bot_to_user() {
      ctx.sent = await bot.sendMessage(ctx.userPeer, { message: "hello" });
      const event = await userInbox();
      check(event.message.message === "hello", `the user got ${event.message.message}`);
      check(event.message.senderId.eq(ctx.bot.id), `from ${event.message.senderId}`);
      ctx.received = event.message;
    },
    async file() {
      const data = crypto.randomBytes(FILE_SIZE);
      await user.sendFile(BOT_USERNAME, {
        file: new CustomFile("matrix.bin", data.length, "", data),
        forceDocument: true,
      });
      const event = await botInbox();
      check(event.message.document, "no document");
      const got = await bot.downloadMedia(event.message, {});
      check(Buffer.isBuffer(got) && got.equals(data), `${got ? got.length : 0} bytes came back for ${data.length}`);
    },
    async edit() {
      await bot.editMessage(ctx.userPeer, { message: ctx.sent.id, text: "hello, edited" });
      const event = await userEdits();
      check(event.message.message === "hello, edited", `the user saw ${event.message.message}`);
      check(event.message.id === ctx.received.id, `edit of ${event.message.id}`);
    },
    async delete() {
      await bot.deleteMessages(ctx.userPeer, [ctx.sent.id], { revoke: true });
      const event = await userDeletions();
      check(event.deletedIds.includes(ctx.received.id), `deleted ${event.deletedIds}`);
    },
  };
  let failed = false;
  for (const step of STEPS) {
    if (failed) {
      console.log(`step ${step} FAIL an earlier step failed`);
      continue;
    }
    try {
      await within(steps[step](), `step ${step}`);
      console.log(`step ${step} ok`);
    } catch (e) {
      failed = true;
      console.log(`step ${step} FAIL ${e && e.message ? e.message : e}`);
      console.error(e);
    }
  }
  for (const client of [bot, user]) {
    try {
      await within(client.destroy(), "a disconnect");
    } catch (e) {
      console.error(`note: a client did not disconnect cleanly: ${e.message}`);
    }
  }
  return failed;
}

async function main() {
  if (process.argv.length !== 3) {
    console.error("usage: node gramjs_flow.js PATH/TO/oxigram-testdc");
    process.exit(2);
  }
  const version = JSON.parse(
    fs.readFileSync(path.join(path.dirname(require.resolve("telegram")), "package.json"), "utf8"),
  ).version;
  console.log(`client GramJS ${version} layer ${LAYER}`);
  const dc = new TestDc(process.argv[2]);
  let failed = true;
  try {
    await dc.banner();
    failed = await flow(dc);
    for (const line of await dc.report()) console.log(line);
  } finally {
    dc.stop();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
