//! The session as a string: exported for another machine or library, imported by the
//! builder.

use super::Client;
use crate::error::Error;
use crate::storage::{self, Session, SessionData, SessionFormat};

impl Client {
    /// The session as a string in `format`: the home DC, its key and (where the format
    /// holds them) its address, who is signed in, and the `api_id`.
    pub fn export_session_string(&self, format: SessionFormat) -> crate::Result<String> {
        let inner = &self.inner;
        let home = inner.home_dc();
        let address = inner.address(home, false)?;
        let state = inner.state();
        let session = &state.session;
        let key = session
            .dcs
            .get(&home)
            .and_then(|d| d.auth_key.clone())
            .ok_or_else(|| Error::Config(format!("no auth key for the home DC {home} yet")))?;
        let mut data = SessionData::new(home, key);
        data.address = Some(address);
        data.test_mode = inner.settings.test_mode;
        data.user_id = session.user_id;
        data.is_bot = session.is_bot;
        data.api_id = Some(inner.settings.api_id);
        storage::encode(&data, format)
            .map_err(|e| Error::Config(format!("cannot export the session: {e}")))
    }
}

/// A session read from a string: its DC with the key (marked authorized when the string
/// names a user, as Pyrogram's and ours do).
pub(crate) fn from_string(string: &str) -> crate::Result<Session> {
    let (data, _) = storage::decode(string)
        .map_err(|e| Error::Config(format!("unreadable session string: {e}")))?;
    Ok(Session::from_data(&data))
}
