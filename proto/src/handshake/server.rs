//! The server role of the key exchange, as the test DC runs it.

use bytes::Bytes;
use oxigram_tl::mtproto::{enums, functions, types};
use oxigram_tl::{Deserialize, Reader, Serialize};

use super::derive::{be_bytes, check_nonces, new_nonce_hash, open, seal, tmp_aes};
use super::{AuthKeyOutcome, HandshakeError};
use crate::crypto::dh::{Group, TELEGRAM_PRIME};
use crate::crypto::factor::random_prime_31bit;
use crate::crypto::message::AuthKey;
use crate::crypto::rsa::RsaPrivateKey;
use crate::random::RandomSource;

/// What the server role needs.
#[derive(Debug, Clone)]
pub struct ServerHandshakeConfig {
    /// The key pair whose fingerprint `resPQ` offers.
    pub key: RsaPrivateKey,
    /// The DC id clients must name in `p_q_inner_data_dc` (any, when `None`).
    pub dc: Option<i32>,
}

/// What to do after a client message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerStep {
    /// Send this body in an unencrypted message.
    Send(Vec<u8>),
    /// Send `answer` (`dh_gen_ok`); the key is ready.
    Done {
        /// The body to send.
        answer: Vec<u8>,
        /// The key, and the salt the client will start with.
        outcome: Box<AuthKeyOutcome>,
    },
}

/// The server side of one key exchange.
#[derive(Debug)]
pub struct ServerHandshake {
    config: ServerHandshakeConfig,
    state: State,
}

enum State {
    ReqPq,
    ReqDh {
        nonce: [u8; 16],
        server_nonce: [u8; 16],
        pq: u64,
        p: u64,
        q: u64,
    },
    SetClientDh(Box<Pending>),
    Over,
}

struct Pending {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
    group: Group,
    a: [u8; 256],
    tmp: ([u8; 32], [u8; 32]),
    server_time: i32,
    expires_in: Option<i32>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The phase only: new_nonce, the exponent `a` and the temporary AES key are
        // secrets.
        f.write_str(match self {
            State::ReqPq => "ReqPq",
            State::ReqDh { .. } => "ReqDh",
            State::SetClientDh(_) => "SetClientDh",
            State::Over => "Over",
        })
    }
}

/// `p_q_inner_data` from the pre-RSA_PAD encryption, if its hash checks out.
fn legacy_inner_data(key: &RsaPrivateKey, encrypted: &[u8]) -> Option<enums::PQInnerData> {
    let block = key.legacy_decrypt(encrypted).ok()?;
    let mut reader = Reader::new(&block[20..]);
    let inner = enums::PQInnerData::deserialize(&mut reader).ok()?;
    crate::crypto::rsa::legacy_hash_matches(&block, reader.position()).then_some(inner)
}

impl ServerHandshake {
    /// A server waiting for `req_pq_multi`.
    pub fn new(config: ServerHandshakeConfig) -> Self {
        ServerHandshake {
            config,
            state: State::ReqPq,
        }
    }

    /// Handles a client message (`now`: the server's unix time) and says what to send.
    pub fn handle(
        &mut self,
        request: &[u8],
        now: i64,
        random: &mut dyn RandomSource,
    ) -> Result<ServerStep, HandshakeError> {
        let state = std::mem::replace(&mut self.state, State::Over);
        let (next, step) = match state {
            State::ReqPq => self.on_req_pq(request, random)?,
            State::ReqDh {
                nonce,
                server_nonce,
                pq,
                p,
                q,
            } => self.on_req_dh(request, (nonce, server_nonce), (pq, p, q), now, random)?,
            State::SetClientDh(pending) => on_set_client_dh(*pending, request)?,
            State::Over => return Err(HandshakeError::Finished),
        };
        self.state = next;
        Ok(step)
    }

    fn on_req_pq(
        &self,
        request: &[u8],
        random: &mut dyn RandomSource,
    ) -> Result<(State, ServerStep), HandshakeError> {
        let nonce = match functions::ReqPqMulti::from_bytes(request) {
            Ok(r) => r.nonce,
            Err(e) => functions::ReqPq::from_bytes(request).map_err(|_| e)?.nonce,
        };
        let mut server_nonce = [0u8; 16];
        random.fill(&mut server_nonce);
        let (a, b) = (random_prime_31bit(random), random_prime_31bit(random));
        let (p, q) = (a.min(b), a.max(b));
        let pq = p * q;
        let answer = types::ResPQ {
            nonce,
            server_nonce,
            pq: Bytes::copy_from_slice(&be_bytes(pq)),
            server_public_key_fingerprints: vec![self.config.key.public().fingerprint()],
        };
        Ok((
            State::ReqDh {
                nonce,
                server_nonce,
                pq,
                p,
                q,
            },
            ServerStep::Send(answer.to_bytes()),
        ))
    }

