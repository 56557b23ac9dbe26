//! MTProto 2.0 message crypto on x86-64 with AES-NI and SHA-NI: IGE both ways (also behind
//! [`ige`](crate::crypto::ige)), the message
//! key's SHA-256, the two key-derivation hashes, and, for received messages, the decryption
//! and the message-key check's hash in one loop.
//!
//! Why this module holds `unsafe`: IGE's chain is serial (each block waits for the one
//! before) and so is SHA-256's. Run one after the other, receiving a message costs the sum
//! of both; interleaved here, a quarter of each 64-byte hash block between the links of the
//! following decryption, the processor runs the two chains side by side. With the round
//! keys and the hash state in registers and the two key-derivation hashes overlapped, a
//! message round trip went from 1.8x to 2.0-2.1x grammers-crypto (`benches/run.sh`,
//! `mtproto2_message`). SHA-NI and AES-NI are only reachable through `core::arch`
//! intrinsics behind `#[target_feature]`, whose calls, loads and stores are `unsafe`. Each
//! `unsafe` block is such a call, made after [`available`] confirmed the features at run
//! time, or an unaligned load/store of a 16-byte array. [`message`](crate::crypto::message)
//! keeps the portable path (the `aes` and `sha2` crates) as the fallback, and its tests
//! compare the two on random keys, IVs and lengths.

use std::arch::x86_64::*;

/// Whether this processor runs [`decrypt_and_hash`].
pub(crate) fn available() -> bool {
    std::is_x86_feature_detected!("aes")
        && std::is_x86_feature_detected!("sha")
        && std::is_x86_feature_detected!("sse4.1")
        && std::is_x86_feature_detected!("ssse3")
}

/// Decrypts `data` (whole 16-byte blocks) in place with AES-256-IGE under `key` and `iv`,
/// and returns `SHA256(prefix ‖ plaintext)`.
pub(crate) fn decrypt_and_hash(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    data: &mut [u8],
) -> [u8; 32] {
    assert!(available(), "AES-NI/SHA-NI path used without the features");
    assert!(
        data.len().is_multiple_of(16),
        "IGE input must be whole blocks"
    );
    // SAFETY: the features were checked just above.
    unsafe { decrypt_and_hash_ni(key, iv, prefix, data) }
}

/// SHA-256's round constants.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256's initial state.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

#[inline(always)]
fn load(bytes: &[u8]) -> __m128i {
    let bytes: &[u8; 16] = bytes[..16].try_into().expect("16 bytes");
    // SAFETY: `bytes` is 16 readable bytes; the load is unaligned.
    unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
}

#[inline(always)]
fn store(bytes: &mut [u8], v: __m128i) {
    let bytes: &mut [u8; 16] = (&mut bytes[..16]).try_into().expect("16 bytes");
    // SAFETY: `bytes` is 16 writable bytes; the store is unaligned.
    unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), v) }
}

/// SHA-256 state in the order SHA-NI works on: (ABEF, CDGH).
struct Sha {
    abef: __m128i,
    cdgh: __m128i,
    k: [__m128i; 16],
}

impl Sha {
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn new() -> Self {
        let words = |w: &[u32]| -> __m128i {
            _mm_set_epi32(w[3] as i32, w[2] as i32, w[1] as i32, w[0] as i32)
        };
        let abcd = _mm_shuffle_epi32::<0xb1>(words(&H0[..4]));
        let efgh = _mm_shuffle_epi32::<0x1b>(words(&H0[4..]));
        Sha {
            abef: _mm_alignr_epi8::<8>(abcd, efgh),
            cdgh: _mm_blend_epi16::<0xf0>(efgh, abcd),
            k: std::array::from_fn(|i| words(&K[4 * i..4 * i + 4])),
        }
    }

