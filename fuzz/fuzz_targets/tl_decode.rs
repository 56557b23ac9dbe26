//! TL decoding of every boxed type: the first two bytes pick the type, the rest is the
//! input. Decoding may fail, but must never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram_tl::reflect::BOXED_TYPES;

fuzz_target!(|data: &[u8]| {
    let Some((pick, input)) = data.split_first_chunk::<2>() else {
        return;
    };
    let entry = &BOXED_TYPES[usize::from(u16::from_le_bytes(*pick)) % BOXED_TYPES.len()];
    let _ = (entry.decode)(input);
});
