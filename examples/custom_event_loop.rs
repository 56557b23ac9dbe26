//! The sans-IO core inside a hand-written event loop, with no async runtime on the client
//! side: a `proto::Connection`, a non-blocking socket and a `mio` poll whose wait ends when
//! the socket is ready or when `Connection::poll_timeout` says a timer is due. A bot signs
//! in on the in-process test DC, gets a message and answers it.
//!
//! Only the test DC runs on tokio: it is the server, and lives on tokio's threads here.

use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Buf, BytesMut};
use mio::{Events, Interest, Poll, Token, net::TcpStream};
use oxigram::proto::connection::{Connection, ConnectionConfig, Now};
use oxigram::proto::{handshake::InnerData, session::Event};
use oxigram::tl::{DecodeError, Deserialize, Identifiable, RawObject, Serialize};
use oxigram::tl::{enums, functions, types};
use oxigram_testdc::{TestDc, TestDcConfig};

const API_ID: i32 = 12345;
const BOT_TOKEN: &str = "123456:event-loop";
/// Longest the example waits for its next step (signed in, a message in, the answer out).
const STEP: Duration = Duration::from_secs(10);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The runtime must outlive the DC: its worker threads serve the DC's sockets.
    let runtime = tokio::runtime::Runtime::new()?;
    let dc = runtime.block_on(TestDc::start(TestDcConfig::default()))?;
    let bot = dc.create_bot(BOT_TOKEN, "loop_bot");
    let alice = dc.create_user("9996621234", "Alice");
    let address = dc.address(2).ok_or("no DC 2")?;
    println!("test DC up: DC 2 at {address}");

    let mut config = ConnectionConfig::new(2, oxigram_runtime::os_seed()?);
    config.handshake.keys = vec![dc.public_key().clone()];
    // Key exchanges name a test DC by its id plus 10000.
    config.handshake.inner = InnerData::Permanent { dc: 10002 };
    let mut conn = Connection::new(config, None, now());
    let socket = std::net::TcpStream::connect(address)?;
    socket.set_nonblocking(true)?;
    let mut socket = TcpStream::from_std(socket);
    let mut poll = Poll::new()?;
    // mio reports edges, so asking for writable costs no busy loop: after the first report
    // it wakes the loop again only when a refused write can go on.
    let interest = Interest::READABLE | Interest::WRITABLE;
    poll.registry().register(&mut socket, Token(0), interest)?;
    let (mut events, mut rx, mut tx) = (Events::with_capacity(4), BytesMut::new(), BytesMut::new());
    let mut buf = [0u8; 16 << 10];

    // Queued before the key exists; the connection sends it once the exchange is done.
    let sign_in = conn.request(sign_in_request().to_bytes().into());
    let (mut answer, mut reply) = (None, String::new()); // the answer's request and text
    let mut give_up = Instant::now() + STEP;
    loop {
        // The drain rule: after every input, hand out every event and write out every byte
        // before waiting again. Events first, since handling one may make a request.
        while let Some(event) = conn.poll_event() {
            match event {
                Event::Response { id, result } if id == sign_in => {
                    enums::auth::Authorization::from_bytes(&result?)?;
                    println!("bot: signed in as @loop_bot");
                    dc.send_message(alice, bot, "hi");
                    println!("Alice -> bot: hi");
                    give_up = Instant::now() + STEP;
                }
                Event::Update {
                    constructor_id,
                    body,
                } => {
                    let Some((from, text)) = new_message(constructor_id, &body)? else {
                        continue;
                    };
                    println!("bot: got {text:?}");
                    reply = format!("you said {text:?}");
                    answer = Some(conn.request(send_message(from, &reply)?.to_bytes().into()));
                    give_up = Instant::now() + STEP;
                }
                Event::Response { id, result } if Some(id) == answer => {
                    result?;
                    // The DC's own record, not the answer's word, says whether Alice has it.
                    if !dc.received(alice).iter().any(|m| m.text == reply) {
                        return Err("the DC holds no answer for Alice".into());
                    }
                    println!("bot -> Alice: {reply}\ndone");
                    return Ok(());
                }
                Event::Failed { error, .. } => return Err(error.into()),
                // A new key (a real client stores it), dropped messages, gaps: none needs
                // acting on here.
                _ => {}
            }
        }
        conn.poll_transmit(now(), &mut tx);
        // Non-blocking calls never sleep, so no signal interrupts them: only the poll's
        // wait below can end early with `Interrupted`.
        while !tx.is_empty() {
            match socket.write(&tx) {
                Ok(0) => return Err(std::io::Error::from(ErrorKind::WriteZero).into()),
                Ok(n) => tx.advance(n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break, // the writable edge comes
                Err(e) => return Err(e.into()),
            }
        }
        // A real client would `reset` a failed connection onto a new socket.
        if conn.is_down() {
            return Err("the connection failed".into());
        }
        let started = Instant::now();
        if started >= give_up {
            return Err(format!("nothing arrived within {STEP:?}").into());
        }
        let wake = conn.poll_timeout().map_or(give_up, |t| t.min(give_up));
        match poll.poll(&mut events, Some(wake.saturating_duration_since(started))) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            result => result?,
        }
        // Read until the socket is empty: mio reports an edge only once.
        loop {
            match socket.read(&mut buf) {
                Ok(0) => return Err("the DC closed the connection".into()),
                Ok(n) => rx.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(e.into()),
            }
        }
        // Whole frames are taken off `rx`; a partial one waits there for the rest.
        conn.handle_input(now(), &mut rx)?;
        if conn.poll_timeout().is_some_and(|t| t <= Instant::now()) {
            conn.handle_timeout(now());
        }
    }
}

