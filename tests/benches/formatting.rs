//! What the high-level layer costs on top of decoding a history page: a 100-message
//! `messages.Messages` answer from a supergroup (10 senders, each text with bold,
//! italic, underline, code and link entities and emoji, made by the test DC's world
//! model), decoded alone, then decoded, turned into [`Message`]s
//! (peers remembered in the peer cache, each message's chat and sender found) and each
//! text written back as HTML. The goal is at most twice the decode.
//!
//! Both sides are timed answer by answer in turn (as the peer-cache bench does), and the
//! ratio of the two printed as `paired`.
//!
//! Run: `cargo bench --bench formatting -- --warm-up-time 1 --measurement-time 3`.
//!
//! Measured runs (the project's shared 2-core machine, other builds running): before
//! the work below, paired ratio 5.05 (decode 31 µs, decode + Messages + HTML 153 µs).
//! Then 2.29 and 2.33: the messages of one answer share each chat and sender (made
//! once, behind an `Arc`), and the HTML writer places entities from the text's
//! non-ASCII characters alone, borrows addresses from the entities, keeps its
//! positions off the heap, searches for characters to escape once per text and writes
//! into one allocation. Now three runs in one sitting: paired 1.891, 1.893 and 1.890,
//! within the goal. What changed last, each found in a profile (`perf record` on the
//! bench binary with `--profile-time 8`): span ends kept in bytes alone (40-byte spans
//! written in place, not returned by value); the span of an entity built inline (read
//! back whole from a piecewise store, it stalled); ASCII skipped eight bytes at a time;
//! each closing tag a copy of known length rather than a `memcpy` call; a writer for
//! spans that nest (nearly all), the general one kept for spans that cross; the list
//! of messages sized once; the client held in the shared part of a message (one
//! reference count per message, not two).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use oxigram::tl::{Deserialize, Serialize, enums, types};
use oxigram::{Client, Message};
use oxigram_testdc::world::{self, PeerRef, Post, World};

const MESSAGES: i32 = 100;
const SENDERS: usize = 10;

/// A message of about 200 characters with five entities (UTF-16 offsets).
fn text(id: i32) -> (String, Vec<enums::MessageEntity>) {
    let text = format!(
        "Message {id}: the meeting moved to Thursday 🦊, see the notes at \
         https://example.com/notes/{id} and run `cargo test` before; bring the \
         slides 👩‍💻 and the numbers for the quarter, please."
    );
    let utf16 = |s: &str| s.encode_utf16().count() as i32;
    let at = |needle: &str| utf16(&text[..text.find(needle).expect("in the text")]);
    let entities = vec![
        enums::MessageEntity::Bold(types::MessageEntityBold {
            offset: 0,
            length: utf16(&format!("Message {id}")),
        }),
        enums::MessageEntity::Italic(types::MessageEntityItalic {
            offset: at("Thursday"),
            length: 8,
        }),
        enums::MessageEntity::TextUrl(types::MessageEntityTextUrl {
            offset: at("the notes"),
            length: 9,
            url: format!("https://example.com/notes/{id}"),
        }),
        enums::MessageEntity::Code(types::MessageEntityCode {
            offset: at("cargo test"),
            length: 10,
        }),
        enums::MessageEntity::Underline(types::MessageEntityUnderline {
            offset: at("the quarter"),
            length: 11,
        }),
    ];
    (text, entities)
}

/// The answer a reader gets for the last 100 messages of a supergroup where ten
/// people talk, as the test DC's world model makes it.
fn answer() -> Vec<u8> {
    let mut world = World::new(7);
    let reader = world.create_user("9996620000", "Reader", 2);
    let senders: Vec<i64> = (0..SENDERS)
        .map(|i| world.create_user(&format!("99966200{:02}", i + 1), "Sender", 2))
        .collect();
    let group = world.create_group(reader, "Team", &senders, 1_700_000_000, Some(false));
    for id in 1..=MESSAGES {
        let (text, entities) = text(id);
        let post = Post {
            from: senders[id as usize % SENDERS],
            text: &text,
            date: 1_700_000_000 + id,
            entities: Some(entities),
            ..Post::default()
        };
        world.post(PeerRef::Channel(group), &post);
    }
    let history = world.history(reader, PeerRef::Channel(group));
    let chat = world::chat(world.group(group).expect("made above"), reader);
    enums::messages::Messages::Messages(types::messages::Messages {
        messages: history
            .iter()
            .take(MESSAGES as usize)
            .map(|m| world.message(m, reader))
            .collect(),
        topics: vec![],
        chats: vec![chat],
        users: senders
            .iter()
            .filter_map(|&id| world.user(id, reader))
            .collect(),
    })
    .to_bytes()
}

fn decode(bytes: &[u8]) -> enums::messages::Messages {
    enums::messages::Messages::from_bytes(bytes).expect("the bench's own encoding decodes")
}

fn decode_alone(bytes: &[u8]) {
    black_box(decode(bytes));
}

/// Decodes, makes the high-level messages and writes each text back as HTML.
fn decode_and_format(client: &Client, bytes: &[u8]) {
    let messages = Message::from_answer(client, decode(bytes)).expect("a messages answer");
    assert_eq!(messages.len(), MESSAGES as usize);
    for m in &messages {
        black_box(m.text().html());
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Both sides, one after the other in alternating order, over `iters` rounds.
fn paired(client: &Client, bytes: &[u8], iters: u64) -> (Duration, Duration) {
    let (mut decode, mut format) = (Duration::ZERO, Duration::ZERO);
    for i in 0..iters {
        if i % 2 == 0 {
            decode += time(|| decode_alone(bytes));
            format += time(|| decode_and_format(client, bytes));
        } else {
            format += time(|| decode_and_format(client, bytes));
            decode += time(|| decode_alone(bytes));
        }
    }
    (decode, format)
}

fn bench(c: &mut Criterion) {
    let client = Client::builder("formatting-bench")
        .api_id(1)
        .api_hash("0123456789abcdef0123456789abcdef")
        .in_memory()
        .build_offline()
        .expect("an in-memory client opens");
    let bytes = Bytes::from(answer());
    // The HTML of one message, checked once so the bench measures real work.
    let first = Message::from_answer(&client, decode(&bytes)).expect("a messages answer");
    assert!(first[0].text().html().starts_with("<b>Message 100</b>"));

    let mut group = c.benchmark_group("formatting");
    let mut all = (Duration::ZERO, Duration::ZERO);
    group.bench_function("decode 100 messages", |b| {
        b.iter_custom(|iters| {
            let run = paired(&client, &bytes, iters);
            all = (all.0 + run.0, all.1 + run.1);
            run.0
        })
    });
    group.bench_function("decode + Messages + HTML", |b| {
        b.iter_custom(|iters| {
            let run = paired(&client, &bytes, iters);
            all = (all.0 + run.0, all.1 + run.1);
            run.1
        })
    });
    group.finish();
    println!(
        "formatting: (decode + Messages + HTML) / decode, paired = {:.3} ({:.2?} over {:.2?})",
        all.1.as_secs_f64() / all.0.as_secs_f64(),
        all.1,
        all.0,
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
