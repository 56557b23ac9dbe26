//! Maps keyed by our own ids (request handles and the message ids we chose), with a cheap
//! multiplicative hash. SipHash guards maps whose keys a peer picks; these keys never come
//! from the peer (lookups by a peer-sent id only read), so a faster hash is safe here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply–xorshift hash of one integer.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        // The table indexes by the low bits; fold the well-mixed high bits into them.
        self.0 ^ (self.0 >> 29)
    }
}

/// A map keyed by our own ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;
