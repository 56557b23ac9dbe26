//! What the peer cache costs on top of decoding: 1,000 `users.getUsers`-like answers of
//! 100 users each, decoded alone, then decoded and remembered by a [`PeerCache`] that
//! meets every user for the first time, and by one that knows them all already (100,000
//! distinct users, or 10,000 users seen ten times each).
//!
//! The acceptance limit is a steady-state cost of at most 10% over decoding alone: the
//! 10,000-user case, a working set within the default capacity. The 100,000-user case
//! keeps five times the default capacity in memory, beyond the CPU caches, and is shown
//! as the worst case. The steady state is timed answer by answer, decoding alone and
//! decoding then remembering in turn (see `Paired`), and the ratio of the two printed as
//! `paired`; criterion's own estimates come from separate windows and drift with the
//! machine's load.
//!
//! Peers met for the first time are measured too (`all new`), beside a floor: decoding
//! plus only the three index entries (id, username, phone) any cache answering those
//! lookups must make, into maps sized beforehand; and beneath it decoding plus the id
//! map alone, which no cache can do without. The ratios over decoding alone are printed
//! from one run of their own (`first_sightings`).
//!
//! Run: `cargo bench --bench peer_cache -- --warm-up-time 1 --measurement-time 3`.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use oxigram::peers::{PeerCache, PeerCacheConfig};
use oxigram::storage::MemoryStorage;
use oxigram::tl::{Deserialize, Serialize, enums, types};

const ANSWERS: i64 = 1_000;
const USERS_PER_ANSWER: i64 = 100;
const USERS: usize = (ANSWERS * USERS_PER_ANSWER) as usize;

/// A user as the server sends one: names, most with a username, half with a phone, a
/// profile photo with its stripped thumbnail, a status.
fn user(id: i64) -> enums::User {
    let photo = types::UserProfilePhoto {
        has_video: false,
        personal: false,
        photo_id: id * 1_000 + 7,
        stripped_thumb: Some(vec![0x01; 120].into()),
        dc_id: 2,
    }
    .into();
    let status = types::UserStatusOffline {
        was_online: 1_700_000_000 + id as i32,
    }
    .into();
    types::User {
        is_self: false,
        contact: id % 5 == 0,
        mutual_contact: id % 10 == 0,
        deleted: false,
        bot_chat_history: false,
        bot_nochats: false,
        verified: false,
        min: false,
        bot_inline_geo: false,
        support: false,
        scam: false,
        apply_min_photo: false,
        fake: false,
        bot_attach_menu: false,
        premium: false,
        attach_menu_enabled: false,
        bot_can_edit: false,
        close_friend: false,
        stories_hidden: false,
        stories_unavailable: false,
        contact_require_premium: false,
        bot_business: false,
        bot_has_main_app: false,
        bot_forum_view: false,
        bot_forum_can_manage_topics: false,
        bot_can_manage_bots: false,
        bot_guestchat: false,
        bot_guard: false,
        id,
        access_hash: Some(0x5eed_0000_0000 ^ id.wrapping_mul(0x1f35_79b9_7f4a_7c15)),
        first_name: Some(format!("First{id}")),
        last_name: (id % 3 == 0).then(|| format!("Last name {id}")),
        username: (id % 4 != 0).then(|| format!("User_Name{id}")),
        phone: (id % 2 == 0).then(|| format!("4479{id:08}")),
        photo: Some(photo),
        status: Some(status),
        bot_info_version: None,
        restriction_reason: None,
        bot_inline_placeholder: None,
        lang_code: Some("en".into()),
        emoji_status: None,
        usernames: None,
        stories_max_id: None,
        color: None,
        profile_color: None,
        bot_active_users: None,
        bot_verification_icon: None,
        send_paid_messages_stars: None,
        linked_community_id: None,
    }
    .into()
}

/// The encoded answers, 100 users each, drawn in turn from `population` users (all
/// distinct when it is `USERS`).
fn answers(population: i64) -> Vec<Vec<u8>> {
    (0..ANSWERS)
        .map(|a| {
            let users: Vec<enums::User> = (0..USERS_PER_ANSWER)
                .map(|i| user(1_000_000 + (a * USERS_PER_ANSWER + i) % population))
                .collect();
            users.to_bytes()
        })
        .collect()
}