    /// Compresses one 64-byte block given as four loads of its bytes.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress(&mut self, block: [__m128i; 4]) {
        let mut job = self.begin(block);
        for quarter in 0..4 {
            job.rounds(quarter, &self.k);
        }
        self.end(job);
    }

    /// Starts compressing a block, to be run a quarter at a time with [`Job::rounds`]
    /// (between the links of an AES chain) and finished with [`Sha::end`].
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn begin(&self, block: [__m128i; 4]) -> Job {
        // Big-endian words.
        let swap = _mm_set_epi64x(0x0c0d0e0f_08090a0b, 0x04050607_00010203);
        Job {
            w: block.map(|b| _mm_shuffle_epi8(b, swap)),
            abef: self.abef,
            cdgh: self.cdgh,
        }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn end(&mut self, job: Job) {
        self.abef = _mm_add_epi32(self.abef, job.abef);
        self.cdgh = _mm_add_epi32(self.cdgh, job.cdgh);
    }
    /// The digest, big-endian.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn digest(&self) -> [u8; 32] {
        let feba = _mm_shuffle_epi32::<0x1b>(self.abef);
        let dchg = _mm_shuffle_epi32::<0xb1>(self.cdgh);
        let dcba = _mm_blend_epi16::<0xf0>(feba, dchg);
        let hgfe = _mm_alignr_epi8::<8>(dchg, feba);
        let mut words = [0u8; 32];
        store(&mut words[..16], dcba);
        store(&mut words[16..], hgfe);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(words.chunks_exact(4)) {
            o.copy_from_slice(&[w[3], w[2], w[1], w[0]]);
        }
        out
    }
}

/// One block's compression in progress: its message words and working state.
struct Job {
    w: [__m128i; 4],
    abef: __m128i,
    cdgh: __m128i,
}

impl Job {
    /// Sixteen of the 64 rounds: quarter `q` of the block.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn rounds(&mut self, q: usize, k: &[__m128i; 16]) {
        let [mut w0, mut w1, mut w2, mut w3] = self.w;
        let (mut abef, mut cdgh) = (self.abef, self.cdgh);
        // Four rounds on the message words `w`, with constants `k[i]`. Two rounds return
        // the new A, B, E, F; the old ones are then C, D, G, H, so two calls with the roles
        // exchanged bring both registers back to their names.
        macro_rules! rounds {
            ($w:expr, $i:expr) => {{
                let msg = _mm_add_epi32($w, k[$i]);
                cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
                abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32::<0x0e>(msg));
            }};
        }
        // The next four words in place of `a`, the oldest:
        // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], from `a` to `d` oldest first.
        macro_rules! schedule {
            ($a:ident, $b:ident, $c:ident, $d:ident) => {{
                let sum = _mm_add_epi32(_mm_sha256msg1_epu32($a, $b), _mm_alignr_epi8::<4>($d, $c));
                $a = _mm_sha256msg2_epu32(sum, $d);
            }};
        }
        let i = 4 * q;
        if q > 0 {
            schedule!(w0, w1, w2, w3);
        }
        rounds!(w0, i);
        if q > 0 {
            schedule!(w1, w2, w3, w0);
        }
        rounds!(w1, i + 1);
        if q > 0 {
            schedule!(w2, w3, w0, w1);
        }
        rounds!(w2, i + 2);
        if q > 0 {
            schedule!(w3, w0, w1, w2);
        }
        rounds!(w3, i + 3);
        self.w = [w0, w1, w2, w3];
        (self.abef, self.cdgh) = (abef, cdgh);
    }
}

/// One link of IGE decryption in place: `p[i] = D(c[i] ^ p[i-1]) ^ c[i-1]`, with `prev_cipher`
/// and `prev_plain` carrying `c[i-1]` and `p[i-1]` (the IV holds `c[-1]`, then `p[-1]`).
/// Evaluates to the plaintext block.
macro_rules! decrypt_link {
    ($dk:expr, $prev_cipher:ident, $prev_plain:ident, $block:expr) => {{
        let block: &mut [u8] = $block;
        let c = load(block);
        // Only one XOR on the chain: the first round key joins the ciphertext, and the
        // previous ciphertext joins the last round key, both off the chain.
        let mut x = _mm_xor_si128(_mm_xor_si128(c, $dk[0]), $prev_plain);
        for k in &$dk[1..14] {
            x = _mm_aesdec_si128(x, *k);
        }
        let p = _mm_aesdeclast_si128(x, _mm_xor_si128($dk[14], $prev_cipher));
        store(block, p);
        $prev_cipher = c;
        $prev_plain = p;
        p
    }};
}

/// The equivalent inverse cipher's round keys: the encryption keys reversed, with
/// InvMixColumns on the middle ones.
#[target_feature(enable = "aes,sse2")]
fn decryption_keys(key: &[u8; 32]) -> [__m128i; 15] {
    let ek = super::expand(key);
    let ek: [__m128i; 15] = std::array::from_fn(|i| load(&ek.0[i]));
    std::array::from_fn(|i| match i {
        0 => ek[14],
        14 => ek[0],
        _ => _mm_aesimc_si128(ek[14 - i]),
    })
}

