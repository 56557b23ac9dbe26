//! The client role of the key exchange.

use bytes::Bytes;
use oxigram_tl::mtproto::{enums, functions, types};
use oxigram_tl::{Deserialize, Serialize};

use super::HandshakeError;
use super::derive::{be_bytes, check_nonces, new_nonce_hash, open, seal, tmp_aes};
use crate::crypto::dh::Group;
use crate::crypto::factor::factor;
use crate::crypto::message::AuthKey;
use crate::crypto::rsa::{RsaPublicKey, rsa_pad};
use crate::crypto::sha1;
use crate::random::RandomSource;

/// Which `p_q_inner_data` constructor the client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InnerData {
    /// `p_q_inner_data_dc`: a permanent key for DC `dc` (negative for media DCs, +10000
    /// for test DCs).
    Permanent {
        /// The DC id.
        dc: i32,
    },
    /// `p_q_inner_data_temp_dc`: a temporary key for perfect forward secrecy.
    Temporary {
        /// The DC id.
        dc: i32,
        /// Seconds the key lives.
        expires_in: i32,
    },
    /// The original `p_q_inner_data`, without a DC: old servers and recorded exchanges.
    Legacy,
}

/// What the client needs to start an exchange.
#[derive(Debug, Clone)]
pub struct ClientHandshakeConfig {
    /// The RSA keys we trust; the server must offer one of their fingerprints.
    pub keys: Vec<RsaPublicKey>,
    /// Which inner data to send.
    pub inner: InnerData,
    /// How many `dh_gen_retry` answers to accept before giving up.
    pub max_retries: u32,
}

impl ClientHandshakeConfig {
    /// Telegram's production and test keys, a permanent key for `dc`, five retries.
    pub fn new(dc: i32) -> Self {
        ClientHandshakeConfig {
            keys: vec![
                crate::crypto::rsa::production_key(),
                crate::crypto::rsa::test_key(),
            ],
            inner: InnerData::Permanent { dc },
            max_retries: 5,
        }
    }
}

/// What a successful exchange produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthKeyOutcome {
    /// The new key.
    pub auth_key: AuthKey,
    /// `server_time - now` in seconds, for message ids in server time.
    pub time_offset: i32,
    /// The first server salt: `new_nonce[0..8] XOR server_nonce[0..8]`.
    pub first_salt: i64,
    /// For a temporary key, the unix time it expires (server time).
    pub expires_at: Option<i32>,
}

/// What to do after an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this body in an unencrypted message.
    Send(Vec<u8>),
    /// The key is ready (boxed: it holds the 256-byte key).
    Done(Box<AuthKeyOutcome>),
}

/// The client side of one key exchange. See the [module docs](super) for the checks.
#[derive(Debug)]
pub struct ClientHandshake {
    config: ClientHandshakeConfig,
    state: State,
}

enum State {
    ResPq {
        nonce: [u8; 16],
    },
    DhParams {
        nonce: [u8; 16],
        server_nonce: [u8; 16],
        new_nonce: [u8; 32],
    },
    DhGen(Box<DhGen>),
    Over,
}

struct DhGen {
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
    group: Group,
    g_a: [u8; 256],
    tmp: ([u8; 32], [u8; 32]),
    auth_key: AuthKey,
    time_offset: i32,
    server_time: i32,
    retries: u32,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The phase only: new_nonce, the temporary AES key and the key are secrets.
        f.write_str(match self {
            State::ResPq { .. } => "ResPq",
            State::DhParams { .. } => "DhParams",
            State::DhGen(exchange) => match exchange.retries {
                0 => "DhGen",
                _ => "DhGen (retried)",
            },
            State::Over => "Over",
        })
    }
}

impl ClientHandshake {
    /// Starts an exchange: returns the state and the `req_pq_multi` body to send.
    pub fn start(config: ClientHandshakeConfig, random: &mut dyn RandomSource) -> (Self, Vec<u8>) {
        let mut nonce = [0u8; 16];
        random.fill(&mut nonce);
        let body = functions::ReqPqMulti { nonce }.to_bytes();
        (
            ClientHandshake {
                config,
                state: State::ResPq { nonce },
            },
            body,
        )
    }

