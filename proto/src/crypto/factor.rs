//! Factoring the key exchange's `pq` with Pollard's rho in Brent's variant, within a
//! fixed budget: a server chooses `pq`, so a hostile one must neither make the client
//! loop nor accept something that is not the product of two primes of Telegram's size.

/// The largest `pq` the protocol allows.
pub const MAX_PQ: u64 = 1 << 63;

/// The smallest factor accepted. Telegram's `p` and `q` are primes of about 31 bits; this
/// leaves room for other servers while refusing the tiny factors of a malformed `pq`.
pub const MIN_FACTOR: u64 = 1 << 24;

/// Factors must stay below this (they go out as 4-byte strings).
pub const MAX_FACTOR: u64 = 1 << 32;

/// The most steps of the walk (one modular squaring each) spent on one `pq`, over every
/// polynomial tried. Any `pq` below 2^63 has a factor below 2^31.5, which the walk finds in
/// about 2^16 steps; 2^21 bounds a hostile `pq` to a few tens of milliseconds.
pub const MAX_STEPS: u64 = 1 << 21;

/// Why a server's `pq` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PqError {
    /// Above 2^63.
    #[error("pq = {0} is above 2^63")]
    TooLarge(u64),
    /// A prime, or a number below 4: nothing to split.
    #[error("pq = {0} is not composite")]
    NotComposite(u64),
    /// The square of a number: `p` and `q` must differ.
    #[error("pq = {0} is a square")]
    Square(u64),
    /// A factor below [`MIN_FACTOR`] or not below [`MAX_FACTOR`].
    #[error("pq = {pq} has the factor {factor}, outside 2^24..2^32")]
    FactorOutOfRange {
        /// The number given.
        pq: u64,
        /// The factor out of range.
        factor: u64,
    },
    /// It splits, but not into two primes.
    #[error("pq = {0} is not a product of two primes")]
    NotTwoPrimes(u64),
    /// No factor was found within [`MAX_STEPS`].
    #[error("pq = {0} did not split within the step budget")]
    Unsplit(u64),
}

/// Splits `pq` into its two prime factors `(p, q)`, `p < q`, both in
/// [`MIN_FACTOR`]`..`[`MAX_FACTOR`]; anything else is a [`PqError`], found within
/// [`MAX_STEPS`] steps of the walk.
pub fn factor(pq: u64) -> Result<(u64, u64), PqError> {
    factor_within(pq, MAX_STEPS).0
}

/// [`factor`] with a budget of `steps`; also returns the steps spent.
fn factor_within(pq: u64, steps: u64) -> (Result<(u64, u64), PqError>, u64) {
    if pq > MAX_PQ {
        return (Err(PqError::TooLarge(pq)), 0);
    }
    if pq < 4 || is_prime(pq) {
        return (Err(PqError::NotComposite(pq)), 0);
    }
    let root = pq.isqrt();
    if root * root == pq {
        return (Err(PqError::Square(pq)), 0);
    }
    let mut budget = Budget { left: steps };
    let split = if pq.is_multiple_of(2) {
        Some(2)
    } else {
        // Each polynomial x^2 + c gives a different walk; the budget is shared by all.
        (1..=16).find_map(|c| brent(pq, c, &mut budget).filter(|&d| d != pq))
    };
    let spent = steps - budget.left;
    let Some(d) = split else {
        return (Err(PqError::Unsplit(pq)), spent);
    };
    let (p, q) = (d.min(pq / d), d.max(pq / d));
    for factor in [p, q] {
        if !(MIN_FACTOR..MAX_FACTOR).contains(&factor) {
            return (Err(PqError::FactorOutOfRange { pq, factor }), spent);
        }
    }
    if !is_prime(p) || !is_prime(q) {
        return (Err(PqError::NotTwoPrimes(pq)), spent);
    }
    (Ok((p, q)), spent)
}

/// Steps of the walk still allowed.
struct Budget {
    left: u64,
}

impl Budget {
    /// Takes `n` steps; `false` once they are not there.
    fn take(&mut self, n: u64) -> bool {
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }
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

/// `a * b mod m` in 128 bits: no overflow for any 64-bit operands.
fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    (u128::from(a) * u128::from(b) % u128::from(m)) as u64
}

