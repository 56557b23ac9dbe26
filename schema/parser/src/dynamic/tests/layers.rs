//! Encoding a decoded tree back, and moving trees between schemas.

use super::*;

#[test]
fn every_telethon_value_encodes_back_byte_for_byte() {
    let registry = registry();
    let mut checked = 0;
    for (label, bytes) in fixtures() {
        let value = registry.decode(&bytes).unwrap();
        // Packed data decodes unpacked and would encode unpacked.
        if bytes.windows(4).any(|w| w == GZIP_PACKED_ID.to_le_bytes()) {
            continue;
        }
        assert_eq!(
            registry.encode(&value).unwrap(),
            bytes,
            "{label} does not encode back"
        );
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} fixtures checked");
}

#[test]
fn values_that_do_not_fit_the_schema_are_refused_with_their_place() {
    let registry = registry();
    let mut peer = object(registry.decode(&telethon("input_peer_user")).unwrap());
    peer.fields[0].value = Value::String("not an id".into());
    let error = registry
        .encode(&Value::Object(Box::new(peer.clone())))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "a string cannot be written as `long`, in inputPeerUser.user_id"
    );
    peer.fields.remove(1);
    peer.fields[0].value = Value::Long(1);
    let error = registry.encode(&Value::Object(Box::new(peer))).unwrap_err();
    assert_eq!(
        error.reason,
        "`inputPeerUser` lacks its required `access_hash`"
    );
    let unknown = Value::Object(Box::new(Object {
        name: "noSuchThing".into(),
        id: 1,
        category: Category::Type,
        fields: Vec::new(),
    }));
    assert_eq!(
        registry.encode(&unknown).unwrap_err().reason,
        "`noSuchThing` is not a constructor of this schema"
    );
}

/// The id `registry` gives the constructor or function called `name`.
fn id(registry: &Registry, name: &str) -> [u8; 4] {
    let definition = registry
        .named(Category::Type, name)
        .or_else(|| registry.named(Category::Function, name))
        .unwrap();
    definition.id.to_le_bytes()
}

/// Two layers of a small schema that changes as Telegram's does: a constructor gains
/// flags and new parameters (and so a new id), one is new, a parameter widens from
/// `int` to `long`, a function gains a parameter.
const OLD: &str = "
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
vector#1cb5c415 {t:Type} # [ t ] = Vector t;
peerUser user_id:int = Peer;
userEmpty id:int = User;
user flags:# bot:flags.0?true id:int first_name:flags.1?string = User;
photoEmpty id:long = Photo;
message id:int from_id:Peer text:string = Message;
updateNewMessage message:Message pts:int = Update;
updateEmpty = Update;
botVerification bot_id:long description:string = BotVerification;
---functions---
users.getUsers id:Vector<int> = Vector<User>;
";

const NEW: &str = "
boolFalse#bc799737 = Bool;
boolTrue#997275b5 = Bool;
vector#1cb5c415 {t:Type} # [ t ] = Vector t;
peerUser user_id:long = Peer;
userEmpty id:long = User;
user flags:# bot:flags.0?true premium:flags.2?true id:long first_name:flags.1?string photo:flags.3?Photo color:int = User;
photoEmpty id:long = Photo;
message flags:# id:int from_id:Peer text:string views:flags.0?int = Message;
updateNewMessage message:Message pts:int = Update;
updateEmpty = Update;
updateStoryView story:int = Update;
userStranger id:long tag:string = User;
messageEntityBold offset:int length:int = MessageEntity;
textWithEntities text:string entities:Vector<MessageEntity> = TextWithEntities;
botVerification bot_id:long description:TextWithEntities = BotVerification;
---functions---
users.getUsers id:Vector<long> lang:string = Vector<User>;
";

fn layers() -> (Registry, Registry) {
    (
        Registry::new([parse(OLD).unwrap()]),
        Registry::new([parse(NEW).unwrap()]),
    )
}

