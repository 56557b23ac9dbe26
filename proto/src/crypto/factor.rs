//! Factoring the key exchange's `pq` (a product of two primes below 2^32) with
//! Pollard's rho in Brent's variant.

use super::CryptoError;

/// Splits `pq` into its factors `(p, q)` with `1 < p <= q`.
///
/// The server's `pq` is below 2^63 and has two prime factors; anything else that cannot be
/// split fails with [`CryptoError::Factor`] rather than looping.
pub fn factor(pq: u64) -> Result<(u64, u64), CryptoError> {
    let fail = Err(CryptoError::Factor { pq });
    if pq < 4 {
        return fail;
    }
    if pq.is_multiple_of(2) {
        return Ok((2, pq / 2));
    }
    // Each polynomial x^2 + c gives a different walk; a handful always suffices for
    // a product of two primes, and the bound keeps bad input from running long.
    for c in 1..=16 {
        if let Some(d) = brent(pq, c)
            && d != pq
        {
            let (p, q) = (d.min(pq / d), d.max(pq / d));
            return Ok((p, q));
        }
    }
    fail
}

/// A random prime in `2^30 .. 2^31`, for a server's `pq`.
pub fn random_prime_31bit(random: &mut dyn crate::random::RandomSource) -> u64 {
    loop {
        let mut bytes = [0u8; 4];
        random.fill(&mut bytes);
        // 31-bit primes, as Telegram's: their product stays below 2^62, so clients that
        // read `pq` as a signed 64-bit number (Telethon does) see a positive one.
        let candidate = u64::from((u32::from_le_bytes(bytes) & 0x7fff_ffff) | 0x4000_0001);
        if is_prime(candidate) {
            return candidate;
        }
    }
}

/// Deterministic Miller–Rabin: these bases decide every number below 2^64.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n.is_multiple_of(p) {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    'bases: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

fn pow_mod(mut base: u64, mut exp: u64, m: u64) -> u64 {
    let mut result = 1;
    base %= m;
    while exp > 0 {
        if exp & 1 == 1 {
            result = mul_mod(result, base, m);
        }
        base = mul_mod(base, base, m);
        exp >>= 1;
    }
    result
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    (u128::from(a) * u128::from(b) % u128::from(m)) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// One Brent walk with `f(x) = x^2 + c mod n`; a non-trivial divisor, or `None`.
fn brent(n: u64, c: u64) -> Option<u64> {
    const BATCH: u64 = 128;
    // A walk over n values has cycled; stop there so that a prime n cannot loop forever.
    let limit = 1u64 << 22;
    let f = |x: u64| (mul_mod(x, x, n) + c) % n;
    let (mut y, mut r, mut q, mut g) = (2u64, 1u64, 1u64, 1u64);
    let (mut x, mut ys) = (0u64, 0u64);
    let mut steps = 0u64;
    while g == 1 {
        x = y;
        for _ in 0..r {
            y = f(y);
        }
        let mut k = 0;
        while k < r && g == 1 {
            ys = y;
            for _ in 0..BATCH.min(r - k) {
                y = f(y);
                q = mul_mod(q, x.abs_diff(y), n);
            }
            g = gcd(q, n);
            k += BATCH;
        }
        r *= 2;
        steps += r;
        if steps > limit {
            return None;
        }
    }
    if g == n {
        // The batch overshot: retrace it one step at a time.
        loop {
            ys = f(ys);
            g = gcd(x.abs_diff(ys), n);
            if g > 1 {
                break;
            }
        }
    }
    (g != n && g > 1).then_some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_telegram_sample() {
        // From Telegram's "Creating an Authorization Key" example.
        assert_eq!(factor(0x17ED48941A08F981), Ok((0x494C553B, 0x53911073)));
    }

    #[test]
    fn factors_products_of_two_primes() {
        let primes = [
            3u64,
            5,
            1_000_003,
            2_147_483_647,
            4_294_967_291,
            3_037_000_493,
        ];
        for &p in &primes {
            for &q in &primes {
                let Some(pq) = p.checked_mul(q) else { continue };
                assert_eq!(factor(pq), Ok((p.min(q), p.max(q))), "{p} * {q}");
            }
        }
    }

    #[test]
    fn primality() {
        let primes = [
            2u64,
            3,
            1_000_003,
            2_147_483_647,
            4_294_967_291,
            18_446_744_073_709_551_557,
        ];
        assert!(primes.iter().all(|p| is_prime(*p)));
        let composites = [
            0u64,
            1,
            4,
            561,
            1_000_003 * 3,
            3_215_031_751,
            4_294_967_291 * 3,
        ];
        assert!(composites.iter().all(|c| !is_prime(*c)));
        let mut random = crate::random::SeededRandom::new([1; 32]);
        let p = random_prime_31bit(&mut random);
        assert!(is_prime(p) && (1 << 30..1 << 31).contains(&p));
    }

    #[test]
    fn refuses_what_it_cannot_split() {
        for n in [0, 1, 2, 3, 7, 1_000_003, 4_294_967_291] {
            assert_eq!(factor(n), Err(CryptoError::Factor { pq: n }), "{n}");
        }
    }
}
