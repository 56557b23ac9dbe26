//! A small tokio driver for the proto client role, for these tests only (the runtime
//! adapters are the real thing): one `Connection` over one `TcpStream`.

#![allow(dead_code)]

pub mod world;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_proto::crypto::srp::{SrpServer, prove};
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::pfs::PfsConfig;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{Event, RequestId, RpcError};
use oxigram_proto::transport::{Kind, Obfuscation};
use oxigram_tl::{Deserialize, RemoteCall, Serialize, enums, functions, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const API_ID: i32 = 17349;

pub fn now() -> Now {
    Now {
        mono: Instant::now(),
        unix: SystemTime::now().duration_since(UNIX_EPOCH).unwrap(),
    }
}

/// One client connection to one DC.
pub struct Client {
    pub conn: Connection,
    stream: TcpStream,
    rx: BytesMut,
    pub updates: VecDeque<(u32, Bytes)>,
    pub auth: Option<AuthKeyOutcome>,
    config: ConnectionConfig,
    address: SocketAddr,
    responses: Vec<(oxigram_proto::session::RequestId, Result<Bytes, RpcError>)>,
    /// How many times the server closed the connection and it was opened again.
    pub reconnects: u32,
    /// `new_session_created` notices seen.
    pub gaps: u32,
    /// How far the client's monotonic clock runs ahead of the real one: tests move the
    /// client's timers (key renewal) this way without waiting.
    pub ahead: Duration,
    /// Temporary keys bound (with PFS).
    pub bound: u32,
}

impl Client {
    /// Connects and (without a saved key) creates a key.
    pub async fn connect(
        address: SocketAddr,
        dc: i16,
        key: &RsaPublicKey,
        transport: Kind,
        obfuscated: bool,
        auth: Option<AuthKeyOutcome>,
        seed: u8,
    ) -> Client {
        let obfuscation = if obfuscated {
            Obfuscation::Obfuscated
        } else {
            Obfuscation::None
        };
        Self::connect_hidden(address, dc, key, transport, obfuscation, auth, seed).await
    }

    /// Like [`Client::connect`], hiding the transport as `obfuscation` says (through an
    /// MTProxy, for one).
    pub async fn connect_hidden(
        address: SocketAddr,
        dc: i16,
        key: &RsaPublicKey,
        transport: Kind,
        obfuscation: Obfuscation,
        auth: Option<AuthKeyOutcome>,
        seed: u8,
    ) -> Client {
        Client::connect_with(address, dc, key, transport, obfuscation, None, auth, seed).await
    }

    /// Connects with perfect forward secrecy: `auth` (or a key made first) is the
    /// permanent key, and temporary keys carry the traffic.
    pub async fn connect_pfs(
        address: SocketAddr,
        dc: i16,
        key: &RsaPublicKey,
        pfs: PfsConfig,
        auth: Option<AuthKeyOutcome>,
        seed: u8,
    ) -> Client {
        let transport = Kind::Intermediate;
        let none = Obfuscation::None;
        Client::connect_with(address, dc, key, transport, none, Some(pfs), auth, seed).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn connect_with(
        address: SocketAddr,
        dc: i16,
        key: &RsaPublicKey,
        transport: Kind,
        obfuscation: Obfuscation,
        pfs: Option<PfsConfig>,
        auth: Option<AuthKeyOutcome>,
        seed: u8,
    ) -> Client {
        let mut config = ConnectionConfig::new(dc, [seed; 32]);
        config.pfs = pfs;
        config.transport = transport;
        config.obfuscation = obfuscation;
        config.handshake.keys = vec![key.clone()];
        config.handshake.inner = oxigram_proto::handshake::InnerData::Permanent {
            dc: i32::from(dc) + 10000,
        };
        let stream = TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            conn: Connection::new(config.with_seed([seed; 32]), auth.as_ref(), now()),
            stream,
            rx: BytesMut::new(),
            updates: VecDeque::new(),
            auth,
            config,
            address,
            responses: Vec::new(),
            reconnects: 0,
            gaps: 0,
            ahead: Duration::ZERO,
            bound: 0,
        }
    }

    /// The time as the client sees it ([`Client::ahead`] on its monotonic clock).
    pub fn now(&self) -> Now {
        let real = now();
        Now {
            mono: real.mono + self.ahead,
            unix: real.unix,
        }
    }

    /// Reconnects on a new socket, keeping the key and session.
    pub async fn reconnect(&mut self) {
        self.stream = TcpStream::connect(self.address).await.unwrap();
        self.rx.clear();
        self.conn.reset(self.now());
    }

    /// Opens a fresh connection with the same key (a new session: as after a restart).
    pub async fn restart(&self, seed: u8) -> Client {
        let config = self.config.with_seed([seed; 32]);
        let stream = TcpStream::connect(self.address).await.unwrap();
        Client {
            conn: Connection::new(config.with_seed([seed; 32]), self.auth.as_ref(), now()),
            stream,
            rx: BytesMut::new(),
            updates: VecDeque::new(),
            auth: self.auth.clone(),
            config,
            address: self.address,
            responses: Vec::new(),
            reconnects: 0,
            gaps: 0,
            ahead: Duration::ZERO,
            bound: 0,
        }
    }

    /// Writes what is due, waits for bytes (up to the connection's next deadline), and
    /// handles them and the timers; collects events.
    async fn turn(&mut self) {
        let mut tx = BytesMut::new();
        while self.conn.poll_transmit(self.now(), &mut tx) > 0 {}
        if !tx.is_empty() {
            self.stream.write_all(&tx).await.unwrap();
        }
        let wait = self
            .conn
            .poll_timeout()
            .map_or(Duration::from_secs(1), |t| {
                t.saturating_duration_since(Instant::now() + self.ahead)
            })
            .min(Duration::from_secs(1));
        if let Ok(read) = tokio::time::timeout(wait, self.stream.read_buf(&mut self.rx)).await {
            match read {
                Ok(n) if n > 0 => {
                    let now = self.now();
                    self.conn.handle_input(now, &mut self.rx).unwrap()
                }
                // The server closed the connection: reconnect, as a runtime would.
                _ => {
                    self.reconnects += 1;
                    self.reconnect().await;
                }
            }
        }
        self.conn.handle_timeout(self.now());
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::AuthKeyCreated(outcome) => self.auth = Some(*outcome),
                Event::Update {
                    constructor_id,
                    body,
                } => self.updates.push_back((constructor_id, body)),
                Event::Response { id, result } => self.responses.push((id, result)),
                Event::Failed { id, error } => panic!("{id} failed: {error}"),
                Event::UpdatesGap => self.gaps += 1,
                Event::TempKeyBound { .. } => self.bound += 1,
                _ => {}
            }
        }
    }

    /// Runs the connection until `done` says so (30 s at most).
    pub async fn run_until(&mut self, done: impl Fn(&Client) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            assert!(Instant::now() < deadline, "the condition never held");
            self.turn().await;
        }
    }

    /// Writes bytes as they are on the connection's socket, past the transport: what a
    /// broken or hostile client might send.
    pub async fn write_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// Sends a raw request and waits for its answer.
    pub async fn call_raw(&mut self, body: Vec<u8>) -> Result<Bytes, RpcError> {
        let id = self.conn.request(body.into());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(at) = self.responses.iter().position(|(r, _)| *r == id) {
                return self.responses.remove(at).1;
            }
            assert!(Instant::now() < deadline, "no answer to {id}");
            self.turn().await;
        }
    }

    /// Sends a typed request (wrapped in invokeWithLayer(initConnection(…))) and decodes
    /// its answer.
    pub async fn invoke<R: RemoteCall>(&mut self, request: &R) -> Result<R::Return, RpcError> {
        let id = self.send(request);
        self.answer::<R>(id).await
    }

    /// Sends a typed request without waiting for its answer (see [`Client::answer`]),
    /// and writes it to the socket.
    pub async fn start<R: RemoteCall>(&mut self, request: &R) -> RequestId {
        let id = self.send(request);
        let mut tx = BytesMut::new();
        while self.conn.poll_transmit(self.now(), &mut tx) > 0 {}
        if !tx.is_empty() {
            self.stream.write_all(&tx).await.unwrap();
        }
        id
    }

    /// Queues a typed request, wrapped in invokeWithLayer(initConnection(…)).
    fn send<R: RemoteCall>(&mut self, request: &R) -> RequestId {
        let body = request.to_bytes();
        let wrapped = functions::InvokeWithLayer {
            layer: oxigram_tl::LAYER,
            query: functions::InitConnection {
                api_id: API_ID,
                device_model: "test".into(),
                system_version: "test".into(),
                app_version: "0.1".into(),
                system_lang_code: "en".into(),
                lang_pack: "".into(),
                lang_code: "en".into(),
                proxy: None,
                params: None,
                query: oxigram_tl::RawObject(body.into()),
            },
        };
        self.conn.request(wrapped.to_bytes().into())
    }

    /// Waits for the answer to a request sent with [`Client::start`] and decodes it.
    pub async fn answer<R: RemoteCall>(&mut self, id: RequestId) -> Result<R::Return, RpcError> {
        let answer = self.wait(id).await?;
        Ok(R::Return::from_bytes(&answer).unwrap())
    }

    async fn wait(&mut self, id: RequestId) -> Result<Bytes, RpcError> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(at) = self.responses.iter().position(|(r, _)| *r == id) {
                return self.responses.remove(at).1;
            }
            assert!(Instant::now() < deadline, "no answer to {id}");
            self.turn().await;
        }
    }

    /// Waits for the next update and decodes it into its updates (an `updates` object's
    /// list, or the one update of `updateShort`), with the users and chats it carries.
    pub async fn next_updates(
        &mut self,
    ) -> (Vec<enums::Update>, Vec<enums::User>, Vec<enums::Chat>) {
        let (_, body) = self.next_update().await;
        match enums::Updates::from_bytes(&body).unwrap() {
            enums::Updates::Updates(u) => (u.updates, u.users, u.chats),
            enums::Updates::UpdateShort(u) => (vec![u.update], vec![], vec![]),
            other => panic!("unexpected push {other:?}"),
        }
    }

    /// Waits for the next pushed update and returns it alone (the push must hold one).
    pub async fn next_one(&mut self) -> enums::Update {
        let (mut updates, _, _) = self.next_updates().await;
        assert_eq!(updates.len(), 1, "{updates:?}");
        updates.remove(0)
    }

    /// Asks for a login code for `phone`; returns the `phone_code_hash`, or the RPC error
    /// (a migration to the phone's home DC).
    pub async fn send_code(&mut self, phone: &str) -> Result<String, RpcError> {
        let sent = self
            .invoke(&functions::auth::SendCode {
                phone_number: phone.into(),
                api_id: API_ID,
                api_hash: "hash".into(),
                settings: code_settings(),
            })
            .await?;
        let enums::auth::SentCode::SentCode(sent) = sent else {
            panic!("unexpected SentCode");
        };
        Ok(sent.phone_code_hash)
    }

    /// Signs in as the test number `phone` (`99966XYYYY`) with its code, `X` five times.
    pub async fn sign_in_user(
        &mut self,
        phone: &str,
    ) -> Result<enums::auth::Authorization, RpcError> {
        let phone_code_hash = self.send_code(phone).await?;
        self.invoke(&functions::auth::SignIn {
            phone_number: phone.into(),
            phone_code_hash,
            phone_code: Some(phone[5..6].repeat(5)),
            email_verification: None,
        })
        .await
    }

    /// Signs in as the bot with `token`; returns the bot's user id.
    pub async fn sign_in_bot(&mut self, token: &str) -> i64 {
        let auth = self
            .invoke(&functions::auth::ImportBotAuthorization {
                flags: 0,
                api_id: API_ID,
                api_hash: "hash".into(),
                bot_auth_token: token.into(),
            })
            .await
            .unwrap();
        let enums::auth::Authorization::Authorization(auth) = auth else {
            panic!("sign-up required for a bot");
        };
        user_ref(&auth.user).0
    }

    /// Proves the two-step verification `password` (`account.getPassword`, then
    /// `auth.checkPassword` with an SRP proof drawn from `random`).
    pub async fn check_password(
        &mut self,
        password: &str,
        random: &mut SeededRandom,
    ) -> Result<enums::auth::Authorization, RpcError> {
        let enums::account::Password::Password(info) =
            self.invoke(&functions::account::GetPassword {}).await?;
        let (algo, g_b, srp_id) = info
            .current_algo_and_srp_b_and_srp_id
            .expect("the account has a password");
        let enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(algo) = algo
        else {
            panic!("unknown algorithm");
        };
        let server = SrpServer {
            salt1: &algo.salt1,
            salt2: &algo.salt2,
            g: algo.g,
            p: &algo.p,
            g_b: &g_b,
        };
        let proof = prove(password.as_bytes(), &server, random).unwrap();
        self.invoke(&functions::auth::CheckPassword {
            password: enums::InputCheckPasswordSRP::InputCheckPasswordSRP(
                types::InputCheckPasswordSRP {
                    srp_id,
                    a: proof.a.to_vec().into(),
                    m1: proof.m1.to_vec().into(),
                },
            ),
        })
        .await
    }

    /// Waits for the next update.
    pub async fn next_update(&mut self) -> (u32, Bytes) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(update) = self.updates.pop_front() {
                return update;
            }
            assert!(Instant::now() < deadline, "no update");
            self.turn().await;
        }
    }
}