/// Both clocks the core needs: monotonic for its timers, wall-clock for message ids.
fn now() -> Now {
    let mono = Instant::now();
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970");
    Now { mono, unix }
}

/// A connection's first request introduces the app and the layer it speaks.
#[rustfmt::skip]
fn sign_in_request() -> impl Serialize {
    let sign_in = functions::auth::ImportBotAuthorization {
        flags: 0, api_id: API_ID, api_hash: "event-loop".into(), bot_auth_token: BOT_TOKEN.into(),
    };
    functions::InvokeWithLayer { layer: oxigram::tl::LAYER, query: functions::InitConnection {
        api_id: API_ID, device_model: "custom event loop".into(), system_version: "".into(),
        app_version: env!("CARGO_PKG_VERSION").into(), system_lang_code: "en".into(),
        lang_pack: "".into(), lang_code: "en".into(), proxy: None, params: None,
        query: RawObject(sign_in.to_bytes().into()),
    } }
}

/// The sender (as an input peer, from the users the update carries) and the text of a
/// new private message, if the update is one.
fn new_message(id: u32, body: &[u8]) -> Result<Option<(enums::InputPeer, String)>, DecodeError> {
    if id == types::Updates::CONSTRUCTOR_ID
        && let enums::Updates::Updates(updates) = enums::Updates::from_bytes(body)?
        && let Some(enums::Update::NewMessage(new)) = updates.updates.first()
        && let enums::Message::Message(message) = &new.message
        && let Some(enums::Peer::User(from)) = &message.from_id
        && let Some(enums::User::User(user)) = updates
            .users
            .iter()
            .find(|u| matches!(u, enums::User::User(u) if u.id == from.user_id))
        && let Some(access_hash) = user.access_hash
    {
        let peer = enums::InputPeer::User(types::InputPeerUser {
            user_id: user.id,
            access_hash,
        });
        return Ok(Some((peer, message.message.clone())));
    }
    Ok(None)
}

/// A text message; its random id comes from the OS (Telegram drops a repeated one).
#[rustfmt::skip]
fn send_message(peer: enums::InputPeer, text: &str) -> std::io::Result<functions::messages::SendMessage> {
    let random_id = i64::from_le_bytes(oxigram_runtime::os_seed()?[..8].try_into().expect("8 bytes"));
    Ok(functions::messages::SendMessage {
        no_webpage: false, silent: false, background: false, clear_draft: false,
        noforwards: false, update_stickersets_order: false, invert_media: false,
        allow_paid_floodskip: false, peer, reply_to: None, message: text.into(), random_id,
        reply_markup: None, entities: None, schedule_date: None,
        schedule_repeat_period: None, send_as: None, quick_reply_shortcut: None,
        effect: None, allow_paid_stars: None, suggested_post: None, rich_message: None,
    })
}