    /// Handles the server's answer (`now`: local unix time in seconds) and says what to do
    /// next. After an error, or after [`Step::Done`], the exchange is over.
    pub fn handle(
        &mut self,
        answer: &[u8],
        now: i64,
        random: &mut dyn RandomSource,
    ) -> Result<Step, HandshakeError> {
        let state = std::mem::replace(&mut self.state, State::Over);
        let (next, step) = match state {
            State::ResPq { nonce } => self.on_res_pq(nonce, answer, random)?,
            State::DhParams {
                nonce,
                server_nonce,
                new_nonce,
            } => on_dh_params(nonce, server_nonce, new_nonce, answer, now, random)?,
            State::DhGen(gen_state) => self.on_dh_gen(*gen_state, answer, random)?,
            State::Over => return Err(HandshakeError::Finished),
        };
        self.state = next;
        Ok(step)
    }

    fn on_res_pq(
        &self,
        nonce: [u8; 16],
        answer: &[u8],
        random: &mut dyn RandomSource,
    ) -> Result<(State, Step), HandshakeError> {
        let enums::ResPQ::ResPQ(res) = enums::ResPQ::from_bytes(answer)?;
        if res.nonce != nonce {
            return Err(HandshakeError::NonceMismatch);
        }
        let key = self
            .config
            .keys
            .iter()
            .find(|k| {
                res.server_public_key_fingerprints
                    .contains(&k.fingerprint())
            })
            .ok_or_else(|| {
                HandshakeError::UnknownFingerprints(res.server_public_key_fingerprints.clone())
            })?;
        let pq = be_u64(&res.pq).ok_or(HandshakeError::PqTooLarge(res.pq.len()))?;
        let (p, q) = factor(pq)?;
        let (p, q) = (
            Bytes::copy_from_slice(&be_bytes(p)),
            Bytes::copy_from_slice(&be_bytes(q)),
        );

        let mut new_nonce = [0u8; 32];
        random.fill(&mut new_nonce);
        let server_nonce = res.server_nonce;
        let inner = match self.config.inner {
            InnerData::Permanent { dc } => types::PQInnerDataDc {
                pq: res.pq.clone(),
                p: p.clone(),
                q: q.clone(),
                nonce,
                server_nonce,
                new_nonce,
                dc,
            }
            .to_bytes(),
            InnerData::Temporary { dc, expires_in } => types::PQInnerDataTempDc {
                pq: res.pq.clone(),
                p: p.clone(),
                q: q.clone(),
                nonce,
                server_nonce,
                new_nonce,
                dc,
                expires_in,
            }
            .to_bytes(),
            InnerData::Legacy => types::PQInnerData {
                pq: res.pq.clone(),
                p: p.clone(),
                q: q.clone(),
                nonce,
                server_nonce,
                new_nonce,
            }
            .to_bytes(),
        };
        let encrypted = rsa_pad(&inner, key, random)?;
        let body = functions::ReqDHParams {
            nonce,
            server_nonce,
            p,
            q,
            public_key_fingerprint: key.fingerprint(),
            encrypted_data: Bytes::copy_from_slice(&encrypted),
        }
        .to_bytes();
        Ok((
            State::DhParams {
                nonce,
                server_nonce,
                new_nonce,
            },
            Step::Send(body),
        ))
    }

