//! Packing outgoing messages into one packet: a lone message, or a container of them.

use bytes::{BufMut, Bytes, BytesMut};

use super::envelope::seal_into;
use super::service::MSG_CONTAINER;
use crate::crypto::message::{AuthKey, Sender};
use crate::random::RandomSource;

/// Most messages in one container.
pub const MAX_CONTAINER_MESSAGES: usize = 1024;
/// Most body bytes packed into one container; a larger message goes alone.
pub const MAX_CONTAINER_BYTES: usize = 512 << 10;

/// One message ready to go: its id, sequence number and body.
#[derive(Debug, Clone)]
pub(crate) struct OutMessage {
    pub msg_id: i64,
    pub seq_no: i32,
    pub body: Bytes,
}

/// Whether a message of `len` bytes still fits a container holding `count` messages of
/// `bytes` bytes.
pub(crate) fn fits(count: usize, bytes: usize, len: usize) -> bool {
    count == 0 || (count < MAX_CONTAINER_MESSAGES && bytes + len + 16 <= MAX_CONTAINER_BYTES)
}

/// Seals `batch` (one message, or several under the `container` id and seqno) into `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_batch(
    key: &AuthKey,
    sender: Sender,
    (salt, session_id): (i64, i64),
    batch: &[OutMessage],
    container: Option<(i64, i32)>,
    scratch: &mut BytesMut,
    random: &mut dyn RandomSource,
    out: &mut BytesMut,
) {
    match (batch, container) {
        ([one], _) | ([one, ..], None) => {
            debug_assert!(batch.len() == 1, "several messages need a container");
            let fields = (salt, session_id, one.msg_id, one.seq_no);
            seal_into(key, sender, fields, &[&one.body], random, out);
        }
        (_, Some((msg_id, seq_no))) => {
            scratch.clear();
            scratch.put_u32_le(MSG_CONTAINER);
            scratch.put_u32_le(batch.len() as u32);
            for message in batch {
                scratch.put_i64_le(message.msg_id);
                scratch.put_i32_le(message.seq_no);
                scratch.put_u32_le(message.body.len() as u32);
                scratch.put_slice(&message.body);
            }
            let fields = (salt, session_id, msg_id, seq_no);
            seal_into(key, sender, fields, &[scratch], random, out);
        }
        ([], _) => {}
    }
}
