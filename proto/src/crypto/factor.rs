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
    fn refuses_what_it_cannot_split() {
        for n in [0, 1, 2, 3, 7, 1_000_003, 4_294_967_291] {
            assert_eq!(factor(n), Err(CryptoError::Factor { pq: n }), "{n}");
        }
    }
}