/// `x^2 + c mod n`, in 128 bits so that the sum cannot overflow either.
fn step(x: u64, c: u64, n: u64) -> u64 {
    ((u128::from(x) * u128::from(x) + u128::from(c)) % u128::from(n)) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// One Brent walk with `f(x) = x^2 + c mod n`, paid from `budget`; a non-trivial
/// divisor, or `None`.
fn brent(n: u64, c: u64, budget: &mut Budget) -> Option<u64> {
    const BATCH: u64 = 128;
    let (mut y, mut r, mut q, mut g) = (2u64, 1u64, 1u64, 1u64);
    let (mut x, mut ys) = (0u64, 0u64);
    while g == 1 {
        x = y;
        if !budget.take(r) {
            return None;
        }
        for _ in 0..r {
            y = step(y, c, n);
        }
        let mut k = 0;
        while k < r && g == 1 {
            ys = y;
            let batch = BATCH.min(r - k);
            if !budget.take(batch) {
                return None;
            }
            for _ in 0..batch {
                y = step(y, c, n);
                q = mul_mod(q, x.abs_diff(y), n);
            }
            g = gcd(q, n);
            k += BATCH;
        }
        r = r.saturating_mul(2);
    }
    if g == n {
        // The batch overshot: retrace it one step at a time (at most one batch).
        loop {
            if !budget.take(1) {
                return None;
            }
            ys = step(ys, c, n);
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
    fn factors_products_of_two_primes_in_range() {
        let primes = [
            16_777_259u64,
            1_073_741_827,
            2_147_483_647,
            3_037_000_453,
            3_037_000_493,
            4_294_967_291,
        ];
        for &p in &primes {
            for &q in &primes {
                if p == q || p.checked_mul(q).is_none_or(|pq| pq > MAX_PQ) {
                    continue;
                }
                assert_eq!(factor(p * q), Ok((p.min(q), p.max(q))), "{p} * {q}");
            }
        }
    }

    #[test]
    fn factors_near_the_top_where_a_64_bit_product_overflows() {
        // 3037000493 * 3037000453 = 9223371873002223329, just below 2^63: every squaring
        // in the walk has operands near 2^63, whose product a 64-bit multiply would wrap.
        let pq = 9_223_371_873_002_223_329;
        assert!(pq < MAX_PQ);
        assert_eq!(factor(pq), Ok((3_037_000_453, 3_037_000_493)));
        assert_eq!(mul_mod(pq - 1, pq - 1, pq), 1);
        assert_eq!(step(pq - 1, 16, pq), 17);
        assert_eq!(step(u64::MAX, 16, u64::MAX), 16);
    }

    #[test]
    fn refuses_a_prime_or_tiny_pq() {
        for n in [
            0,
            1,
            2,
            3,
            7,
            1_000_003,
            4_294_967_291,
            9_223_372_036_854_775_783,
        ] {
            assert_eq!(factor(n), Err(PqError::NotComposite(n)), "{n}");
        }
    }

    #[test]
    fn refuses_a_pq_above_2_63() {
        // Two primes below 2^32, but their product is above 2^63.
        let pq = 4_294_967_291u64 * 4_294_967_279;
        assert_eq!(factor(pq), Err(PqError::TooLarge(pq)));
        assert_eq!(factor(MAX_PQ + 1), Err(PqError::TooLarge(MAX_PQ + 1)));
        assert_eq!(factor(u64::MAX), Err(PqError::TooLarge(u64::MAX)));
    }

    #[test]
    fn refuses_a_square() {
        for p in [2_147_483_647u64, 3_037_000_493, 65_537] {
            assert_eq!(factor(p * p), Err(PqError::Square(p * p)), "{p}");
        }
    }

    #[test]
    fn refuses_factors_out_of_range() {
        // 16777213 is the largest prime below 2^24.
        let small = 16_777_213u64 * 2_147_483_647;
        assert_eq!(
            factor(small),
            Err(PqError::FactorOutOfRange {
                pq: small,
                factor: 16_777_213
            })
        );
        let even = 2 * 2_147_483_647u64;
        assert_eq!(
            factor(even),
            Err(PqError::FactorOutOfRange {
                pq: even,
                factor: 2
            })
        );
        // 4294967311 is the smallest prime above 2^32.
        let big = 17 * 4_294_967_311u64;
        assert_eq!(
            factor(big),
            Err(PqError::FactorOutOfRange {
                pq: big,
                factor: 17
            })
        );
    }

    #[test]
    fn refuses_a_product_of_three_primes() {
        let pq = 1_000_003u64 * 1_000_033 * 1_000_037;
        assert!(matches!(
            factor(pq),
            Err(PqError::FactorOutOfRange { .. } | PqError::NotTwoPrimes(_))
        ));
        // Three primes whose product splits into one in range and a composite one.
        let pq = 16_777_259u64 * (65_537 * 65_539);
        assert!(matches!(
            factor(pq),
            Err(PqError::FactorOutOfRange { .. } | PqError::NotTwoPrimes(_))
        ));
    }

    #[test]
    fn the_walk_stays_within_its_budget() {
        let hostile = [
            9_223_371_873_002_223_329u64,
            1_000_003 * 1_000_033 * 1_000_037,
            16_777_259 * 65_537 * 65_539,
            0x17ED48941A08F981,
            9_223_372_036_854_775_783 - 2,
        ];
        for pq in hostile {
            let (_, spent) = factor_within(pq, MAX_STEPS);
            assert!(spent <= MAX_STEPS, "{pq}: {spent}");
        }
        // A budget too small to find anything ends the walk with a typed error.
        let pq = 9_223_371_873_002_223_329;
        let (result, spent) = factor_within(pq, 100);
        assert_eq!(result, Err(PqError::Unsplit(pq)));
        assert!(spent <= 100, "{spent}");
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
}