    fn on_dh_gen(
        &self,
        mut s: DhGen,
        answer: &[u8],
        random: &mut dyn RandomSource,
    ) -> Result<(State, Step), HandshakeError> {
        let answer = enums::SetClientDHParamsAnswer::from_bytes(answer)?;
        let (nonce, server_nonce, hash, n) = match &answer {
            enums::SetClientDHParamsAnswer::DhGenOk(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash1, 1)
            }
            enums::SetClientDHParamsAnswer::DhGenRetry(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash2, 2)
            }
            enums::SetClientDHParamsAnswer::DhGenFail(a) => {
                (a.nonce, a.server_nonce, a.new_nonce_hash3, 3)
            }
        };
        check_nonces(nonce, server_nonce, s.nonce, s.server_nonce)?;
        if hash != new_nonce_hash(&s.new_nonce, n, &s.auth_key) {
            return Err(HandshakeError::NewNonceHashMismatch);
        }
        match n {
            1 => {
                let first_salt = i64::from_le_bytes(xor8(&s.new_nonce[..8], &s.server_nonce[..8]));
                let expires_at = match self.config.inner {
                    InnerData::Temporary { expires_in, .. } => {
                        Some(s.server_time.saturating_add(expires_in))
                    }
                    _ => None,
                };
                let outcome = AuthKeyOutcome {
                    auth_key: s.auth_key,
                    time_offset: s.time_offset,
                    first_salt,
                    expires_at,
                };
                Ok((State::Over, Step::Done(Box::new(outcome))))
            }
            2 => {
                s.retries += 1;
                if s.retries > self.config.max_retries {
                    return Err(HandshakeError::TooManyRetries(self.config.max_retries));
                }
                let retry_id = i64::from_le_bytes(s.auth_key.aux_hash());
                let body = client_dh_params(&mut s, retry_id, random)?;
                Ok((State::DhGen(Box::new(s)), Step::Send(body)))
            }
            _ => Err(HandshakeError::DhGenFail),
        }
    }
}

fn on_dh_params(
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    new_nonce: [u8; 32],
    answer: &[u8],
    now: i64,
    random: &mut dyn RandomSource,
) -> Result<(State, Step), HandshakeError> {
    let ok = match enums::ServerDHParams::from_bytes(answer)? {
        enums::ServerDHParams::Ok(ok) => ok,
        enums::ServerDHParams::Fail(fail) => {
            // Only a server that decrypted our new_nonce can prove the refusal is its own.
            let expected = sha1(&[&new_nonce]);
            if fail.nonce != nonce
                || fail.server_nonce != server_nonce
                || fail.new_nonce_hash[..] != expected[4..20]
            {
                return Err(HandshakeError::NewNonceHashMismatch);
            }
            return Err(HandshakeError::ServerDhParamsFail);
        }
    };
    check_nonces(ok.nonce, ok.server_nonce, nonce, server_nonce)?;
    let tmp = tmp_aes(&new_nonce, &server_nonce);
    let enums::ServerDHInnerData::ServerDHInnerData(inner) = open(&ok.encrypted_answer, &tmp)?;
    check_nonces(inner.nonce, inner.server_nonce, nonce, server_nonce)?;
    let group = Group::new(inner.g, &inner.dh_prime)?;
    let g_a = group.check_public(&inner.g_a)?;
    let time_offset =
        (i64::from(inner.server_time) - now).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    let mut s = DhGen {
        nonce,
        server_nonce,
        new_nonce,
        group,
        g_a,
        tmp,
        auth_key: AuthKey::new([0; 256]),
        time_offset,
        server_time: inner.server_time,
        retries: 0,
    };
    let body = client_dh_params(&mut s, 0, random)?;
    Ok((State::DhGen(Box::new(s)), Step::Send(body)))
}

/// Draws `b` (again while `g_b` is outside the safe range), computes the auth key and
/// builds `set_client_DH_params`.
fn client_dh_params(
    s: &mut DhGen,
    retry_id: i64,
    random: &mut dyn RandomSource,
) -> Result<Vec<u8>, HandshakeError> {
    let (b, g_b) = loop {
        let mut b = [0u8; 256];
        random.fill(&mut b);
        let g_b = s.group.public(&b);
        if s.group.check_public(&g_b).is_ok() {
            break (b, g_b);
        }
    };
    s.auth_key = AuthKey::new(s.group.power(&s.g_a, &b));
    let inner = types::ClientDHInnerData {
        nonce: s.nonce,
        server_nonce: s.server_nonce,
        retry_id,
        g_b: Bytes::copy_from_slice(&g_b),
    };
    let data = seal(&inner, &s.tmp, random)?;
    Ok(functions::SetClientDHParams {
        nonce: s.nonce,
        server_nonce: s.server_nonce,
        encrypted_data: Bytes::from(data),
    }
    .to_bytes())
}

fn xor8(a: &[u8], b: &[u8]) -> [u8; 8] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

fn be_u64(bytes: &[u8]) -> Option<u64> {
    (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}