/// Decrypts `data` (whole 16-byte blocks) in place with AES-256-IGE under `key` and `iv`.
pub(crate) fn ige_decrypt(key: &[u8; 32], iv: &[u8; 32], data: &mut [u8]) {
    assert!(available(), "AES-NI path used without the features");
    assert!(
        data.len().is_multiple_of(16),
        "IGE input must be whole blocks"
    );
    // SAFETY: the features were checked just above.
    unsafe { ige_decrypt_ni(key, iv, data) }
}

#[target_feature(enable = "aes,sse2")]
fn ige_decrypt_ni(key: &[u8; 32], iv: &[u8; 32], data: &mut [u8]) {
    let dk = decryption_keys(key);
    let mut prev_cipher = load(&iv[..16]);
    let mut prev_plain = load(&iv[16..]);
    for block in data.chunks_exact_mut(16) {
        decrypt_link!(dk, prev_cipher, prev_plain, block);
    }
}

#[target_feature(enable = "aes,sha,sse2,ssse3,sse4.1")]
fn decrypt_and_hash_ni(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    data: &mut [u8],
) -> [u8; 32] {
    let dk = decryption_keys(key);
    // A macro, not a closure, so the chain stays in registers (a closure the compiler
    // declined to inline kept them in memory, adding a store and a load to every link).
    let mut prev_cipher = load(&iv[..16]);
    let mut prev_plain = load(&iv[16..]);
    macro_rules! step {
        ($block:expr) => {
            decrypt_link!(dk, prev_cipher, prev_plain, $block)
        };
    }

    let mut sha = Sha::new();
    let total = data.len();
    let mut at = 0;
    // The hash's first block is the prefix and the first two plaintext blocks; after that,
    // each 64 bytes of plaintext is one block, hashed while the next 64 are decrypted.
    let mut pending = None;
    if total >= 32 {
        let p0 = step!(&mut data[0..16]);
        let p1 = step!(&mut data[16..32]);
        pending = Some([load(&prefix[..16]), load(&prefix[16..]), p0, p1]);
        at = 32;
    }
    while total - at >= 64 {
        // A quarter of the previous block's hash after each link: the link comes first
        // (when both wait for the same execution units the older instruction goes first,
        // and the chain sets the pace), and few of the hash's instructions wait in the
        // scheduler at a time, so the chain's next link always finds room.
        let mut job = pending.map(|block| sha.begin(block));
        let stretch = &mut data[at..at + 64];
        let p0 = step!(&mut stretch[0..16]);
        if let Some(job) = &mut job {
            job.rounds(0, &sha.k);
        }
        let p1 = step!(&mut stretch[16..32]);
        if let Some(job) = &mut job {
            job.rounds(1, &sha.k);
        }
        let p2 = step!(&mut stretch[32..48]);
        if let Some(job) = &mut job {
            job.rounds(2, &sha.k);
        }
        let p3 = step!(&mut stretch[48..64]);
        if let Some(mut job) = job {
            job.rounds(3, &sha.k);
            sha.end(job);
        }
        pending = Some([p0, p1, p2, p3]);
        at += 64;
    }
    // The last links, then the last whole block's hash beside them.
    while at < total {
        step!(&mut data[at..at + 16]);
        at += 16;
    }
    if let Some(block) = pending {
        sha.compress(block);
    }

    // What the loop left unhashed (the prefix too, for messages under 32 bytes), padded.
    let hashed = if total >= 32 {
        32 + (total - 32) / 64 * 64
    } else {
        0
    };
    finish(&mut sha, prefix, total < 32, &data[hashed..], total);
    sha.digest()
}

/// `SHA256(prefix ‖ data)` for any length of `data`.
pub(crate) fn hash_prefixed(prefix: &[u8; 32], data: &[u8]) -> [u8; 32] {
    assert!(available(), "SHA-NI path used without the features");
    // SAFETY: the features were checked just above.
    unsafe { hash_prefixed_ni(prefix, data) }
}

#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn hash_prefixed_ni(prefix: &[u8; 32], data: &[u8]) -> [u8; 32] {
    let mut sha = Sha::new();
    let mut hashed = 0;
    if data.len() >= 32 {
        sha.compress([
            load(&prefix[..16]),
            load(&prefix[16..]),
            load(data),
            load(&data[16..]),
        ]);
        hashed = 32;
        for b in data[32..].chunks_exact(64) {
            sha.compress(std::array::from_fn(|i| load(&b[16 * i..])));
            hashed += 64;
        }
    }
    finish(
        &mut sha,
        prefix,
        data.len() < 32,
        &data[hashed..],
        data.len(),
    );
    sha.digest()
}

