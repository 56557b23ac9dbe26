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

/// Most ids one `msgs_ack` carries.
pub(crate) const MAX_ACKS: usize = 8192;

/// A `msgs_ack` of up to [`MAX_ACKS`] of `acks` (drained from the front), written into
/// `buf`, whose allocation is reused once the packet that carried it is gone.
pub(crate) fn ack_body(acks: &mut Vec<i64>, buf: &mut BytesMut) -> Bytes {
    let take = acks.len().min(MAX_ACKS);
    buf.reserve(12 + 8 * take);
    buf.put_u32_le(super::service::MSGS_ACK);
    buf.put_u32_le(oxigram_tl::VECTOR_ID);
    buf.put_u32_le(take as u32);
    for id in acks.drain(..take) {
        buf.put_i64_le(id);
    }
    buf.split().freeze()
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

/// The messages of a `msg_container` body as `(msg_id, seqno, body)`, read without
/// allocating. `None` if the container is malformed: a count above
/// [`MAX_CONTAINER_MESSAGES`], a length that is not whole words or runs past the end, or
/// bytes left over.
pub(crate) fn contained(body: &Bytes) -> Option<impl Iterator<Item = (i64, i32, Bytes)> + '_> {
    let word = |at: usize| {
        body.get(at..at + 4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
    };
    if word(0)? != MSG_CONTAINER {
        return None;
    }
    let count = word(4)? as usize;
    if count > MAX_CONTAINER_MESSAGES {
        return None;
    }
    // First pass: the structure holds together.
    let mut at = 8;
    for _ in 0..count {
        let len = word(at + 12)? as usize;
        if !len.is_multiple_of(4) || len < 4 {
            return None;
        }
        at = at.checked_add(16 + len).filter(|&end| end <= body.len())?;
    }
    if at != body.len() {
        return None;
    }
    let mut at = 8;
    Some((0..count).map(move |_| {
        let long = |at: usize| i64::from_le_bytes(body[at..at + 8].try_into().unwrap());
        let (msg_id, seq_no) = (long(at), long(at + 8) as i32);
        let len = u32::from_le_bytes(body[at + 12..at + 16].try_into().unwrap()) as usize;
        let message = body.slice(at + 16..at + 16 + len);
        at += 16 + len;
        (msg_id, seq_no, message)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigram_tl::Serialize;
    use oxigram_tl::mtproto::types;

    #[test]
    fn containers_read_back_and_malformed_ones_are_refused() {
        let message = |msg_id: i64, body: &[u8]| types::Message {
            msg_id,
            seqno: 3,
            bytes: body.len() as i32,
            body: oxigram_tl::RawObject(Bytes::copy_from_slice(body)),
        };
        let body = Bytes::from(
            types::MsgContainer {
                messages: vec![message(8, &[1; 8]), message(12, &[2; 4])],
            }
            .to_bytes(),
        );
        let read: Vec<_> = contained(&body).unwrap().collect();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1], (12, 3, Bytes::from_static(&[2; 4])));
        for cut in [4, 9, 20, body.len() - 1] {
            assert!(contained(&body.slice(..cut)).is_none(), "{cut}");
        }
        let mut longer = body.to_vec();
        longer.extend_from_slice(&[0; 4]);
        assert!(contained(&Bytes::from(longer)).is_none());
    }
}
