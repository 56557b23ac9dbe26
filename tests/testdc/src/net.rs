//! Sockets: one listener per DC, one task per connection, all sharing one lock around the
//! DCs' sans-IO servers and the world. A test server has no use for finer locking, and one
//! lock keeps updates across DCs simple and ordered.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, ServerOutput};
use oxigram_proto::crypto::rsa::RsaPrivateKey;
use oxigram_proto::session::ServerSessionConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::api::{ApiState, DcInfo};
use crate::world::World;
use crate::{TestDcConfig, seed_bytes};

/// The DCs' servers, the API state, and the connections waiting to be woken.
pub(crate) struct Shared {
    pub(crate) api: ApiState,
    servers: Vec<Server>,
    wakers: Vec<HashMap<ConnId, Arc<Notify>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("dcs", &self.servers.len())
            .finish_non_exhaustive()
    }
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl Shared {
    pub(crate) fn new(
        config: &TestDcConfig,
        key: &RsaPrivateKey,
        addresses: &[(i32, SocketAddr)],
    ) -> Self {
        let mut world = World::new(config.seed);
        for (i, token) in config.bots.iter().enumerate() {
            world.create_bot(token, &format!("test{}_bot", i + 1), crate::HOME_DC);
        }
        for phone in &config.users {
            let home = crate::api::test_number_dc(phone).unwrap_or(crate::HOME_DC);
            world.create_user(phone, "Test", home);
        }
        let dcs = addresses
            .iter()
            .map(|(id, addr)| DcInfo {
                id: *id,
                ip: addr.ip().to_string(),
                port: addr.port(),
            })
            .collect();
        let servers = addresses
            .iter()
            .map(|(id, _)| {
                Server::new(ServerConfig {
                    key: key.clone(),
                    // Clients name test DCs as id + 10000; either is accepted.
                    dc: None,
                    seed: seed_bytes(config.seed, 100 + *id as u64),
                    session: ServerSessionConfig::default(),
                    proxy_secret: None,
                })
            })
            .collect();
        Shared {
            api: ApiState::new(world, dcs),
            servers,
            wakers: addresses.iter().map(|_| HashMap::new()).collect(),
        }
    }

    /// Answers every request the servers decoded, delivers the updates they caused, and
    /// returns the connections that now have something to send.
    fn process(&mut self) -> Vec<Arc<Notify>> {
        let unix = now();
        for dc in 0..self.servers.len() {
            while let Some(out) = self.servers[dc].poll_event() {
                let ServerOutput::Request {
                    session,
                    msg_id,
                    body,
                    ..
                } = out
                else {
                    continue;
                };
                let reply = self
                    .api
                    .call(dc, session.auth_key_id, &body, unix.as_secs() as i32);
                let result = match &reply.result {
                    Ok(body) => Ok(&body[..]),
                    Err(e) => Err(e),
                };
                self.servers[dc].respond(session, msg_id, result);
                self.push(reply.pushes);
            }
        }
        self.waiting()
    }

    /// Pushes `Updates` to every session signed in as their account, on every DC.
    fn push(&mut self, pushes: Vec<(i64, Vec<u8>)>) {
        for (user, body) in pushes {
            let body = bytes::Bytes::from(body);
            for (dc, server) in self.servers.iter_mut().enumerate() {
                let sessions: Vec<_> = server
                    .sessions()
                    .filter(|s| self.api.authorizations[dc].get(&s.auth_key_id) == Some(&user))
                    .collect();
                for session in sessions {
                    server.push(session, body.clone());
                }
            }
        }
    }

    fn waiting(&self) -> Vec<Arc<Notify>> {
        let mut out = Vec::new();
        for (dc, server) in self.servers.iter().enumerate() {
            for conn in server.wants_transmit() {
                if let Some(w) = self.wakers[dc].get(&conn) {
                    out.push(w.clone());
                }
            }
        }
        out
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.wakers.iter().map(|w| w.len()).sum()
    }

    pub(crate) fn inject_message(&mut self, from: i64, to: i64, text: &str) {
        let reply = self
            .api
            .send_message(from, to, text, now().as_secs() as i32);
        self.push(reply.pushes);
        for waker in self.waiting() {
            waker.notify_one();
        }
    }
}

/// Binds `count` listeners on consecutive loopback ports from `port` (any free run when 0).
pub(crate) async fn bind(port: u16, count: usize) -> std::io::Result<Vec<TcpListener>> {
    let mut last_error = None;
    for _ in 0..32 {
        let first = TcpListener::bind(("127.0.0.1", port)).await?;
        let base = first.local_addr()?.port();
        let mut listeners = vec![first];
        for i in 1..count {
            let Some(next) = base.checked_add(i as u16) else {
                break;
            };
            match TcpListener::bind(("127.0.0.1", next)).await {
                Ok(l) => listeners.push(l),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        if listeners.len() == count {
            return Ok(listeners);
        }
        if port != 0 {
            break;
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no run of free ports")))
}

pub(crate) async fn accept_loop(shared: Arc<Mutex<Shared>>, dc: usize, listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(shared.clone(), dc, stream));
            }
            Err(e) => {
                tracing::warn!(%e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves one connection until the peer closes it or sends something unframeable.
async fn serve(shared: Arc<Mutex<Shared>>, dc: usize, stream: TcpStream) {
    let waker = Arc::new(Notify::new());
    let conn = {
        let mut s = lock(&shared);
        let conn = s.servers[dc].accept();
        s.wakers[dc].insert(conn, waker.clone());
        conn
    };
    let (mut reader, mut writer) = stream.into_split();
    let mut rx = BytesMut::with_capacity(16 << 10);
    let mut tx = BytesMut::new();
    let mut closing = false;
    loop {
        {
            let mut s = lock(&shared);
            s.servers[dc].poll_transmit(conn, now(), &mut tx);
        }
        if !tx.is_empty() {
            if writer.write_all(&tx).await.is_err() {
                break;
            }
            tx.clear();
        }
        if closing {
            break;
        }
        tokio::select! {
            read = reader.read_buf(&mut rx) => {
                match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let wake = {
                    let mut s = lock(&shared);
                    if let Err(e) = s.servers[dc].handle_input(conn, now(), &mut rx) {
                        tracing::debug!(%e, "closing a connection");
                        closing = true;
                    }
                    s.process()
                };
                for w in wake {
                    if !Arc::ptr_eq(&w, &waker) {
                        w.notify_one();
                    }
                }
                // A large frame grew the buffer; do not keep it.
                if rx.is_empty() && rx.capacity() > 1 << 20 {
                    rx = BytesMut::with_capacity(16 << 10);
                }
            }
            () = waker.notified() => {}
        }
    }
    let mut s = lock(&shared);
    s.servers[dc].close(conn);
    s.wakers[dc].remove(&conn);
}
