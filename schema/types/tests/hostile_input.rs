//! Decoding hostile input: never a panic, never a large allocation, bounded nesting.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Flags, Sampler, schemas};
use oxigram_tl::reflect::BOXED_TYPES;
use oxigram_tl::{DecodeErrorKind, Deserialize, MAX_DEPTH, VECTOR_ID, enums};
use oxigram_tl_parser::Schema;
use proptest::prelude::*;

/// Records the largest single allocation made while `WATCHING` is set on this thread.
struct Watch;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static WATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if WATCHING.try_with(|w| w.get()).unwrap_or(false) {
            LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watch = Watch;

fn largest_allocation_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.store(0, Ordering::Relaxed);
    WATCHING.with(|w| w.set(true));
    let result = f();
    WATCHING.with(|w| w.set(false));
    (result, LARGEST.load(Ordering::Relaxed))
}

#[test]
fn huge_vector_length_in_16_bytes_fails_without_allocating() {
    let mut input = Vec::new();
    input.extend(VECTOR_ID.to_le_bytes());
    input.extend(0x7fff_ffff_u32.to_le_bytes());
    input.extend([0xab; 8]);
    assert_eq!(input.len(), 16);

    let (result, largest) = largest_allocation_of(|| Vec::<enums::Message>::from_bytes(&input));
    let err = result.unwrap_err();
    assert!(
        matches!(
            err.kind(),
            DecodeErrorKind::VectorTooLong {
                len: 0x7fff_ffff,
                remaining: 8
            }
        ),
        "{err}"
    );
    assert!(largest < 256, "decoding allocated {largest} bytes at once");

    // The same length inside a real response.
    let mut response = 0x1d73e7ea_u32.to_le_bytes().to_vec(); // messages.messages
    response.extend(&input);
    let (result, largest) =
        largest_allocation_of(|| enums::messages::Messages::from_bytes(&response));
    let err = result.unwrap_err();
    assert!(
        matches!(err.kind(), DecodeErrorKind::VectorTooLong { .. }),
        "{err}"
    );
    assert_eq!((err.ty(), err.field()), ("messages.messages", "messages"));
    assert!(largest < 256, "decoding allocated {largest} bytes at once");
}

#[test]
fn a_long_vector_the_input_can_hold_preallocates_little() {
    // 40,000 `messageEmpty` ids need 160 KB of input each way; the vector of large
    // `Message` values must not reserve its full size before the elements decode.
    let mut input = Vec::new();
    input.extend(VECTOR_ID.to_le_bytes());
    input.extend(40_000_u32.to_le_bytes());
    input.extend(std::iter::repeat_n(0u8, 160_000));
    let (result, largest) = largest_allocation_of(|| Vec::<enums::Message>::from_bytes(&input));
    assert!(result.is_err());
    assert!(largest <= 64 * 1024, "reserved {largest} bytes up front");
}

fn nested_rich_text(levels: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..levels - 1 {
        out.extend(0x6724abc4_u32.to_le_bytes()); // textBold text:RichText
    }
    out.extend(0xdc3d824f_u32.to_le_bytes()); // textEmpty
    out
}

#[test]
fn nesting_is_bounded() {
    assert!(enums::RichText::from_bytes(&nested_rich_text(MAX_DEPTH)).is_ok());
    let err = enums::RichText::from_bytes(&nested_rich_text(MAX_DEPTH + 1)).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
    // Far deeper input fails the same way, without exhausting the stack.
    let err = enums::RichText::from_bytes(&nested_rich_text(1_000_000)).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
}

#[test]
fn errors_name_where_they_happened() {
    // inputPeerUser with its access_hash cut short.
    let mut input = 0xdde8a54c_u32.to_le_bytes().to_vec();
    input.extend(7_i64.to_le_bytes());
    input.extend([1, 2, 3]);
    let err = enums::InputPeer::from_bytes(&input).unwrap_err();
    assert_eq!(
        (err.ty(), err.field(), err.offset()),
        ("inputPeerUser", "access_hash", 12)
    );
    assert_eq!(
        err.to_string(),
        "input ended: 8 more bytes needed, 3 left at byte 12 in inputPeerUser.access_hash"
    );

    let err = enums::InputPeer::from_bytes(&0x997275b5_u32.to_le_bytes()).unwrap_err();
    assert_eq!(
        err.kind(),
        &DecodeErrorKind::UnexpectedConstructor {
            id: 0x997275b5,
            expected: "InputPeer"
        }
    );
    assert!(err.to_string().contains("boolTrue"), "{err}");

    let mut invalid_utf8 = 0x2144ca19_u32.to_le_bytes().to_vec(); // rpc_error
    invalid_utf8.extend(400_i32.to_le_bytes());
    invalid_utf8.extend([2, 0xff, 0xfe, 0]);
    let err = oxigram_tl::mtproto::enums::RpcError::from_bytes(&invalid_utf8).unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (&DecodeErrorKind::InvalidUtf8, "error_message")
    );
}

/// One sampler per schema, kept for the whole run (building one walks the schema).
fn samplers() -> &'static [(&'static str, Schema)] {
    static SCHEMAS: OnceLock<Vec<(&'static str, Schema)>> = OnceLock::new();
    SCHEMAS.get_or_init(schemas)
}

thread_local! {
    static SAMPLERS: RefCell<Vec<Sampler<'static>>> =
        RefCell::new(samplers().iter().map(|(_, s)| Sampler::new(s, 0)).collect());
}

/// A valid encoding of boxed type `index` of `BOXED_TYPES`, from `seed`.
fn sample(index: usize, seed: u64) -> Vec<u8> {
    let entry = &BOXED_TYPES[index];
    let schema = samplers()
        .iter()
        .position(|(n, _)| *n == entry.schema)
        .unwrap();
    SAMPLERS.with(|s| {
        let mut s = s.borrow_mut();
        s[schema].reseed(seed);
        let mode = [Flags::All, Flags::None, Flags::Random][(seed % 3) as usize];
        s[schema].of_type(entry.name, mode)
    })
}

#[test]
fn every_truncation_of_every_type_fails_cleanly() {
    for (index, entry) in BOXED_TYPES.iter().enumerate() {
        let bytes = sample(index, index as u64);
        (entry.decode)(&bytes)
            .unwrap_or_else(|e| panic!("{}: sample does not decode: {e}", entry.name));
        for cut in 0..bytes.len() {
            // A value ending in an `Object` takes whatever is left, so a cut inside it
            // still decodes; every other cut must fail.
            let result = (entry.decode)(&bytes[..cut]);
            if result.is_ok() {
                assert!(
                    matches!(entry.name, "RpcResult" | "MessageCopy" | "Message")
                        && entry.schema == "mtproto",
                    "{} decoded from {cut} of its {} bytes",
                    entry.name,
                    bytes.len()
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(index in 0..BOXED_TYPES.len(), bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = (BOXED_TYPES[index].decode)(&bytes);
    }

    #[test]
    fn mutated_samples_never_panic(
        index in 0..BOXED_TYPES.len(),
        seed in any::<u64>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        splice in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        let mut bytes = sample(index, seed);
        prop_assume!(!bytes.is_empty());
        for (at, mask) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        let at = cut.index(bytes.len());
        bytes.splice(at..at, splice);
        let _ = (BOXED_TYPES[index].decode)(&bytes);
        bytes.truncate(at);
        let _ = (BOXED_TYPES[index].decode)(&bytes);
    }
}
