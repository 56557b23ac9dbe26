//! The binding message: `auth.bindTempAuthKey` carrying `bind_auth_key_inner` encrypted
//! with the permanent key in the MTProto 1.0 format, and the server's checks of it.
//!
//! The encrypted part is `perm_auth_key_id ‖ msg_key ‖ AES-IGE(random:int128 ‖ msg_id ‖
//! seq_no = 0 ‖ length = 40 ‖ bind_auth_key_inner ‖ padding to 16)`, with `msg_key` the
//! SHA-1 message key of the plaintext without its padding. `msg_id` is the id of the
//! message that carries the request, so a binding cannot be replayed in another message;
//! `temp_session_id` names the session it must arrive in, `temp_auth_key_id` the key.

use bytes::BufMut;
use oxigram_tl::mtproto::types::BindAuthKeyInner;
#[cfg(feature = "server")]
use oxigram_tl::{Deserialize, Identifiable};
use oxigram_tl::{Serialize, functions};

use crate::crypto::message::{AuthKey, Sender};
use crate::crypto::{ige, v1};
use crate::random::RandomSource;
use crate::session::RpcError;

/// The serialized `bind_auth_key_inner`: five fields after the constructor id.
const INNER_LEN: usize = 4 + 8 * 4 + 4;
/// `random ‖ msg_id ‖ seq_no ‖ length`.
const HEADER_LEN: usize = 16 + 8 + 4 + 4;

/// What a binding says: everything but the message id, which is only known when the
/// request goes out.
#[derive(Clone, PartialEq, Eq)]
pub struct Binding {
    /// The permanent key, which encrypts the binding.
    pub perm: AuthKey,
    /// The temporary key's id (as on the wire: little-endian).
    pub temp_auth_key_id: i64,
    /// The session the request goes out in.
    pub temp_session_id: i64,
    /// When the temporary key ends (server time, unix seconds).
    pub expires_at: i32,
    /// A random number, in the request and in the encrypted part alike.
    pub nonce: i64,
}

impl std::fmt::Debug for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binding")
            .field("perm", &self.perm)
            .field(
                "temp_auth_key_id",
                &format_args!("{:016x}", self.temp_auth_key_id),
            )
            .field("temp_session_id", &self.temp_session_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The serialized `auth.bindTempAuthKey` of `binding`, for the message `msg_id`. The
/// random header and the padding come from `random`.
///
/// ```
/// use oxigram_proto::crypto::message::AuthKey;
/// use oxigram_proto::pfs::{BindCheck, Binding, bind_request, verify_binding};
/// use oxigram_proto::random::SeededRandom;
///
/// let perm = AuthKey::new([7; 256]);
/// let binding = Binding {
///     perm: perm.clone(),
///     temp_auth_key_id: 42,
///     temp_session_id: 9,
///     expires_at: 1_700_000_000,
///     nonce: 5,
/// };
/// let msg_id = 0x6500_0000_0000_0004;
/// let body = bind_request(&binding, msg_id, &mut SeededRandom::new([1; 32]));
/// let check = BindCheck { temp_auth_key_id: 42, temp_session_id: 9, msg_id };
/// let bound = verify_binding(&body, |_| Some(perm.clone()), &check).unwrap();
/// assert_eq!(bound.expires_at, 1_700_000_000);
/// ```
pub fn bind_request(binding: &Binding, msg_id: i64, random: &mut dyn RandomSource) -> Vec<u8> {
    let perm_auth_key_id = i64::from_le_bytes(binding.perm.id());
    let inner = BindAuthKeyInner {
        nonce: binding.nonce,
        temp_auth_key_id: binding.temp_auth_key_id,
        perm_auth_key_id,
        temp_session_id: binding.temp_session_id,
        expires_at: binding.expires_at,
    };
    let mut plain = Vec::with_capacity(HEADER_LEN + INNER_LEN + 16);
    let mut head = [0u8; 16];
    random.fill(&mut head);
    plain.put_slice(&head);
    plain.put_i64_le(msg_id);
    plain.put_i32_le(0);
    plain.put_u32_le(INNER_LEN as u32);
    inner.serialize(&mut plain);
    let msg_key = v1::msg_key(&plain);
    let padding = (16 - plain.len() % 16) % 16;
    let mut pad = [0u8; 16];
    random.fill(&mut pad[..padding]);
    plain.put_slice(&pad[..padding]);
    let (key, iv) = v1::aes_key_iv(&binding.perm, Sender::Client, &msg_key);
    ige::encrypt(&mut plain, &key, &iv).expect("padded to whole blocks");
    let mut encrypted = Vec::with_capacity(24 + plain.len());
    encrypted.put_slice(&binding.perm.id());
    encrypted.put_slice(&msg_key);
    encrypted.put_slice(&plain);
    functions::auth::BindTempAuthKey {
        perm_auth_key_id,
        nonce: binding.nonce,
        expires_at: binding.expires_at,
        encrypted_message: encrypted.into(),
    }
    .to_bytes()
}

/// What the server knows of the message a binding came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindCheck {
    /// The key the message was encrypted with.
    pub temp_auth_key_id: i64,
    /// The session it came in.
    pub temp_session_id: i64,
    /// Its message id.
    pub msg_id: i64,
}

/// A binding that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The permanent key the temporary one now stands for.
    pub perm_auth_key_id: i64,
    /// When the binding ends (server time, unix seconds).
    pub expires_at: i32,
}

