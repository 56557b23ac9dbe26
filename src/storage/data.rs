//! The fields a session string carries.

use std::net::SocketAddr;

use crate::proto::crypto::message::AuthKey;

/// What a session string carries: where the account's DC is, the key it holds there, and
/// whose key it is.
///
/// Each format holds only some of the optional fields (see the [module docs](super)).
/// `Debug` shows the key's id, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionData {
    /// The DC the key was made with.
    pub dc_id: i16,
    /// The DC's address, if known; Pyrogram's format does not hold it.
    pub address: Option<SocketAddr>,
    /// Whether the DC is one of Telegram's test DCs.
    pub test_mode: bool,
    /// The permanent authorization key.
    pub auth_key: AuthKey,
    /// The account's user id; Telethon's format does not hold it.
    pub user_id: Option<i64>,
    /// Whether the account is a bot; Telethon's format does not hold it.
    pub is_bot: Option<bool>,
    /// The `api_id` the key was made with; older Pyrogram strings and Telethon's do not
    /// hold it.
    pub api_id: Option<i32>,
}

impl SessionData {
    /// A production-DC session with only a DC and a key; set the other fields as known.
    pub fn new(dc_id: i16, auth_key: AuthKey) -> Self {
        SessionData {
            dc_id,
            address: None,
            test_mode: false,
            auth_key,
            user_id: None,
            is_bot: None,
            api_id: None,
        }
    }
}