/// Encodes with `registry` and decodes again: the value must survive the wire.
fn through_the_wire(registry: &Registry, value: &Value) -> Value {
    registry.decode(&registry.encode(value).unwrap()).unwrap()
}

fn new_user() -> Value {
    let (_, new) = layers();
    new.decode(&{
        let mut b = id(&new, "user").to_vec();
        // flags: bot (0), first_name (1), premium (2), photo (3)
        b.extend(0b1111_u32.to_le_bytes());
        b.extend(7_i64.to_le_bytes());
        b.extend([3, b'A', b'd', b'a']);
        b.extend(id(&new, "photoEmpty"));
        b.extend(99_i64.to_le_bytes());
        b.extend(5_i32.to_le_bytes());
        b
    })
    .unwrap()
}

#[test]
fn a_constructor_goes_down_a_layer_by_name_with_new_parameters_dropped() {
    let (old, new) = layers();
    let down = Conversion::new(&new, &old).value(&new_user()).unwrap();
    assert_eq!(
        through_the_wire(&old, &down).to_string(),
        "user { bot: true, id: 7, first_name: \"Ada\" }"
    );
    // The old layer's own encoding of that user, written out by hand.
    let mut expected = id(&old, "user").to_vec();
    expected.extend(0b11_u32.to_le_bytes());
    expected.extend(7_i32.to_le_bytes());
    expected.extend([3, b'A', b'd', b'a']);
    assert_eq!(old.encode(&down).unwrap(), expected);
}

#[test]
fn a_constructor_goes_up_a_layer_with_neutral_required_parameters() {
    let (old, new) = layers();
    let mut bytes = id(&old, "message").to_vec();
    bytes.extend(12_i32.to_le_bytes());
    bytes.extend(id(&old, "peerUser"));
    bytes.extend(7_i32.to_le_bytes());
    bytes.extend([2, b'h', b'i', 0]);
    let message = old.decode(&bytes).unwrap();
    let up = Conversion::new(&old, &new).value(&message).unwrap();
    assert_eq!(
        through_the_wire(&new, &up).to_string(),
        "message { id: 12, from_id: peerUser { user_id: 7 }, text: \"hi\" }"
    );
    // A required parameter the old layer lacks gets its neutral value.
    let user = old
        .decode(&{
            let mut b = id(&old, "user").to_vec();
            b.extend(0_u32.to_le_bytes());
            b.extend(5_i32.to_le_bytes());
            b
        })
        .unwrap();
    let up = Conversion::new(&old, &new).value(&user).unwrap();
    assert_eq!(
        through_the_wire(&new, &up).to_string(),
        "user { id: 5, color: 0 }"
    );
}

#[test]
fn a_function_goes_up_with_its_parameters_widened() {
    let (old, new) = layers();
    let mut bytes = id(&old, "users.getUsers").to_vec();
    bytes.extend(VECTOR_ID.to_le_bytes());
    bytes.extend(2_i32.to_le_bytes());
    bytes.extend(5_i32.to_le_bytes());
    bytes.extend((-1_i32).to_le_bytes());
    let request = old.decode(&bytes).unwrap();
    let up = Conversion::new(&old, &new).value(&request).unwrap();
    assert_eq!(
        through_the_wire(&new, &up).to_string(),
        "users.getUsers { id: [5, -1], lang: \"\" }"
    );
}

#[test]
fn a_number_that_does_not_fit_the_older_layer_is_not_wrapped() {
    let (old, new) = layers();
    let mut bytes = id(&new, "userEmpty").to_vec();
    bytes.extend((1_i64 << 40).to_le_bytes());
    let user = new.decode(&bytes).unwrap();
    // `id` is required and cannot be narrowed: the neutral value stands in for it,
    // never the low half of the number.
    let down = Conversion::new(&new, &old).value(&user).unwrap();
    assert_eq!(down.to_string(), "userEmpty { id: 0 }");
}