fn cache() -> PeerCache {
    let mut config = PeerCacheConfig::default();
    config.capacity = USERS;
    let storage = MemoryStorage::with_limit(Default::default(), USERS);
    PeerCache::with_config(Arc::new(storage), config)
}

fn decode(answer: &[u8]) -> Vec<enums::User> {
    Vec::<enums::User>::from_bytes(answer).expect("the bench's own encoding decodes")
}

/// Decoding alone and decoding then remembering, timed answer by answer in turn, so that
/// both see the same machine: on shared cores a burst of other work during one of two
/// separately measured benchmarks shifts their ratio by more than the cache costs.
/// Each side decodes the same bytes and drops what it decoded inside its timed section;
/// which side goes first alternates, so neither always finds the answer's bytes warm.
#[derive(Debug, Default, Clone, Copy)]
struct Paired {
    decode: Duration,
    remember: Duration,
}

impl Paired {
    fn run(&mut self, known: &PeerCache, answers: &[Vec<u8>], iters: u64) {
        for _ in 0..iters {
            for (i, answer) in answers.iter().enumerate() {
                if i % 2 == 0 {
                    self.decode += time(|| decode_alone(answer));
                    self.remember += time(|| decode_and_remember(known, answer));
                } else {
                    self.remember += time(|| decode_and_remember(known, answer));
                    self.decode += time(|| decode_alone(answer));
                }
            }
        }
    }

