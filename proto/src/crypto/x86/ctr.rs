//! The AES-256-CTR keystream on x86-64 processors with VAES: two blocks per instruction in
//! 256-bit registers, sixteen blocks in flight.
//!
//! Why this module holds `unsafe`: the `aes` crate's CTR path encrypts one or eight 128-bit
//! blocks per step and reached about half of OpenSSL's AES-256-CTR rate on the project's
//! machine (`benches/run.sh`, `aes_1mib ctr` against `ctr-portable`). VAES instructions are
//! only reachable through `core::arch` intrinsics behind `#[target_feature]`, whose calls,
//! loads and stores are `unsafe`. Every `unsafe` block below is either such a call, made
//! only after [`available`] confirmed the features at run time, or an unaligned load/store
//! whose bounds are stated next to it. [`AesCtr`](crate::crypto::ctr::AesCtr) keeps the
//! safe `ctr` crate path as the fallback, and its tests compare the two on random keys,
//! counters (including carries across 64 and 128 bits) and split points.

use std::arch::x86_64::*;

use super::RoundKeys;

/// Blocks encrypted per step: eight 256-bit registers of two blocks each.
pub(crate) const STEP_BLOCKS: usize = 16;
/// Bytes per step.
pub(crate) const STEP_BYTES: usize = STEP_BLOCKS * 16;

/// Whether this processor runs [`xor_steps`].
pub(crate) fn available() -> bool {
    std::is_x86_feature_detected!("aes")
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("vaes")
}

/// XORs the keystream of blocks `counter`, `counter + 1`, … into `data`, whose length is a
/// multiple of [`STEP_BYTES`]. The caller advances its counter by `data.len() / 16`.
pub(crate) fn xor_steps(keys: &RoundKeys, counter: u128, data: &mut [u8]) {
    debug_assert_eq!(data.len() % STEP_BYTES, 0);
    assert!(available(), "VAES keystream used without VAES");
    // SAFETY: the features were checked just above.
    unsafe { xor_steps_vaes(keys, counter, data) }
}

#[target_feature(enable = "aes,avx2,vaes")]
fn xor_steps_vaes(keys: &RoundKeys, mut counter: u128, data: &mut [u8]) {
    let mut rk = [_mm256_setzero_si256(); 15];
    for (r, k) in rk.iter_mut().zip(&keys.0) {
        // SAFETY: `k` is 16 readable bytes.
        *r = _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(k.as_ptr().cast()) });
    }
    // Reverses the bytes of each 128-bit lane: a little-endian counter becomes the
    // big-endian block that CTR encrypts.
    let swap = _mm256_setr_epi8(
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
        5, 4, 3, 2, 1, 0,
    );
    for chunk in data.chunks_exact_mut(STEP_BYTES) {
        let mut x = [_mm256_setzero_si256(); 8];
        let low = counter as u64;
        if low <= u64::MAX - (STEP_BLOCKS as u64 - 1) {
            // No carry into the high half within this step: add to the low halves only.
            let high = (counter >> 64) as i64;
            let base = _mm256_set_epi64x(high, low.wrapping_add(1) as i64, high, low as i64);
            for (i, xi) in x.iter_mut().enumerate() {
                let step = 2 * i as i64;
                let c = _mm256_add_epi64(base, _mm256_set_epi64x(0, step, 0, step));
                *xi = _mm256_shuffle_epi8(c, swap);
            }
        } else {
            // Once in 2^60 steps: build the blocks from the full 128-bit counter.
            let mut blocks = [0u8; STEP_BYTES];
            for (i, b) in blocks.chunks_exact_mut(16).enumerate() {
                b.copy_from_slice(&counter.wrapping_add(i as u128).to_be_bytes());
            }
            for (i, xi) in x.iter_mut().enumerate() {
                // SAFETY: `blocks` holds 8 × 32 bytes; this reads the i-th 32.
                *xi = unsafe { _mm256_loadu_si256(blocks.as_ptr().add(32 * i).cast()) };
            }
        }
        counter = counter.wrapping_add(STEP_BLOCKS as u128);

        for xi in x.iter_mut() {
            *xi = _mm256_xor_si256(*xi, rk[0]);
        }
        for k in &rk[1..14] {
            for xi in x.iter_mut() {
                *xi = _mm256_aesenc_epi128(*xi, *k);
            }
        }
        for (i, xi) in x.iter().enumerate() {
            let ks = _mm256_aesenclast_epi128(*xi, rk[14]);
            let at = chunk[32 * i..32 * i + 32].as_mut_ptr();
            // SAFETY: `at` starts 32 in-bounds bytes of `chunk` (sliced just above).
            unsafe {
                let d = _mm256_loadu_si256(at.cast());
                _mm256_storeu_si256(at.cast(), _mm256_xor_si256(d, ks));
            }
        }
    }
}
