use super::*;
use crate::random::SeededRandom;

const MSG_ID: i64 = 0x6560_0000_0000_1234;

fn perm() -> AuthKey {
    AuthKey::new([3; 256])
}

fn binding() -> Binding {
    Binding {
        perm: perm(),
        temp_auth_key_id: 0x1122_3344_5566_7788,
        temp_session_id: -77,
        expires_at: 1_800_000_000,
        nonce: 0x0102_0304_0506_0708,
    }
}

fn check() -> BindCheck {
    BindCheck {
        temp_auth_key_id: 0x1122_3344_5566_7788,
        temp_session_id: -77,
        msg_id: MSG_ID,
    }
}

fn request() -> Vec<u8> {
    bind_request(&binding(), MSG_ID, &mut SeededRandom::new([9; 32]))
}

fn known(id: i64) -> Option<AuthKey> {
    (id == i64::from_le_bytes(perm().id())).then(perm)
}

fn rewrite(body: &[u8], change: impl FnOnce(&mut functions::auth::BindTempAuthKey)) -> Vec<u8> {
    let mut request = functions::auth::BindTempAuthKey::from_bytes(body).unwrap();
    change(&mut request);
    request.to_bytes()
}

#[test]
fn a_binding_verifies_and_says_what_it_binds() {
    let bound = verify_binding(&request(), known, &check()).unwrap();
    assert_eq!(
        bound,
        Bound {
            perm_auth_key_id: i64::from_le_bytes(perm().id()),
            expires_at: 1_800_000_000,
        }
    );
}

#[test]
fn the_bytes_are_laid_out_as_the_protocol_says() {
    let body = request();
    // auth.bindTempAuthKey#cdd42a05, then perm_auth_key_id, nonce, expires_at.
    assert_eq!(body[..4], [0x05, 0x2a, 0xd4, 0xcd]);
    assert_eq!(body[4..12], perm().id());
    assert_eq!(body[12..20], 0x0102_0304_0506_0708i64.to_le_bytes());
    assert_eq!(body[20..24], 1_800_000_000i32.to_le_bytes());
    // bytes of 104 (a one-byte length), then the key id and message key.
    assert_eq!(body[24], 104);
    let encrypted = &body[25..25 + 104];
    assert_eq!(encrypted[..8], perm().id());
    // Decrypted by hand with the SHA-1 derivation: random, msg_id, seq_no 0, length 40,
    // then bind_auth_key_inner#75a3f765 and its fields in order.
    let msg_key: [u8; 16] = encrypted[8..24].try_into().unwrap();
    let (key, iv) = v1::aes_key_iv(&perm(), Sender::Client, &msg_key);
    let mut plain = encrypted[24..].to_vec();
    ige::decrypt(&mut plain, &key, &iv).unwrap();
    assert_eq!(plain[16..24], MSG_ID.to_le_bytes());
    assert_eq!(plain[24..28], [0; 4]);
    assert_eq!(plain[28..32], [40, 0, 0, 0]);
    assert_eq!(plain[32..36], [0x65, 0xf7, 0xa3, 0x75]);
    assert_eq!(plain[36..44], 0x0102_0304_0506_0708i64.to_le_bytes());
    assert_eq!(plain[44..52], 0x1122_3344_5566_7788i64.to_le_bytes());
    assert_eq!(plain[52..60], perm().id());
    assert_eq!(plain[60..68], (-77i64).to_le_bytes());
    assert_eq!(plain[68..72], 1_800_000_000i32.to_le_bytes());
    // The message key covers the 72 bytes before the padding, not the padding.
    assert_eq!(v1::msg_key(&plain[..72]), msg_key);
    assert_ne!(crate::crypto::sha1(&[&plain])[4..20], msg_key);
}

#[test]
fn the_random_header_differs_between_bindings() {
    let other = bind_request(&binding(), MSG_ID, &mut SeededRandom::new([10; 32]));
    assert_ne!(request(), other);
    assert!(verify_binding(&other, known, &check()).is_ok());
}

#[test]
fn an_altered_binding_is_refused() {
    let body = request();
    let flipped = rewrite(&body, |r| {
        let mut bytes = r.encrypted_message.to_vec();
        bytes[40] ^= 1;
        r.encrypted_message = bytes.into();
    });
    assert_eq!(
        verify_binding(&flipped, known, &check()),
        Err(BindError::MessageKey)
    );
    let nonce = rewrite(&body, |r| r.nonce += 1);
    assert_eq!(
        verify_binding(&nonce, known, &check()),
        Err(BindError::Field("nonce"))
    );
    let later = rewrite(&body, |r| r.expires_at += 3600);
    assert_eq!(
        verify_binding(&later, known, &check()),
        Err(BindError::Field("expires_at"))
    );
    let short = rewrite(&body, |r| {
        r.encrypted_message = r.encrypted_message.slice(..88)
    });
    assert_eq!(
        verify_binding(&short, known, &check()),
        Err(BindError::Length(88))
    );
}

#[test]
fn a_binding_forged_without_the_permanent_key_is_refused() {
    // Someone holding only the temporary key encrypts the binding with a key of their
    // own and names the victim's permanent key.
    let forged = Binding {
        perm: AuthKey::new([4; 256]),
        ..binding()
    };
    let body = bind_request(&forged, MSG_ID, &mut SeededRandom::new([9; 32]));
    let victim = i64::from_le_bytes(perm().id());
    let body = rewrite(&body, |r| {
        r.perm_auth_key_id = victim;
        let mut bytes = r.encrypted_message.to_vec();
        bytes[..8].copy_from_slice(&perm().id());
        r.encrypted_message = bytes.into();
    });
    let refused = verify_binding(&body, known, &check()).unwrap_err();
    assert_eq!(refused, BindError::MessageKey);
    assert_eq!(refused.rpc_error().name, "ENCRYPTED_MESSAGE_INVALID");
    assert_eq!(refused.rpc_error().code, 400);
}

#[test]
fn a_binding_for_another_message_session_or_key_is_refused() {
    let body = request();
    let replayed = BindCheck {
        msg_id: MSG_ID + 4,
        ..check()
    };
    assert!(matches!(
        verify_binding(&body, known, &replayed),
        Err(BindError::MsgId { .. })
    ));
    let session = BindCheck {
        temp_session_id: 78,
        ..check()
    };
    assert_eq!(
        verify_binding(&body, known, &session),
        Err(BindError::Field("temp_session_id"))
    );
    let key = BindCheck {
        temp_auth_key_id: 1,
        ..check()
    };
    assert_eq!(
        verify_binding(&body, known, &key),
        Err(BindError::Field("temp_auth_key_id"))
    );
}

#[test]
fn an_unknown_permanent_key_and_garbage_are_refused() {
    let unknown = verify_binding(&request(), |_| None, &check()).unwrap_err();
    assert!(matches!(unknown, BindError::UnknownPermKey(_)));
    assert_eq!(unknown.rpc_error().name, "ENCRYPTED_MESSAGE_INVALID");
    assert_eq!(
        verify_binding(&[1, 2, 3], known, &check()),
        Err(BindError::Malformed)
    );
    assert_eq!(
        BindError::NotTemporary.rpc_error().name,
        "TEMP_AUTH_KEY_EMPTY"
    );
}
