//! How an invocation can fail.

use oxigram_proto::session::{RequestError, RpcError};

/// Why `invoke` returned no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvokeError {
    /// The server answered with an RPC error (`FLOOD_WAIT_31`: name `FLOOD_WAIT`,
    /// value 31).
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// The request ended without an answer (cancelled, refused, closed).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The answer does not decode as the request's return type.
    #[error("the answer does not decode: {0}")]
    Decode(#[from] oxigram_tl::DecodeError),
    /// The client was closed (or its driver stopped).
    #[error("the client is closed")]
    Closed,
}
