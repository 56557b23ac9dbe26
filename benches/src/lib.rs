//! Shared inputs for the comparison benchmarks.

use oxigram_tl::{Deserialize, Serialize, enums};

/// A `messages.messages` answer like a chat history page: `messages` messages with text
/// and three entities each, `users` users and `chats` chats, as Telegram encodes it.
pub fn history_page(messages: usize, users: usize, chats: usize) -> Vec<u8> {
    let mut w = Writer::default();
    w.id(0x1d73e7ea); // messages.messages
    w.vector(messages);
    for i in 0..messages {
        w.id(0x7600b9d3); // message
        w.int((1 << 1) | (1 << 7) | (1 << 8)); // out, entities, from_id
        w.int(0); // flags2
        w.int(100_000 + i as i32); // id
        w.id(0x59511722).long(1_000 + (i % users) as i64); // from_id: peerUser
        w.id(0x36c6019a).long(7_000 + (i % chats) as i64); // peer_id: peerChat
        w.int(1_700_000_000 + i as i32 * 37); // date
        let text = format!(
            "Message {i}: see https://example.org/item/{i} for the details, and please \
             reply before Friday — thanks! 👍 Bold part here."
        );
        w.string(&text);
        w.vector(3);
        w.id(0xbd610bc9).int(0).int(7); // messageEntityBold
        w.id(0x6ed02538).int(17).int(28); // messageEntityUrl
        w.id(0x76a6d327)
            .int(50)
            .int(7)
            .string("https://example.org/details"); // TextUrl
    }
    w.vector(0); // topics
    w.vector(chats);
    for i in 0..chats {
        w.id(0x41cbf256).int(0); // chat, no flags
        w.long(7_000 + i as i64);
        w.string(&format!("Group chat number {i}"));
        w.id(0x37c1011c); // chatPhotoEmpty
        w.int(42).int(1_650_000_000).int(3);
    }
    w.vector(users);
    for i in 0..users {
        w.id(0xb1b8cc83); // user
        w.int(0b11111 | (1 << 6)); // access_hash, names, username, phone, status
        w.int(0); // flags2
        w.long(1_000 + i as i64);
        w.long(0x1234_5678_9abc_def0 ^ i as i64);
        w.string(&format!("First{i}"));
        w.string(&format!("Last{i}"));
        w.string(&format!("user_{i}"));
        w.string(&format!("99966{:05}", i));
        w.id(0x7b197dc8).int(0); // userStatusRecently
    }
    let bytes = w.0;
    // Make sure the page is what the schema says: it decodes and re-encodes exactly.
    let decoded = enums::messages::Messages::from_bytes(&bytes).expect("valid page");
    assert_eq!(decoded.to_bytes(), bytes);
    bytes
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn id(&mut self, id: u32) -> &mut Self {
        self.0.extend(id.to_le_bytes());
        self
    }
    fn int(&mut self, v: i32) -> &mut Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn long(&mut self, v: i64) -> &mut Self {
        self.0.extend(v.to_le_bytes());
        self
    }
    fn vector(&mut self, len: usize) -> &mut Self {
        self.id(oxigram_tl::VECTOR_ID).int(len as i32)
    }
    fn string(&mut self, s: &str) -> &mut Self {
        oxigram_tl::put_byte_string(s.as_bytes(), &mut self.0);
        self
    }
}
