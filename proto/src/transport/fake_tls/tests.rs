use proptest::prelude::*;

use super::*;
use crate::crypto::sha256;
use crate::random::SeededRandom;

/// Every "random" byte the same: hellos that a script elsewhere can check.
struct Constant(u8);

impl RandomSource for Constant {
    fn fill(&mut self, buf: &mut [u8]) {
        buf.fill(self.0);
    }
}

const KEY: [u8; 16] = [0x5a; 16];
const T: u32 = 1_700_000_000;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn zeroed_digest(bytes: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    bytes[11..43].fill(0);
    bytes
}

// The expected values below were computed with Python's hmac and hashlib from the bytes
// these functions wrote (key 0x5a × 16, every random byte 0x42):
//   z = hello with bytes 11..43 zeroed
//   d = hmac.new(key, z, sha256).digest(), its bytes 28..32 XORed with
//       struct.pack('<I', 1700000000)
//   hashlib.sha256(z).hexdigest()
// The key share in that hello was computed in Python too: the first i with
//   x = int.from_bytes(sha256(b'\x42' * 32 + struct.pack('<I', i)), 'little')
//       with bit 255 cleared, mod 2^255 - 19
// whose x^3 + 486662 x^2 + x is a square (Euler's criterion), then doubled three times
// with x <- (x^2 - 1)^2 / (4 (x^3 + 486662 x^2 + x)), written little-endian.
// And for the answer to a client digest of 0x11 × 32:
//   hmac.new(key, b'\x11' * 32 + answer_with_11_43_zeroed, sha256)

#[test]
fn the_client_hello_carries_the_digest_of_key_and_time() {
    let hello = hello::client_hello(&KEY, "example.com", T, &mut Constant(0x42));
    assert_eq!(hello.len(), 517);
    assert_eq!(&hello[..11], &hex("1603010200010001fc0303")[..]);
    assert_eq!(
        sha256(&[&zeroed_digest(&hello)]).to_vec(),
        hex("5207d1c2255679c2800240e283dd1c0eedf00e24c374cc62e22a7e7d5e54c90b")
    );
    assert_eq!(
        &hello[11..43],
        &hex("77bb7a4f7f11b501b31153e7df1fc9b8c471d9744ef991e78e6f97d0701e2b45")[..]
    );
    // The key share, a point on Curve25519 (see above), after its group and length.
    let at = hello
        .windows(4)
        .position(|w| w == [0x00, 0x1d, 0x00, 0x20])
        .expect("an X25519 key share")
        + 4;
    assert_eq!(
        &hello[at..at + 32],
        &hex("0f6417e6fce28fdc404ea9580c8118a77cd5df7f6454478ce55a052167da525f")[..]
    );
    // The server name extension names the domain.
    assert_eq!(
        &hello[127 - 9..127 + 11],
        &[&hex("00000010000e00000b")[..], b"example.com"].concat()[..]
    );
}

#[test]
fn the_server_answer_carries_the_digest_of_the_client_digest_and_itself() {
    let answer = hello::server_answer(&KEY, &[0x11; 32], &[0x22; 32], &mut Constant(0x42));
    assert_eq!(answer.len(), 2764);
    assert_eq!(&answer[..11], &hex("160303007a020000760303")[..]);
    // ChangeCipherSpec, then an application-data record of 0x0a42 bytes.
    assert_eq!(&answer[127..135], &hex("1403030001011703")[..]);
    assert_eq!(
        sha256(&[&zeroed_digest(&answer)]).to_vec(),
        hex("f58792991ddba34fe2a2b783f1a927c92f933d23906875b501e04048c1fd195d")
    );
    assert_eq!(
        &answer[11..43],
        &hex("c9b01ba30a44889b7f552b165dcab05021d4d8324bebca31fdc163f1407d4be1")[..]
    );
    assert_eq!(
        hello::check_server_answer(&answer, &KEY, &[0x11; 32]),
        Ok(Some(answer.len()))
    );
}

/// The shortest hello the server reads (no session id, no extensions), built and
/// signed with Python's hmac for key 0x5a × 16 at time 1700000123.
const MINIMAL_HELLO: &str =
    "1603010027010000230303fa93b5a839fed1d28b43dff156823b4fb0674e896bfacef3180263df5617f78700";

#[test]
fn a_hello_signed_elsewhere_is_read_and_accepted() {
    let bytes = hex(MINIMAL_HELLO);
    let hello = hello::read_client_hello(&bytes, &KEY).unwrap().unwrap();
    assert_eq!(hello.unix, 1_700_000_123);
    assert_eq!(hello.len, bytes.len());
    assert!(hello.session_id.is_empty());
    let mut input = BytesMut::from(&bytes[..]);
    input.extend_from_slice(b"next");
    let mut acceptor = FakeTlsAcceptor::new(KEY);
    let server = acceptor.accept(&mut input, 1_700_000_100, &mut Constant(1));
    assert!(server.unwrap().is_some());
    assert_eq!(&input[..], b"next");
}

