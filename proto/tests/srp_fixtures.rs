//! SRP proofs against Telethon 1.45's `compute_check` (see `fixtures/srp/gen_srp.py`).

use oxigram_proto::crypto::srp::{SrpServer, prove};

mod common;

use common::replay::Replay;
use common::unhex as hex;

const VECTORS: &str = include_str!("fixtures/srp/vectors.txt");

#[test]
fn proofs_match_telethon() {
    let cases: Vec<Vec<&str>> = VECTORS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(' ').collect())
        .collect();
    assert!(cases.len() >= 6, "too few cases");
    for (index, f) in cases.iter().enumerate() {
        let [
            password,
            salt1,
            salt2,
            g,
            p,
            srp_b,
            _srp_id,
            secret,
            expected_a,
            expected_m1,
        ] = f[..]
        else {
            panic!("case {index}: expected 10 fields");
        };
        let (salt1, salt2, p, srp_b) = (hex(salt1), hex(salt2), hex(p), hex(srp_b));
        let server = SrpServer {
            salt1: &salt1,
            salt2: &salt2,
            g: g.parse().unwrap(),
            p: &p,
            g_b: &srp_b,
        };
        // Case 6 records Telethon rejecting a = 0 and a = 1 (A = 1 and A = 3) first.
        let mut one = [0u8; 256];
        one[255] = 1;
        let rejected: &[&[u8]] = if index == 5 {
            &[&[0u8; 256], &one]
        } else {
            &[]
        };
        let secret = hex(secret);
        let mut random = Replay::new(&[rejected, &[&secret[..]]].concat());
        let proof = prove(&hex(password), &server, &mut random)
            .unwrap_or_else(|e| panic!("case {index}: {e}"));
        assert_eq!(proof.a.to_vec(), hex(expected_a), "case {index}: A");
        assert_eq!(proof.m1.to_vec(), hex(expected_m1), "case {index}: M1");
        assert_eq!(
            random.used(),
            (rejected.len() + 1) * 256,
            "case {index}: draws"
        );
    }
}
