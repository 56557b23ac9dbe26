//! Answers in the client's layer. A client names the layer it was built for in
//! `invokeWithLayer`; Telegram answers it, and pushes it updates, in that layer. The
//! test DC's methods speak the newest layer (the one `oxigram-tl` is generated from), so
//! for a client on an older layer it re-encodes what goes out, and reads what comes in:
//! a value is decoded with the newest schema, rewritten with
//! [`Conversion`] (constructors and parameters matched by name, the rules are
//! `oxigram_tl_parser::dynamic`'s) and encoded with the older one. Requests the newest
//! schema does not know are read with the older one and rewritten upward.
//!
//! Older layers are kept as data: for each, the definitions it writes differently from
//! the next newer layer kept and the names it lacks (`layers/N.tl`, written by
//! `layers/derive.py` from the published schemas of both; see the test DC's README). A
//! layer not kept here is answered in the kept layer nearest below it
//! ([`Layers::answering`]).

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use oxigram_tl_parser::dynamic::{Conversion, Registry};
use oxigram_tl_parser::{Category, Definition, Schema};

const API: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../schema/tl/api.tl"
));
const MTPROTO: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../schema/tl/mtproto.tl"
));

/// Every older layer kept, oldest first: each file holds what its layer defines
/// differently from the next one here (the last, from the newest).
const OLDER: &[(u32, &str)] = &[
    (195, include_str!("../layers/195.tl")),
    (196, include_str!("../layers/196.tl")),
    (198, include_str!("../layers/198.tl")),
    (199, include_str!("../layers/199.tl")),
    (201, include_str!("../layers/201.tl")),
    (202, include_str!("../layers/202.tl")),
    (203, include_str!("../layers/203.tl")),
    (204, include_str!("../layers/204.tl")),
    (207, include_str!("../layers/207.tl")),
    (210, include_str!("../layers/210.tl")),
    (211, include_str!("../layers/211.tl")),
    (214, include_str!("../layers/214.tl")),
    (216, include_str!("../layers/216.tl")),
    (220, include_str!("../layers/220.tl")),
    (221, include_str!("../layers/221.tl")),
    (222, include_str!("../layers/222.tl")),
    (223, include_str!("../layers/223.tl")),
    (224, include_str!("../layers/224.tl")),
    (225, include_str!("../layers/225.tl")),
    (227, include_str!("../layers/227.tl")),
    (228, include_str!("../layers/228.tl")),
    (229, include_str!("../layers/229.tl")),
];

/// Why a value could not be moved between layers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayerError {
    /// The value does not decode with the schema it was sent in.
    #[error("layer {layer}: the value does not decode: {reason}")]
    Decode {
        /// The layer read with.
        layer: u32,
        /// What the decoder said.
        reason: String,
    },
    /// The other layer has nothing to carry the value (a function or type it lacks).
    #[error("layer {layer} has no counterpart of {what}")]
    NoCounterpart {
        /// The layer written for.
        layer: u32,
        /// The value's outermost constructor or function.
        what: String,
    },
    /// The rewritten value does not encode.
    #[error("layer {layer}: the value does not encode: {reason}")]
    Encode {
        /// The layer written for.
        layer: u32,
        /// What the encoder said.
        reason: String,
    },
}

/// The newest schema and the older layers kept.
pub struct Layers {
    /// The newest API schema's definitions, which the older ones are rebuilt from.
    api: Schema,
    mtproto: Schema,
    newest: Registry,
    /// Built on first use: most runs see no older client at all.
    older: Vec<(u32, OnceLock<Registry>)>,
}

static LAYERS: LazyLock<Layers> = LazyLock::new(|| {
    let (api, mtproto) = (schema(API), schema(MTPROTO));
    Layers {
        newest: Registry::new([api.clone(), mtproto.clone()]),
        api,
        mtproto,
        older: OLDER
            .iter()
            .map(|&(layer, _)| (layer, OnceLock::new()))
            .collect(),
    }
});