    fn ratio(&self) -> f64 {
        self.remember.as_secs_f64() / self.decode.as_secs_f64()
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn decode_alone(answer: &[u8]) {
    black_box(decode(answer));
}

/// Decodes and remembers an answer whose users `known` has all met already.
fn decode_and_remember(known: &PeerCache, answer: &[u8]) {
    let users = decode(answer);
    let written = known.remember(&users).expect("memory storage never fails");
    assert_eq!(written, 0, "a known, unchanged user is not written again");
}

/// Just the indexes a peer cache needs, for the floor of "all new": sized for every
/// user beforehand (outside the timing), so that not even a rehash is counted.
struct Floor {
    ids: HashMap<i64, i64, foldhash::fast::RandomState>,
    usernames: HashMap<String, i64, foldhash::fast::RandomState>,
    phones: HashMap<String, i64, foldhash::fast::RandomState>,
}

impl Floor {
    fn sized() -> Floor {
        let hasher = foldhash::fast::RandomState::default;
        Floor {
            ids: HashMap::with_capacity_and_hasher(USERS, hasher()),
            usernames: HashMap::with_capacity_and_hasher(USERS, hasher()),
            phones: HashMap::with_capacity_and_hasher(USERS, hasher()),
        }
    }

    /// Decodes every answer and indexes its users.
    fn index_all(&mut self, answers: &[Vec<u8>]) {
        for answer in answers {
            self.index(&decode(answer));
        }
    }

    /// Decodes every answer and keeps only each user's id and access hash, in the id
    /// map: less than any cache can do (it could not find a peer by name), so no reading
    /// of "remembering first sightings" can cost less.
    fn index_ids_only(&mut self, answers: &[Vec<u8>]) {
        for answer in answers {
            for user in decode(answer) {
                if let enums::User::User(user) = user {
                    self.ids.insert(user.id, user.access_hash.unwrap_or(0));
                }
            }
        }
    }

    fn index(&mut self, users: &[enums::User]) {
        for user in users {
            let enums::User::User(user) = user else {
                continue;
            };
            self.ids.insert(user.id, user.access_hash.unwrap_or(0));
            if let Some(name) = &user.username {
                self.usernames.insert(name.to_ascii_lowercase(), user.id);
            }
            if let Some(phone) = &user.phone {
                self.phones.insert(phone.clone(), user.id);
            }
        }
    }
}

/// Decodes every answer and remembers its users in `cache`.
fn remember_all(cache: &PeerCache, answers: &[Vec<u8>]) {
    for answer in answers {
        let users = decode(answer);
        black_box(cache.remember(&users).expect("memory storage never fails"));
    }
}

/// The first-sighting ratios, over decoding alone, in one run: `rounds` passes over all
/// the answers, each pass timing decoding alone, the floor, the id map alone and a new
/// cache in a rotating order; building and dropping the maps stay outside the timing.
fn first_sightings(answers: &[Vec<u8>]) {
    let rounds = 5;
    let [mut decoded, mut indexed, mut ids_only, mut remembered] = [Duration::ZERO; 4];
    for round in 0..rounds {
        for step in 0..4 {
            match (round + step) % 4 {
                0 => {
                    decoded += time(|| {
                        for answer in answers {
                            decode_alone(answer);
                        }
                    })
                }
                1 => {
                    let mut floor = Floor::sized();
                    indexed += time(|| floor.index_all(answers));
                    drop(black_box(floor));
                }
                2 => {
                    let mut floor = Floor::sized();
                    ids_only += time(|| floor.index_ids_only(answers));
                    drop(black_box(floor));
                }
                _ => {
                    let cache = cache();
                    remembered += time(|| remember_all(&cache, answers));
                    drop(black_box(cache));
                }
            }
        }
    }
    let ratio = |d: Duration| d.as_secs_f64() / decoded.as_secs_f64();
    println!(
        "peer_cache/all new: decode+remember / decode = {:.2}, decode+index only (floor) / decode = {:.2}, decode+id map only / decode = {:.3} ({rounds} rounds; decode {:.2?} each)",
        ratio(remembered),
        ratio(indexed),
        ratio(ids_only),
        decoded / rounds,
    );
}

/// A cache that has met every user of `answers`.
fn known(answers: &[Vec<u8>]) -> PeerCache {
    let known = cache();
    for answer in answers {
        known
            .remember(&decode(answer))
            .expect("memory storage never fails");
    }
    known
}

/// Both sides of the steady state over `answers`, each reported by criterion from the
/// paired run, and the ratio of everything both measured printed after them.
fn steady_state(
    group: &mut BenchmarkGroup<'_, WallTime>,
    users: &str,
    known: &PeerCache,
    answers: &[Vec<u8>],
) {
    let mut all = Paired::default();
    group.bench_function(format!("decode, {users}"), |b| {
        b.iter_custom(|iters| {
            let mut run = Paired::default();
            run.run(known, answers, iters);
            all.decode += run.decode;
            all.remember += run.remember;
            run.decode
        })
    });
    group.bench_function(format!("decode+remember, all known, {users}"), |b| {
        b.iter_custom(|iters| {
            let mut run = Paired::default();
            run.run(known, answers, iters);
            all.decode += run.decode;
            all.remember += run.remember;
            run.remember
        })
    });
    if all.decode.is_zero() {
        // Both benchmarks were filtered out: nothing was measured.
        return;
    }
    println!(
        "peer_cache/{users}: decode+remember / decode, paired = {:.3} ({:.2?} over {:.2?})",
        all.ratio(),
        all.remember,
        all.decode,
    );
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("peer_cache");
    group.sample_size(10);

    // 100,000 distinct users: every answer new to a new cache, and a 100,000-peer cache
    // (megabytes, beyond the CPU caches) once they are known. Decoding alone is measured
    // with that cache alive too, since the allocator's speed depends on the heap.
    let distinct = answers(USERS as i64);
    group.bench_function("decode+remember, all new", |b| {
        b.iter_batched(
            cache,
            |cache| {
                remember_all(&cache, &distinct);
                cache
            },
            BatchSize::PerIteration,
        )
    });
    // The least that remembering a first sighting can cost: the three index entries a
    // lookup by id, username or phone needs, into maps sized for every user beforehand,
    // with owned copies of the keys (the caller keeps the answer), and no record, no
    // eviction, no storage. Decoding is in it as in "all new", so the two compare
    // directly, and both with decoding alone.
    group.bench_function("decode+index only, all new (floor)", |b| {
        b.iter_batched(
            Floor::sized,
            |mut floor| {
                floor.index_all(&distinct);
                floor
            },
            BatchSize::PerIteration,
        )
    });
    first_sightings(&distinct);
    let cache_100k = known(&distinct);
    steady_state(&mut group, "100k users", &cache_100k, &distinct);
    drop((cache_100k, distinct));

    // The same number of answers drawn from 10,000 users, each seen ten times: the
    // working set of a client that keeps meeting the same chats' members.
    let repeated = answers(10_000);
    let cache_10k = known(&repeated);
    steady_state(&mut group, "10k users", &cache_10k, &repeated);
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
