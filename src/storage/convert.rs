//! Between a whole [`Session`] and the part of it a session string carries.

use super::SessionData;
use super::store::{DcSession, Session};

impl Session {
    /// A session holding what a session string carries: the home DC with its key and
    /// address, signed in if the string names the user.
    pub fn from_data(data: &SessionData) -> Session {
        let mut session = Session {
            home_dc: data.dc_id,
            test_mode: data.test_mode,
            api_id: data.api_id,
            user_id: data.user_id,
            is_bot: data.is_bot,
            ..Session::default()
        };
        session.dcs.insert(
            data.dc_id,
            DcSession {
                address: data.address,
                auth_key: Some(data.auth_key.clone()),
                authorized: data.user_id.is_some(),
            },
        );
        session
    }

    /// What a session string can carry of this session: the home DC's key and address and
    /// the account; `None` while the home DC has no key.
    pub fn to_data(&self) -> Option<SessionData> {
        let home = self.dcs.get(&self.home_dc)?;
        let auth_key = home.auth_key.clone()?;
        Some(SessionData {
            dc_id: self.home_dc,
            address: home.address,
            test_mode: self.test_mode,
            auth_key,
            user_id: self.user_id,
            is_bot: self.is_bot,
            api_id: self.api_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::crypto::message::AuthKey;

    #[test]
    fn a_string_round_trips_through_a_session() {
        let mut data = SessionData::new(4, AuthKey::new([9; 256]));
        data.address = Some("149.154.167.91:443".parse().unwrap());
        data.user_id = Some(42);
        data.is_bot = Some(true);
        data.api_id = Some(6);
        let session = Session::from_data(&data);
        assert_eq!(session.home_dc, 4);
        assert!(session.dcs[&4].authorized);
        assert_eq!(session.to_data(), Some(data));
    }

    #[test]
    fn no_home_key_means_no_string() {
        let mut session = Session {
            home_dc: 2,
            ..Session::default()
        };
        assert_eq!(session.to_data(), None);
        session.dcs.insert(2, DcSession::default());
        assert_eq!(session.to_data(), None);
    }
}