    fn on_req_dh(
        &self,
        request: &[u8],
        (nonce, server_nonce): ([u8; 16], [u8; 16]),
        (pq, p, q): (u64, u64, u64),
        now: i64,
        random: &mut dyn RandomSource,
    ) -> Result<(State, ServerStep), HandshakeError> {
        let request = functions::ReqDHParams::from_bytes(request)?;
        check_nonces(request.nonce, request.server_nonce, nonce, server_nonce)?;
        if request.public_key_fingerprint != self.config.key.public().fingerprint() {
            return Err(HandshakeError::UnknownFingerprints(vec![
                request.public_key_fingerprint,
            ]));
        }
        if request.p[..] != be_bytes(p)[..] || request.q[..] != be_bytes(q)[..] {
            return Err(HandshakeError::PqMismatch);
        }
        let inner = match self.config.key.rsa_unpad(&request.encrypted_data) {
            Ok(data) => enums::PQInnerData::deserialize(&mut Reader::new(&data))?,
            // Clients that predate RSA_PAD (Telethon) send the older scheme.
            Err(e) => legacy_inner_data(&self.config.key, &request.encrypted_data).ok_or(e)?,
        };
        let (fields, dc, expires_in) = match &inner {
            enums::PQInnerData::PQInnerData(i) => (
                (&i.pq, &i.p, &i.q, i.nonce, i.server_nonce, i.new_nonce),
                None,
                None,
            ),
            enums::PQInnerData::Dc(i) => (
                (&i.pq, &i.p, &i.q, i.nonce, i.server_nonce, i.new_nonce),
                Some(i.dc),
                None,
            ),
            enums::PQInnerData::Temp(i) => (
                (&i.pq, &i.p, &i.q, i.nonce, i.server_nonce, i.new_nonce),
                None,
                Some(i.expires_in),
            ),
            enums::PQInnerData::TempDc(i) => (
                (&i.pq, &i.p, &i.q, i.nonce, i.server_nonce, i.new_nonce),
                Some(i.dc),
                Some(i.expires_in),
            ),
        };
        let (inner_pq, inner_p, inner_q, inner_nonce, inner_server_nonce, new_nonce) = fields;
        check_nonces(inner_nonce, inner_server_nonce, nonce, server_nonce)?;
        if inner_pq[..] != be_bytes(pq)[..]
            || inner_p[..] != request.p[..]
            || inner_q[..] != request.q[..]
        {
            return Err(HandshakeError::PqMismatch);
        }
        if let (Some(expected), Some(dc)) = (self.config.dc, dc)
            && expected != dc
        {
            return Err(HandshakeError::WrongDc(dc));
        }

        let group = Group::new(3, &TELEGRAM_PRIME)?;
        let (a, g_a) = loop {
            let mut a = [0u8; 256];
            random.fill(&mut a);
            let g_a = group.public(&a);
            if group.check_public(&g_a).is_ok() {
                break (a, g_a);
            }
        };
        let server_time = now.clamp(0, i64::from(i32::MAX)) as i32;
        let answer = types::ServerDHInnerData {
            nonce,
            server_nonce,
            g: group.g(),
            dh_prime: Bytes::copy_from_slice(&group.prime_bytes()),
            g_a: Bytes::copy_from_slice(&g_a),
            server_time,
        };
        let tmp = tmp_aes(&new_nonce, &server_nonce);
        let data = seal(&answer, &tmp, random)?;
        let answer = types::ServerDHParamsOk {
            nonce,
            server_nonce,
            encrypted_answer: Bytes::from(data),
        };
        let pending = Pending {
            nonce,
            server_nonce,
            new_nonce,
            group,
            a,
            tmp,
            server_time,
            expires_in,
        };
        Ok((
            State::SetClientDh(Box::new(pending)),
            ServerStep::Send(answer.to_bytes()),
        ))
    }
}

fn on_set_client_dh(p: Pending, request: &[u8]) -> Result<(State, ServerStep), HandshakeError> {
    let request = functions::SetClientDHParams::from_bytes(request)?;
    check_nonces(request.nonce, request.server_nonce, p.nonce, p.server_nonce)?;
    let enums::ClientDHInnerData::ClientDHInnerData(inner) = open(&request.encrypted_data, &p.tmp)?;
    check_nonces(inner.nonce, inner.server_nonce, p.nonce, p.server_nonce)?;
    let g_b = p.group.check_public(&inner.g_b)?;
    let auth_key = AuthKey::new(p.group.power(&g_b, &p.a));
    let answer = types::DhGenOk {
        nonce: p.nonce,
        server_nonce: p.server_nonce,
        new_nonce_hash1: new_nonce_hash(&p.new_nonce, 1, &auth_key),
    };
    let salt: [u8; 8] = std::array::from_fn(|i| p.new_nonce[i] ^ p.server_nonce[i]);
    let outcome = AuthKeyOutcome {
        auth_key,
        time_offset: 0,
        first_salt: i64::from_le_bytes(salt),
        expires_at: p.expires_in.map(|e| p.server_time.saturating_add(e)),
    };
    Ok((
        State::Over,
        ServerStep::Done {
            answer: answer.to_bytes(),
            outcome: Box::new(outcome),
        },
    ))
}