#[test]
fn a_constructor_the_older_layer_lacks_becomes_its_closest_sibling_or_leaves_a_vector() {
    let (old, new) = layers();
    let mut stranger = id(&new, "userStranger").to_vec();
    stranger.extend(9_i64.to_le_bytes());
    stranger.extend([1, b'x', 0, 0]);
    let value = new.decode(&stranger).unwrap();
    // `userStranger` shares `id` with both `userEmpty` and `user`, each of which
    // requires `id` alone: the one with fewer parameters wins.
    let down = Conversion::new(&new, &old).value(&value).unwrap();
    assert_eq!(
        through_the_wire(&old, &down).to_string(),
        "userEmpty { id: 9 }"
    );

    // In a vector, an update the old layer cannot read is left out.
    let mut updates = VECTOR_ID.to_le_bytes().to_vec();
    updates.extend(2_i32.to_le_bytes());
    updates.extend(id(&new, "updateStoryView"));
    updates.extend(3_i32.to_le_bytes());
    updates.extend(id(&new, "updateEmpty"));
    let down = Conversion::new(&new, &old)
        .value(&new.decode(&updates).unwrap())
        .unwrap();
    assert_eq!(down.to_string(), "[updateEmpty {}]");

    // A function the other layer lacks has no conversion.
    let (old_schema, new_schema) = (parse(OLD).unwrap(), parse(NEW).unwrap());
    let only_new = Registry::new([new_schema]);
    let without = Registry::new([crate::Schema {
        layer: None,
        definitions: old_schema
            .definitions
            .into_iter()
            .filter(|d| d.category == Category::Type)
            .collect(),
    }]);
    let mut request = id(&only_new, "users.getUsers").to_vec();
    request.extend(VECTOR_ID.to_le_bytes());
    request.extend(0_i32.to_le_bytes());
    request.extend([0, 0, 0, 0]);
    let value = only_new.decode(&request).unwrap();
    assert_eq!(Conversion::new(&only_new, &without).value(&value), None);
}

#[test]
fn a_string_and_a_text_with_entities_convert_into_each_other_by_their_text() {
    let (old, new) = layers();
    let mut bytes = id(&new, "botVerification").to_vec();
    bytes.extend(4_i64.to_le_bytes());
    bytes.extend(id(&new, "textWithEntities"));
    bytes.extend([5, b'V', b'o', b'u', b'c', b'h', 0, 0]);
    bytes.extend(VECTOR_ID.to_le_bytes());
    bytes.extend(1_i32.to_le_bytes());
    bytes.extend(id(&new, "messageEntityBold"));
    bytes.extend(0_i32.to_le_bytes());
    bytes.extend(5_i32.to_le_bytes());
    let newer = new.decode(&bytes).unwrap();
    let down = Conversion::new(&new, &old).value(&newer).unwrap();
    assert_eq!(
        through_the_wire(&old, &down).to_string(),
        "botVerification { bot_id: 4, description: \"Vouch\" }"
    );
    let up = Conversion::new(&old, &new).value(&down).unwrap();
    assert_eq!(
        through_the_wire(&new, &up).to_string(),
        "botVerification { bot_id: 4, description: textWithEntities { text: \"Vouch\", entities: [] } }"
    );
}

proptest! {
    /// Whatever decodes encodes again and decodes to the same tree, and converting it to
    /// another schema and back never panics.
    #[test]
    fn mutated_fixtures_that_decode_encode_back(
        index in 0..70_usize,
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let registry = registry();
        if let Ok(value) = registry.decode(&mutated(index, &flips)) {
            let again = registry.encode(&value).unwrap();
            prop_assert_eq!(registry.decode(&again).unwrap(), value.clone());
            let (old, _) = layers();
            if let Some(down) = Conversion::new(&registry, &old).value(&value) {
                // What converts may still not fit (a bare value of a type the small
                // schema lacks); it must fail cleanly.
                if let Ok(written) = old.encode(&down) {
                    prop_assert!(old.decode(&written).is_ok());
                }
            }
        }
    }
}