/// Why a binding was refused. [`BindError::rpc_error`] is what the client is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The request does not decode as `auth.bindTempAuthKey`.
    #[error("not an auth.bindTempAuthKey request")]
    Malformed,
    /// The request came under a permanent key.
    #[error("the binding came under a permanent key")]
    NotTemporary,
    /// No permanent key has the id the request names.
    #[error("unknown permanent key {0:016x}")]
    UnknownPermKey(i64),
    /// The encrypted part is not a key id, a message key and whole blocks of the right
    /// size.
    #[error("encrypted part of {0} bytes")]
    Length(usize),
    /// The encrypted part names another key than the request does.
    #[error("the encrypted part is for another key")]
    KeyId,
    /// The message key does not match the decrypted content (altered, or another key).
    #[error("message key mismatch")]
    MessageKey,
    /// The header's message id is not the id of the message that carried the request.
    #[error("message id {found:x} instead of {expected:x}")]
    MsgId {
        /// The id in the encrypted part.
        found: i64,
        /// The id of the carrying message.
        expected: i64,
    },
    /// The header's sequence number or length is wrong.
    #[error("bad header: seq_no {seq_no}, length {length}")]
    Header {
        /// The sequence number (0 expected).
        seq_no: i32,
        /// The length (40 expected).
        length: u32,
    },
    /// A field of `bind_auth_key_inner` disagrees with the request or its message.
    #[error("{0} does not match")]
    Field(&'static str),
    /// The temporary key is bound to another permanent key already.
    #[error("the temporary key is bound to another key")]
    AlreadyBound,
}

impl BindError {
    /// The RPC error the client gets: `TEMP_AUTH_KEY_EMPTY` under a permanent key,
    /// `TEMP_AUTH_KEY_ALREADY_BOUND`, and `ENCRYPTED_MESSAGE_INVALID` for everything that
    /// fails to verify (the client is not told which check failed).
    pub fn rpc_error(&self) -> RpcError {
        match self {
            BindError::NotTemporary => RpcError::new(400, "TEMP_AUTH_KEY_EMPTY"),
            BindError::AlreadyBound => RpcError::new(400, "TEMP_AUTH_KEY_ALREADY_BOUND"),
            BindError::Malformed => RpcError::new(400, "INPUT_REQUEST_INVALID"),
            _ => RpcError::new(400, "ENCRYPTED_MESSAGE_INVALID"),
        }
    }
}

/// Verifies the `auth.bindTempAuthKey` request `body` that arrived in the message `check`
/// describes: the permanent key (found with `perm_key`) decrypts it, and every field
/// agrees with the request and the message. The caller checks whether the temporary key
/// is a temporary one and not bound elsewhere. (Server role: behind the `server`
/// feature.)
#[cfg(feature = "server")]
pub fn verify_binding(
    body: &[u8],
    perm_key: impl FnOnce(i64) -> Option<AuthKey>,
    check: &BindCheck,
) -> Result<Bound, BindError> {
    let request =
        functions::auth::BindTempAuthKey::from_bytes(body).map_err(|_| BindError::Malformed)?;
    let perm = perm_key(request.perm_auth_key_id)
        .ok_or(BindError::UnknownPermKey(request.perm_auth_key_id))?;
    let data = &request.encrypted_message[..];
    let len = data.len();
    // Header and inner data make 72 bytes, padded to 80.
    if len != 24 + 80 {
        return Err(BindError::Length(len));
    }
    if data[..8] != perm.id() || request.perm_auth_key_id != i64::from_le_bytes(perm.id()) {
        return Err(BindError::KeyId);
    }
    let msg_key: [u8; 16] = data[8..24].try_into().expect("16 bytes");
    let mut plain = data[24..].to_vec();
    let (key, iv) = v1::aes_key_iv(&perm, Sender::Client, &msg_key);
    ige::decrypt(&mut plain, &key, &iv).map_err(|_| BindError::Length(len))?;
    let content = &plain[..HEADER_LEN + INNER_LEN];
    if v1::msg_key(content) != msg_key {
        return Err(BindError::MessageKey);
    }
    let word = |at: usize| u32::from_le_bytes(content[at..at + 4].try_into().expect("4 bytes"));
    let msg_id = i64::from_le_bytes(content[16..24].try_into().expect("8 bytes"));
    let (seq_no, length) = (word(24) as i32, word(28));
    if seq_no != 0 || length != INNER_LEN as u32 {
        return Err(BindError::Header { seq_no, length });
    }
    if msg_id != check.msg_id {
        return Err(BindError::MsgId {
            found: msg_id,
            expected: check.msg_id,
        });
    }
    let inner_bytes = &content[HEADER_LEN..];
    if word(HEADER_LEN) != BindAuthKeyInner::CONSTRUCTOR_ID {
        return Err(BindError::Field("constructor"));
    }
    let inner =
        BindAuthKeyInner::from_bytes(inner_bytes).map_err(|_| BindError::Field("inner data"))?;
    let fields = [
        ("nonce", inner.nonce == request.nonce),
        (
            "perm_auth_key_id",
            inner.perm_auth_key_id == request.perm_auth_key_id,
        ),
        ("expires_at", inner.expires_at == request.expires_at),
        (
            "temp_auth_key_id",
            inner.temp_auth_key_id == check.temp_auth_key_id,
        ),
        (
            "temp_session_id",
            inner.temp_session_id == check.temp_session_id,
        ),
    ];
    if let Some((name, _)) = fields.iter().find(|(_, ok)| !ok) {
        return Err(BindError::Field(name));
    }
    Ok(Bound {
        perm_auth_key_id: inner.perm_auth_key_id,
        expires_at: inner.expires_at,
    })
}

#[cfg(test)]
mod tests;