fn client(key: &[u8; 16], unix: u32, random: &mut dyn RandomSource) -> FakeTls {
    FakeTls::client(Some(-2), key, "example.com", unix, random)
}

/// The client's first bytes, with a frame to send: its hello alone (the frame is held
/// until the server's answer).
fn opening(client: &mut FakeTls, random: &mut dyn RandomSource) -> BytesMut {
    let mut wire = BytesMut::new();
    client.encode(&[1; 40], &mut wire, random);
    wire
}

#[test]
fn frames_cross_both_ways_in_records() {
    let mut random = SeededRandom::new([3; 32]);
    let mut client = client(&KEY, T, &mut random);
    let mut up = opening(&mut client, &mut random);
    // Nothing after the hello, whatever else the client has to send: a TLS 1.3 client
    // waits for the server's flight.
    assert_eq!(
        up.len(),
        5 + usize::from(u16::from_be_bytes([up[3], up[4]]))
    );
    let hello_only = up.len();
    client.encode(&[2; 24], &mut up, &mut random);
    assert_eq!(client.flush(&mut up), 0, "held until the answer");
    assert_eq!(up.len(), hello_only);
    let hello_len = up.len();
    let mut acceptor = FakeTlsAcceptor::new(KEY);
    let mut server = acceptor
        .accept(&mut up, T + 30, &mut random)
        .unwrap()
        .unwrap();
    assert!(up.is_empty(), "{hello_len} bytes were the hello alone");

    // The server answers first, whatever it sends; the client reads the answer and
    // only then lets out what it held: a ChangeCipherSpec, then its records.
    let mut down = BytesMut::new();
    assert!(server.flush(&mut down) > 0);
    assert_eq!(&down[..3], &[0x16, 0x03, 0x03], "the answer goes first");
    assert_eq!(client.decode(&mut down).unwrap(), None);
    assert!(down.is_empty());
    let mut up = BytesMut::new();
    client.flush(&mut up);
    assert_eq!(&up[..6], &[0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
    assert_eq!(&up[6..9], &[0x17, 0x03, 0x03]);
    assert_eq!(
        server.decode(&mut up).unwrap(),
        Some(Frame::Packet(vec![1; 40].into()))
    );
    assert_eq!(server.kind(), Kind::PaddedIntermediate);
    // The DC the client named, as the obfuscated header inside carries it.
    assert_eq!(server.header_dc(), Some(-2));
    assert_eq!(
        server.decode(&mut up).unwrap(),
        Some(Frame::Packet(vec![2; 24].into()))
    );
    assert!(up.is_empty());
    assert_eq!(client.flush(&mut up), 0, "nothing is sent twice");

    // A frame larger than a record travels in several; one byte at a time arrives too.
    // (An encrypted packet's length: 24 bytes and whole blocks, as padded intermediate
    // strips padding by.)
    let big: Vec<u8> = (0..100_024u32).map(|i| (i * 7 + 1) as u8).collect();
    let mut down = BytesMut::new();
    server.encode(&big, &mut down, &mut random);
    server.encode_quick_ack(0x1234, &mut down);
    let mut trickle = BytesMut::new();
    let mut got = Vec::new();
    for byte in down.iter() {
        trickle.extend_from_slice(&[*byte]);
        while let Some(frame) = client.decode(&mut trickle).unwrap() {
            got.push(frame);
        }
    }
    assert_eq!(
        got,
        vec![
            Frame::Packet(big.clone().into()),
            Frame::QuickAck(0x8000_1234)
        ]
    );

    let mut up = BytesMut::new();
    client.encode(&big, &mut up, &mut random);
    // No second hello or ChangeCipherSpec: records only, none over 2^14 bytes.
    assert_eq!(&up[..5], &[0x17, 0x03, 0x03, 0x40, 0x00]);
    assert_eq!(
        server.decode(&mut up).unwrap(),
        Some(Frame::Packet(big.into()))
    );
    assert!(up.is_empty());
}

#[test]
fn forged_skewed_and_replayed_hellos_are_refused() {
    let mut random = SeededRandom::new([4; 32]);
    let hello = opening(&mut client(&KEY, T, &mut random), &mut random);
    let accept = |acceptor: &mut FakeTlsAcceptor, bytes: &[u8], unix: u32| {
        acceptor
            .accept(&mut BytesMut::from(bytes), unix, &mut Constant(1))
            .map(|s| s.is_some())
    };
    // Another key.
    let mut other = FakeTlsAcceptor::new([0x5b; 16]);
    assert_eq!(accept(&mut other, &hello, T), Err(FakeTlsError::BadDigest));
    // One byte of the domain changed.
    let mut forged = hello.to_vec();
    forged[130] ^= 1;
    let mut acceptor = FakeTlsAcceptor::with_limits(KEY, 120, 16);
    assert_eq!(
        accept(&mut acceptor, &forged, T),
        Err(FakeTlsError::BadDigest)
    );
    // A clock 121 s behind or ahead of the server's.
    assert_eq!(
        accept(&mut acceptor, &hello, T + 121),
        Err(FakeTlsError::ClockSkew { skew: -121 })
    );
    assert_eq!(
        accept(&mut acceptor, &hello, T - 121),
        Err(FakeTlsError::ClockSkew { skew: 121 })
    );
    // At the edge of the window it is taken, once.
    assert_eq!(accept(&mut acceptor, &hello, T + 120), Ok(true));
    assert_eq!(
        accept(&mut acceptor, &hello, T + 120),
        Err(FakeTlsError::Replayed)
    );
    // Not TLS at all, and a hello cut short (waited for, nothing consumed).
    assert_eq!(
        accept(&mut acceptor, &[0x16, 3, 3, 0, 1], T),
        Err(FakeTlsError::NotTls)
    );
    let mut partial = BytesMut::from(&hello[..300]);
    assert!(
        acceptor
            .accept(&mut partial, T, &mut Constant(1))
            .unwrap()
            .is_none()
    );
    assert_eq!(partial.len(), 300);
}

#[test]
fn the_client_refuses_an_answer_not_made_with_its_key() {
    let mut random = SeededRandom::new([5; 32]);
    let mut honest = client(&KEY, T, &mut random);
    let hello = opening(&mut honest, &mut random);
    let digest: [u8; 32] = hello[11..43].try_into().unwrap();

    let refused = |answer: &[u8]| {
        let mut c = client(&KEY, T, &mut SeededRandom::new([5; 32]));
        c.decode(&mut BytesMut::from(answer))
    };
    // The same client again (same seed): its digest is `digest`.
    let good = hello::server_answer(&KEY, &digest, &[0; 32], &mut Constant(7));
    assert_eq!(refused(&good), Ok(None));
    let wrong_key = hello::server_answer(&[0x5b; 16], &digest, &[0; 32], &mut Constant(7));
    let bad = Err(TransportError::FakeTls(FakeTlsError::BadServerDigest));
    assert_eq!(refused(&wrong_key), bad);
    let wrong_hello = hello::server_answer(&KEY, &[0; 32], &[0; 32], &mut Constant(7));
    assert_eq!(refused(&wrong_hello), bad);
    let mut tampered = good.clone();
    *tampered.last_mut().unwrap() ^= 1;
    assert_eq!(refused(&tampered), bad);
    // An alert where the ServerHello should be, and a certificate record too long.
    assert_eq!(
        refused(&[0x15, 3, 3, 0, 2, 2, 40]),
        Err(TransportError::FakeTls(FakeTlsError::MalformedServerHello))
    );
    let data = 5 + usize::from(u16::from_be_bytes([good[3], good[4]])) + 6;
    let mut long = good[..data + 5].to_vec();
    long[data + 3..].copy_from_slice(&0x4101u16.to_be_bytes());
    assert_eq!(
        refused(&long),
        Err(TransportError::FakeTls(FakeTlsError::RecordTooLarge(
            0x4101
        )))
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_acceptor_or_the_records(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        tls_start in any::<bool>(),
    ) {
        let mut input = BytesMut::new();
        if tls_start {
            input.extend_from_slice(&[0x16, 0x03, 0x01]);
        }
        input.extend_from_slice(&bytes);
        let mut acceptor = FakeTlsAcceptor::new(KEY);
        if let Ok(Some(mut server)) = acceptor.accept(&mut input, T, &mut Constant(1)) {
            while let Ok(Some(_)) = server.decode(&mut input) {}
        }
        // A server past its hello, fed anything.
        let mut random = SeededRandom::new([6; 32]);
        let mut up = opening(&mut client(&KEY, T, &mut random), &mut random);
        let mut server = FakeTlsAcceptor::new(KEY).accept(&mut up, T, &mut random).unwrap().unwrap();
        let mut junk = BytesMut::from(&bytes[..]);
        while let Ok(Some(_)) = server.decode(&mut junk) {}
        // A client waiting for its answer, fed anything.
        let mut client = client(&KEY, T, &mut random);
        let mut junk = BytesMut::from(&bytes[..]);
        while let Ok(Some(_)) = client.decode(&mut junk) {}
    }
}