pub fn code_settings() -> enums::CodeSettings {
    enums::CodeSettings::CodeSettings(types::CodeSettings {
        allow_flashcall: false,
        current_number: false,
        allow_app_hash: false,
        allow_missed_call: false,
        allow_firebase: false,
        unknown_number: false,
        logout_tokens: None,
        token_and_app_sandbox: None,
    })
}

/// The id and access hash of a TL user.
pub fn user_ref(user: &enums::User) -> (i64, i64) {
    match user {
        enums::User::User(u) => (u.id, u.access_hash.unwrap_or(0)),
        enums::User::Empty(u) => (u.id, 0),
    }
}

/// Uploads `content` as file `file_id` in 512 KiB big-file parts and sends it to `peer`
/// as a document named `blob.bin` with `caption`.
pub async fn send_big_document(
    client: &mut Client,
    peer: enums::InputPeer,
    file_id: i64,
    content: &[u8],
    caption: &str,
    random_id: i64,
) -> enums::Updates {
    const PART: usize = 512 << 10;
    let parts = content.len().div_ceil(PART) as i32;
    for (i, chunk) in content.chunks(PART).enumerate() {
        let saved = client
            .invoke(&functions::upload::SaveBigFilePart {
                file_id,
                file_part: i as i32,
                file_total_parts: parts,
                bytes: chunk.to_vec().into(),
            })
            .await
            .unwrap();
        assert!(saved);
    }
    let media = enums::InputMedia::UploadedDocument(Box::new(types::InputMediaUploadedDocument {
        nosound_video: false,
        force_file: true,
        spoiler: false,
        file: enums::InputFile::Big(types::InputFileBig {
            id: file_id,
            parts,
            name: "blob.bin".into(),
        }),
        thumb: None,
        mime_type: "application/octet-stream".into(),
        attributes: vec![],
        stickers: None,
        video_cover: None,
        video_timestamp: None,
        ttl_seconds: None,
    }));
    client
        .invoke(&functions::messages::SendMedia {
            silent: false,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: false,
            allow_paid_floodskip: false,
            peer,
            reply_to: None,
            media,
            message: caption.into(),
            random_id,
            reply_markup: None,
            entities: None,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
            suggested_post: None,
        })
        .await
        .unwrap()
}