fn schema(text: &str) -> Schema {
    oxigram_tl_parser::parse(text).expect("the schemas in the repository parse")
}

/// The newest layer: the one the test DC's methods speak.
pub const NEWEST: u32 = oxigram_tl::LAYER as u32;

/// The older layers the test DC answers in, oldest first.
pub fn kept() -> impl Iterator<Item = u32> {
    OLDER.iter().map(|&(layer, _)| layer)
}

impl Layers {
    /// The layers, parsed on first use.
    pub fn get() -> &'static Layers {
        &LAYERS
    }

    /// The kept layer a client announcing `layer` is answered in: that one, else the
    /// nearest kept below it (a client knows the constructors of the layers before its
    /// own better than those after), else the oldest kept; `None` for the newest, a
    /// newer one, or 0 (the newest is answered).
    pub fn answering(&self, layer: u32) -> Option<u32> {
        if layer == 0 || layer >= NEWEST {
            return None;
        }
        kept()
            .take_while(|&kept| kept <= layer)
            .last()
            .or_else(|| kept().next())
    }

    /// The schema of `layer`, if it is an older layer kept here.
    pub fn older(&self, layer: u32) -> Option<&Registry> {
        let at = OLDER.iter().position(|&(l, _)| l == layer)?;
        Some(self.older[at].1.get_or_init(|| self.rebuild(at)))
    }

    /// An answer or update (a boxed value of the newest layer) as a client on `layer`
    /// reads it.
    pub fn down(&self, layer: u32, body: &[u8]) -> Result<Vec<u8>, LayerError> {
        match self.older(layer) {
            Some(older) => convert(&self.newest, older, NEWEST, layer, body),
            None => Ok(body.to_vec()),
        }
    }

    /// A request (a function) from a client on `layer`, in the newest layer: `None` when
    /// the newest schema reads it as it is (same id, same parameters).
    pub fn up(&self, layer: u32, body: &[u8]) -> Result<Option<Vec<u8>>, LayerError> {
        let Some(older) = self.older(layer) else {
            return Ok(None);
        };
        let id = body
            .first_chunk::<4>()
            .map(|b| u32::from_le_bytes(*b))
            .unwrap_or(0);
        if self.newest.function(id).is_some() {
            return Ok(None);
        }
        convert(older, &self.newest, layer, NEWEST, body).map(Some)
    }

    /// The schema of the older layer at `at` in [`OLDER`].
    fn rebuild(&self, at: usize) -> Registry {
        Registry::new([
            Schema {
                layer: Some(OLDER[at].0),
                definitions: self.definitions(at),
            },
            self.mtproto.clone(),
        ])
    }

    /// The API definitions of the layer at `at` in [`OLDER`]: those of the next newer
    /// layer kept (the newest, for the last), without what its file says it lacks or
    /// writes differently, and with the file's own.
    fn definitions(&self, at: usize) -> Vec<Definition> {
        let base = match OLDER.get(at + 1) {
            Some(_) => self.definitions(at + 1),
            None => self.api.definitions.clone(),
        };
        let delta = OLDER[at].1;
        let own = schema(delta);
        let absent = |prefix: &str| -> HashSet<&str> {
            delta
                .lines()
                .find_map(|line| line.strip_prefix(prefix))
                .map(|names| names.split_whitespace().collect())
                .unwrap_or_default()
        };
        let absent_types = absent("// absent types: ");
        let absent_functions = absent("// absent functions: ");
        let replaced: HashSet<(Category, String)> = own
            .definitions
            .iter()
            .map(|d| (d.category, d.full_name()))
            .collect();
        base.into_iter()
            .filter(|d| {
                let name = d.full_name();
                let absent = match d.category {
                    Category::Type => &absent_types,
                    Category::Function => &absent_functions,
                };
                !absent.contains(name.as_str()) && !replaced.contains(&(d.category, name))
            })
            .chain(own.definitions)
            .collect()
    }
}

