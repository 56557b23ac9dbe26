//! The typed API through the facade crate, the way a client uses it: a request is encoded
//! for the wire, and the answer's bytes decode to the type the request names.

use oxigram::tl::{self, Deserialize, RemoteCall, Serialize, enums, functions, types};

/// What a client does with an answer: decode it as the request's return type.
fn answer_of<R: RemoteCall>(_request: &R, bytes: &[u8]) -> Result<R::Return, tl::DecodeError> {
    R::Return::from_bytes(bytes)
}

#[test]
fn a_request_names_the_type_of_its_answer() {
    let request = functions::InvokeWithLayer {
        layer: tl::LAYER,
        query: functions::contacts::ResolveUsername {
            username: "oxigram".into(),
            referer: None,
        },
    };
    let wire = request.to_bytes();
    assert_eq!(&wire[..4], &0xda9b0d0d_u32.to_le_bytes());
    assert_eq!(&wire[4..8], &230_i32.to_le_bytes());

    let resolved = types::contacts::ResolvedPeer {
        peer: types::PeerUser { user_id: 42 }.into(),
        chats: vec![],
        users: vec![types::UserEmpty { id: 42 }.into()],
    };
    let answer: enums::contacts::ResolvedPeer = answer_of(&request, &resolved.to_bytes()).unwrap();
    assert_eq!(answer, resolved.into());
}

#[test]
fn vector_and_bool_answers_decode_to_rust_types() {
    let request = functions::messages::DeleteMessages {
        revoke: true,
        id: vec![1, 2, 3],
    };
    let affected = types::messages::AffectedMessages {
        pts: 10,
        pts_count: 3,
    };
    let answer = answer_of(&request, &affected.to_bytes()).unwrap();
    assert_eq!(answer, affected.into());

    let request = functions::auth::LogOut {};
    let _: &enums::auth::LoggedOut = &answer_of(
        &request,
        &types::auth::LoggedOut {
            future_auth_token: None,
        }
        .to_bytes(),
    )
    .unwrap();

    let request = functions::account::UpdateStatus { offline: true };
    let answer: bool = answer_of(&request, &tl::BOOL_TRUE_ID.to_le_bytes()).unwrap();
    assert!(answer);
}

#[test]
fn service_messages_come_from_the_mtproto_schema() {
    use tl::mtproto;
    let ping = mtproto::functions::Ping { ping_id: 7 };
    let pong = mtproto::types::Pong {
        msg_id: 1,
        ping_id: 7,
    };
    let answer = answer_of(&ping, &pong.to_bytes()).unwrap();
    assert_eq!(answer, pong.into());
    assert_eq!(tl::name_for_id(0x347773c5), Some("pong"));
}