/// Pads and hashes the last bytes: `rest` of a message of `len` bytes after a 32-byte
/// prefix, which comes first when `with_prefix` (nothing was hashed yet).
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn finish(sha: &mut Sha, prefix: &[u8; 32], with_prefix: bool, rest: &[u8], len: usize) {
    let mut tail = [0u8; 128];
    let mut n = 0;
    if with_prefix {
        tail[..32].copy_from_slice(prefix);
        n = 32;
    }
    tail[n..n + rest.len()].copy_from_slice(rest);
    n += rest.len();
    tail[n] = 0x80;
    let blocks = if n + 9 > 64 { 2 } else { 1 };
    let bits = ((32 + len) as u64) * 8;
    tail[64 * blocks - 8..64 * blocks].copy_from_slice(&bits.to_be_bytes());
    for b in tail[..64 * blocks].chunks_exact(64) {
        sha.compress(std::array::from_fn(|i| load(&b[16 * i..])));
    }
}

/// The two hashes an AES key and IV come from: `SHA256(msg_key ‖ a)` and
/// `SHA256(b ‖ msg_key)`, with 36-byte `a` and `b`. Each is one block; computed side by
/// side, the two serial chains overlap.
pub(crate) fn key_hashes(msg_key: &[u8; 16], a: &[u8], b: &[u8]) -> ([u8; 32], [u8; 32]) {
    assert!(available(), "SHA-NI path used without the features");
    assert!(a.len() == 36 && b.len() == 36, "36-byte auth key parts");
    // SAFETY: the features were checked just above.
    unsafe { key_hashes_ni(msg_key, a, b) }
}

#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn key_hashes_ni(msg_key: &[u8; 16], a: &[u8], b: &[u8]) -> ([u8; 32], [u8; 32]) {
    // 52 bytes each, then 0x80 and the length: one padded block.
    let mut block_a = [0u8; 64];
    block_a[..16].copy_from_slice(msg_key);
    block_a[16..52].copy_from_slice(a);
    let mut block_b = [0u8; 64];
    block_b[..36].copy_from_slice(b);
    block_b[36..52].copy_from_slice(msg_key);
    for block in [&mut block_a, &mut block_b] {
        block[52] = 0x80;
        block[56..].copy_from_slice(&(52u64 * 8).to_be_bytes());
    }
    let (mut sha_a, mut sha_b) = (Sha::new(), Sha::new());
    sha_a.compress(std::array::from_fn(|i| load(&block_a[16 * i..])));
    sha_b.compress(std::array::from_fn(|i| load(&block_b[16 * i..])));
    (sha_a.digest(), sha_b.digest())
}

/// Encrypts `data` (whole 16-byte blocks) in place with AES-256-IGE under `key` and `iv`.
pub(crate) fn ige_encrypt(key: &[u8; 32], iv: &[u8; 32], data: &mut [u8]) {
    assert!(available(), "AES-NI path used without the features");
    assert!(
        data.len().is_multiple_of(16),
        "IGE input must be whole blocks"
    );
    // SAFETY: the features were checked just above.
    unsafe { ige_encrypt_ni(key, iv, data) }
}

#[target_feature(enable = "aes,sse2")]
fn ige_encrypt_ni(key: &[u8; 32], iv: &[u8; 32], data: &mut [u8]) {
    let ek = super::expand(key);
    let ek: [__m128i; 15] = std::array::from_fn(|i| load(&ek.0[i]));
    // c[i] = E(p[i] ^ c[i-1]) ^ p[i-1]; the IV holds c[-1], then p[-1].
    let mut prev_cipher = load(&iv[..16]);
    let mut prev_plain = load(&iv[16..]);
    for block in data.chunks_exact_mut(16) {
        let p = load(block);
        // Only one XOR on the chain, as in decryption: the last round's XOR with its key
        // also applies the previous plaintext.
        let mut x = _mm_xor_si128(_mm_xor_si128(p, ek[0]), prev_cipher);
        for k in &ek[1..14] {
            x = _mm_aesenc_si128(x, *k);
        }
        let c = _mm_aesenclast_si128(x, _mm_xor_si128(ek[14], prev_plain));
        store(block, c);
        prev_cipher = c;
        prev_plain = p;
    }
}
