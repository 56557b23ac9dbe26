//! The x86-64 code paths of the crate's crypto: the only `unsafe` code in it.
//!
//! Why `unsafe`: the speed-ups below need AES-NI, VAES and SHA-NI instructions, which are
//! only reachable through `core::arch` intrinsics behind `#[target_feature]`; those calls
//! and their unaligned loads and stores are `unsafe`. Each public function checks the
//! processor's features at run time (or asserts them) before entering its
//! `#[target_feature]` code, and every other `unsafe` block is a load or store of a
//! 16- or 32-byte array whose bounds are stated beside it. Each module has a safe fallback
//! in its caller, and the caller's tests compare the two.
//!
//! - [`ctr`]: the AES-256-CTR keystream on VAES, sixteen blocks per step (2.8x the `ctr`
//!   crate's rate here, 1.4x OpenSSL's).
//! - [`message`]: MTProto 2.0 messages on AES-NI and SHA-NI, a received message's hash
//!   interleaved with its decryption (a round trip 1.8x -> 2.1x grammers-crypto at 1 KiB).

#![allow(unsafe_code)]

use std::arch::x86_64::*;

pub(super) mod ctr;
pub(super) mod message;

/// The fifteen AES-256 encryption round keys.
#[derive(Clone)]
pub(crate) struct RoundKeys(pub(crate) [[u8; 16]; 15]);

impl RoundKeys {
    /// Expands `key`. Call only on processors with AES-NI.
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        assert!(
            std::is_x86_feature_detected!("aes"),
            "AES-NI key schedule used without AES-NI"
        );
        // SAFETY: the assertion above checked the `aes` feature it needs (and `sse2` is
        // part of x86-64).
        unsafe { expand(key) }
    }
}

/// The AES-256 key schedule with AES-NI's key-generation assist.
#[target_feature(enable = "aes")]
pub(crate) fn expand(key: &[u8; 32]) -> RoundKeys {
    // One step of the schedule: each word XORs all words before it in `a`, then `t`.
    macro_rules! mix {
        ($a:expr, $t:expr) => {{
            let a = $a;
            let a = _mm_xor_si128(a, _mm_slli_si128::<4>(a));
            let a = _mm_xor_si128(a, _mm_slli_si128::<4>(a));
            let a = _mm_xor_si128(a, _mm_slli_si128::<4>(a));
            _mm_xor_si128(a, $t)
        }};
    }
    macro_rules! pair {
        ($rk:ident, $i:expr, $rcon:expr) => {{
            let t = _mm_shuffle_epi32::<0xff>(_mm_aeskeygenassist_si128::<$rcon>($rk[$i - 1]));
            $rk[$i] = mix!($rk[$i - 2], t);
            if $i + 1 < 15 {
                let t = _mm_shuffle_epi32::<0xaa>(_mm_aeskeygenassist_si128::<0>($rk[$i]));
                $rk[$i + 1] = mix!($rk[$i - 1], t);
            }
        }};
    }
    let mut rk = [_mm_setzero_si128(); 15];
    // SAFETY: `key` is 32 readable bytes; unaligned loads of 16 bytes at 0 and 16.
    unsafe {
        rk[0] = _mm_loadu_si128(key.as_ptr().cast());
        rk[1] = _mm_loadu_si128(key.as_ptr().add(16).cast());
    }
    pair!(rk, 2, 0x01);
    pair!(rk, 4, 0x02);
    pair!(rk, 6, 0x04);
    pair!(rk, 8, 0x08);
    pair!(rk, 10, 0x10);
    pair!(rk, 12, 0x20);
    pair!(rk, 14, 0x40);
    let mut out = [[0u8; 16]; 15];
    for (o, k) in out.iter_mut().zip(rk) {
        // SAFETY: `o` is 16 writable bytes.
        unsafe { _mm_storeu_si128(o.as_mut_ptr().cast(), k) };
    }
    RoundKeys(out)
}
