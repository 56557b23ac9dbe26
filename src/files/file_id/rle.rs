//! The zero run-length coding file ids use: each run of zero bytes is written as a zero
//! and the run's length (runs of at most 250, as the Bot API writes them); every other
//! byte is itself.

/// The longest run one pair stands for when writing.
const MAX_RUN: u8 = 250;

/// `bytes` with their zero runs coded.
pub(crate) fn encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut run = 0u8;
    for &b in bytes {
        if b == 0 {
            run += 1;
            if run == MAX_RUN {
                out.extend([0, run]);
                run = 0;
            }
            continue;
        }
        if run > 0 {
            out.extend([0, run]);
            run = 0;
        }
        out.push(b);
    }
    if run > 0 {
        out.extend([0, run]);
    }
    out
}

/// The bytes `coded` stands for; `None` when it ends inside a pair.
pub(crate) fn decode(coded: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(coded.len() * 2);
    let mut bytes = coded.iter();
    while let Some(&b) = bytes.next() {
        if b == 0 {
            let run = *bytes.next()?;
            out.resize(out.len() + usize::from(run), 0);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn zero_runs_are_pairs() {
        assert_eq!(encode(&[1, 0, 0, 0, 2, 0]), [1, 0, 3, 2, 0, 1]);
        assert_eq!(decode(&[1, 0, 3, 2, 0, 1]).unwrap(), [1, 0, 0, 0, 2, 0]);
        // A run longer than 250 is written in two pairs.
        let long = vec![0u8; 300];
        assert_eq!(encode(&long), [0, 250, 0, 50]);
        assert_eq!(decode(&[7, 0]), None);
        // A run of zero zeros, which no writer makes, still reads.
        assert_eq!(decode(&[0, 0, 5]).unwrap(), [5]);
    }

    proptest! {
        #[test]
        fn decode_undoes_encode(bytes in proptest::collection::vec(
            prop_oneof![Just(0u8), any::<u8>()], 0..600)) {
            prop_assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
    }
}