fn convert(
    from: &Registry,
    to: &Registry,
    from_layer: u32,
    to_layer: u32,
    body: &[u8],
) -> Result<Vec<u8>, LayerError> {
    let value = from.decode(body).map_err(|e| LayerError::Decode {
        layer: from_layer,
        reason: e.to_string(),
    })?;
    let converted =
        Conversion::new(from, to)
            .value(&value)
            .ok_or_else(|| LayerError::NoCounterpart {
                layer: to_layer,
                what: match &value {
                    oxigram_tl_parser::dynamic::Value::Object(o) => o.name.clone(),
                    other => other.to_string(),
                },
            })?;
    to.encode(&converted).map_err(|e| LayerError::Encode {
        layer: to_layer,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

    use super::*;

    /// A TL string as layer 229's own encoding writes it (a length byte, padding).
    fn tl_string(text: &str) -> Vec<u8> {
        let mut out = vec![text.len() as u8];
        out.extend(text.as_bytes());
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn layer_229_is_rebuilt_from_the_newest_and_its_differences() {
        let layers = Layers::get();
        let older = layers.older(229).unwrap();
        let named = |r: &Registry, c: Category, n: &str| r.named(c, n).map(|d| d.id);
        // Written differently in 229 (ids from the published layer-229 schema).
        assert_eq!(
            named(older, Category::Type, "botVerification"),
            Some(0xf93cd45c)
        );
        assert_eq!(
            named(older, Category::Function, "bots.checkUsername"),
            Some(0x87f2219b)
        );
        assert_eq!(
            named(&layers.newest, Category::Type, "botVerification"),
            Some(0xf72e0ed9)
        );
        // Kept as it is, and new in 230.
        assert_eq!(
            named(older, Category::Type, "user"),
            named(&layers.newest, Category::Type, "user")
        );
        assert_eq!(
            named(older, Category::Type, "messageActionGramTransfer"),
            None
        );
        assert!(layers.older(226).is_none(), "a layer not kept");
    }

    #[test]
    fn each_kept_layer_is_written_against_the_next_one_and_rebuilds() {
        let layers = Layers::get();
        for (at, &(layer, text)) in OLDER.iter().enumerate() {
            let base = OLDER.get(at + 1).map_or(NEWEST, |&(next, _)| next);
            let header = format!(
                "// LAYER {layer}\n// What layer {layer} defines differently from layer {base},"
            );
            assert!(
                text.starts_with(&header),
                "layers/{layer}.tl names another base"
            );
            let registry = layers.older(layer).unwrap();
            // Every layer kept has the constructors the interop flows use.
            for name in ["user", "userFull", "message", "chat", "channel", "config"] {
                assert!(
                    registry.named(Category::Type, name).is_some(),
                    "layer {layer} lacks {name}"
                );
            }
        }
        assert_eq!(kept().next(), Some(195));
        assert!(kept().collect::<Vec<_>>().is_sorted());
    }

    #[test]
    fn an_answer_goes_down_to_layer_229_as_its_own_schema_writes_it() {
        let answer = types::BotVerification {
            bot_id: 77,
            icon: -5,
            description: types::TextWithEntities {
                text: "Checked".into(),
                entities: vec![
                    types::MessageEntityBold {
                        offset: 0,
                        length: 7,
                    }
                    .into(),
                ],
            }
            .into(),
        };
        let down = Layers::get().down(229, &answer.to_bytes()).unwrap();
        // botVerification#f93cd45c bot_id:long icon:long description:string
        let mut expected = 0xf93cd45c_u32.to_le_bytes().to_vec();
        expected.extend(77_i64.to_le_bytes());
        expected.extend((-5_i64).to_le_bytes());
        expected.extend(tl_string("Checked"));
        assert_eq!(down, expected);
        // The newest layer, and a layer not kept, get it as it is.
        assert_eq!(
            Layers::get().down(NEWEST, &answer.to_bytes()).unwrap(),
            answer.to_bytes()
        );
        assert_eq!(
            Layers::get().down(226, &answer.to_bytes()).unwrap(),
            answer.to_bytes()
        );
    }

    #[test]
    fn a_request_of_layer_229_goes_up_to_the_newest() {
        // bots.checkUsername#87f2219b username:string = Bool (layer 229)
        let mut request = 0x87f2219b_u32.to_le_bytes().to_vec();
        request.extend(tl_string("ada_bot"));
        let up = Layers::get().up(229, &request).unwrap().unwrap();
        assert_eq!(
            functions::bots::CheckUsername::from_bytes(&up).unwrap(),
            functions::bots::CheckUsername {
                additional: false,
                username: "ada_bot".into(),
            }
        );
        // A request the newest schema reads as it is stays as it is.
        let same = functions::updates::GetState {}.to_bytes();
        assert_eq!(Layers::get().up(229, &same).unwrap(), None);
        // Bytes no layer reads are refused with the reason.
        let error = Layers::get().up(229, &[1, 2, 3, 4, 5]).unwrap_err();
        assert!(
            matches!(error, LayerError::Decode { layer: 229, .. }),
            "{error}"
        );
    }

    #[test]
    fn an_update_of_a_kind_layer_229_lacks_is_left_out_of_its_container() {
        let updates = types::Updates {
            updates: vec![
                types::UpdateWalletState {
                    state: types::WalletStateEmpty { creating: false }.into(),
                }
                .into(),
                types::UpdateNewMessage {
                    message: types::MessageEmpty {
                        id: 3,
                        peer_id: None,
                    }
                    .into(),
                    pts: 10,
                    pts_count: 1,
                }
                .into(),
            ],
            users: Vec::new(),
            chats: Vec::new(),
            date: 1_700_000_000,
            seq: 0,
        };
        let down = Layers::get()
            .down(229, &enums::Updates::from(updates).to_bytes())
            .unwrap();
        let enums::Updates::Updates(read) = enums::Updates::from_bytes(&down).unwrap() else {
            panic!("not an updates container");
        };
        assert_eq!(read.updates.len(), 1);
        assert!(matches!(read.updates[0], enums::Update::NewMessage(_)));
    }
}

#[cfg(test)]
mod published {
    //! The rebuilt schemas against the published files they were derived from, when
    //! `OXIGRAM_LAYER_SOURCES` names a directory holding them as `N.tl` (see
    //! `layers/check.sh`): every definition of every kept layer, by name and id.
    use super::*;

    #[test]
    #[ignore = "needs the published schemas; run by hand after deriving"]
    fn every_kept_layer_is_rebuilt_exactly() {
        let dir = std::env::var("OXIGRAM_LAYER_SOURCES").expect("OXIGRAM_LAYER_SOURCES");
        for layer in kept() {
            let text = std::fs::read_to_string(format!("{dir}/{layer}.tl")).unwrap();
            let published: HashSet<(Category, String, u32)> = schema(&text)
                .definitions
                .into_iter()
                .map(|d| (d.category, d.full_name(), d.id))
                .collect();
            let at = OLDER.iter().position(|&(l, _)| l == layer).unwrap();
            let rebuilt: HashSet<(Category, String, u32)> = Layers::get()
                .definitions(at)
                .into_iter()
                .map(|d| (d.category, d.full_name(), d.id))
                .collect();
            let universal = ["boolFalse", "boolTrue", "true", "vector", "error", "null"];
            let extra: Vec<_> = rebuilt
                .difference(&published)
                .filter(|(_, name, _)| !universal.contains(&name.as_str()))
                .collect();
            let missing: Vec<_> = published.difference(&rebuilt).collect();
            assert!(
                extra.is_empty() && missing.is_empty(),
                "layer {layer}: extra {extra:?}, missing {missing:?}"
            );
        }
    }
}
