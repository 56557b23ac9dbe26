//! Constructor ids of the service messages both roles read, and small helpers.

use oxigram_tl::Identifiable;
#[cfg(feature = "server")]
use oxigram_tl::mtproto::functions;
use oxigram_tl::mtproto::types;

pub(crate) const RPC_RESULT: u32 = types::RpcResult::CONSTRUCTOR_ID;
pub(crate) const RPC_ERROR: u32 = types::RpcError::CONSTRUCTOR_ID;
pub(crate) const MSGS_ACK: u32 = types::MsgsAck::CONSTRUCTOR_ID;
pub(crate) const BAD_MSG_NOTIFICATION: u32 = types::BadMsgNotification::CONSTRUCTOR_ID;
pub(crate) const BAD_SERVER_SALT: u32 = types::BadServerSalt::CONSTRUCTOR_ID;
pub(crate) const NEW_SESSION_CREATED: u32 = types::NewSessionCreated::CONSTRUCTOR_ID;
pub(crate) const MSG_CONTAINER: u32 = types::MsgContainer::CONSTRUCTOR_ID;
pub(crate) const MSG_COPY: u32 = types::MsgCopy::CONSTRUCTOR_ID;
pub(crate) const GZIP_PACKED: u32 = types::GzipPacked::CONSTRUCTOR_ID;
pub(crate) const PONG: u32 = types::Pong::CONSTRUCTOR_ID;
pub(crate) const FUTURE_SALTS: u32 = types::FutureSalts::CONSTRUCTOR_ID;
pub(crate) const MSGS_STATE_REQ: u32 = types::MsgsStateReq::CONSTRUCTOR_ID;
pub(crate) const MSGS_STATE_INFO: u32 = types::MsgsStateInfo::CONSTRUCTOR_ID;
pub(crate) const MSGS_ALL_INFO: u32 = types::MsgsAllInfo::CONSTRUCTOR_ID;
pub(crate) const MSG_DETAILED_INFO: u32 = types::MsgDetailedInfo::CONSTRUCTOR_ID;
pub(crate) const MSG_NEW_DETAILED_INFO: u32 = types::MsgNewDetailedInfo::CONSTRUCTOR_ID;
pub(crate) const MSG_RESEND_REQ: u32 = types::MsgResendReq::CONSTRUCTOR_ID;
pub(crate) const MSG_RESEND_ANS_REQ: u32 = types::MsgResendAnsReq::CONSTRUCTOR_ID;
pub(crate) const DESTROY_SESSION_OK: u32 = types::DestroySessionOk::CONSTRUCTOR_ID;
pub(crate) const DESTROY_SESSION_NONE: u32 = types::DestroySessionNone::CONSTRUCTOR_ID;
pub(crate) const HTTP_WAIT: u32 = types::HttpWait::CONSTRUCTOR_ID;
/// `boolTrue`, from the API schema (the answer to `auth.bindTempAuthKey`).
pub(crate) const BOOL_TRUE: u32 = 0x997275b5;
#[cfg(feature = "server")]
pub(crate) const PING: u32 = functions::Ping::CONSTRUCTOR_ID;
#[cfg(feature = "server")]
pub(crate) const PING_DELAY_DISCONNECT: u32 = functions::PingDelayDisconnect::CONSTRUCTOR_ID;
#[cfg(feature = "server")]
pub(crate) const GET_FUTURE_SALTS: u32 = functions::GetFutureSalts::CONSTRUCTOR_ID;
#[cfg(feature = "server")]
pub(crate) const RPC_DROP_ANSWER: u32 = functions::RpcDropAnswer::CONSTRUCTOR_ID;
#[cfg(feature = "server")]
pub(crate) const DESTROY_SESSION: u32 = functions::DestroySession::CONSTRUCTOR_ID;

/// The constructor id a body starts with.
pub(crate) fn constructor_id(body: &[u8]) -> Option<u32> {
    body.first_chunk::<4>().map(|id| u32::from_le_bytes(*id))
}

#[cfg(feature = "server")]
/// Whether messages with this body are content-related (need an odd seqno and an ack):
/// everything but acknowledgements and containers.
pub(crate) fn is_content_related(body: &[u8]) -> bool {
    !matches!(constructor_id(body), Some(MSGS_ACK | MSG_CONTAINER))
}

/// Seconds of server time a message id carries.
pub(crate) fn msg_id_seconds(msg_id: i64) -> i64 {
    msg_id >> 32
}
