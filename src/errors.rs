//! RPC errors as callers see them, and the catalogue of known error names.
//!
//! The server answers a request it refuses with an `rpc_error`: a code (400, 420, …) and a
//! name that may end with a number (`FLOOD_WAIT_31`). [`RpcError`] keeps the name without
//! the number, the number as [`RpcError::value`], and the TL name of the function that
//! caused it, and prints all of it in one line:
//!
//! ```
//! use oxigram::errors::{self, RpcError};
//! use oxigram::proto::session::RpcError as WireError;
//! use oxigram::tl::functions::messages::SendMessage;
//!
//! let error = RpcError::caused_by::<SendMessage>(WireError::new(420, "FLOOD_WAIT_31"));
//! assert_eq!(
//!     error.to_string(),
//!     r#"[420 FLOOD_WAIT_X]: A wait of 31 seconds is required (caused by "messages.sendMessage")"#,
//! );
//!
//! // Names are matched through typed constants, so a typo does not compile.
//! assert!(error.is(errors::FLOOD_WAIT));
//! assert!(error.is("FLOOD_WAIT_X") && error.is("FLOOD_WAIT_31"));
//! assert_eq!(error.flood_wait(), Some(std::time::Duration::from_secs(31)));
//! ```
//!
//! [`CATALOGUE`] lists the names seen most often with their code and a short description.
//! Names and codes follow Telegram's documented list; the descriptions are this library's
//! own. A name missing from it is still a valid [`RpcError`]: it prints with a generic
//! description that quotes the server's message.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use oxigram_proto::session::RpcError as WireError;
use oxigram_tl::Identifiable;

/// The name of an RPC error without its number (`FLOOD_WAIT` for `FLOOD_WAIT_31`).
///
/// The constants of this module are `ErrorName`s; [`RpcError::is`] takes them as well as
/// plain strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorName(&'static str);

impl ErrorName {
    /// A name, for errors the catalogue does not list yet.
    pub const fn new(name: &'static str) -> Self {
        ErrorName(name)
    }

    /// The name as the server writes it, without the number.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl AsRef<str> for ErrorName {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// One entry of [`CATALOGUE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The name without its number.
    pub name: ErrorName,
    /// The code the server sends it with.
    pub code: i32,
    /// Whether the name ends with a number (`FLOOD_WAIT_X`); the description then says
    /// what the number means, where `{value}` stands.
    pub takes_value: bool,
    /// What it means, in one line.
    pub description: &'static str,
}

impl ErrorInfo {
    /// The name as documented: with `_X` where a number goes (`FLOOD_WAIT_X`).
    pub fn documented_name(&self) -> Cow<'static, str> {
        if self.takes_value {
            Cow::Owned(format!("{}_X", self.name.0))
        } else {
            Cow::Borrowed(self.name.0)
        }
    }
}

macro_rules! takes_value {
    (X) => {
        true
    };
    (-) => {
        false
    };
}

macro_rules! wire_name {
    ($konst:ident) => {
        stringify!($konst)
    };
    ($konst:ident, $name:literal) => {
        $name
    };
}

// One line per name defines its constant and its catalogue entry, so the two cannot drift
// apart. `X` marks names that end with a number. A name sent with a second code has its
// constant once and its other codes under `also`.
macro_rules! catalogue {
    (
        names {
            $($konst:ident $(= $name:literal)?, $code:literal, $x:tt, $desc:literal;)*
        }
        also {
            $($also:ident, $also_code:literal, $also_x:tt, $also_desc:literal;)*
        }
    ) => {
        $(
            #[doc = concat!(
                "`", wire_name!($konst $(, $name)?), "` (", stringify!($code), "): ", $desc, "."
            )]
            pub const $konst: ErrorName = ErrorName(wire_name!($konst $(, $name)?));
        )*

        /// The known error names, by code, with what each means.
        ///
        /// A name may appear once per code it is sent with (`CHAT_ADMIN_REQUIRED` comes
        /// as 400 from some methods and 403 from others).
        pub static CATALOGUE: &[ErrorInfo] = &[
            $(
                ErrorInfo {
                    name: $konst,
                    code: $code,
                    takes_value: takes_value!($x),
                    description: $desc,
                },
            )*
            $(
                ErrorInfo {
                    name: $also,
                    code: $also_code,
                    takes_value: takes_value!($also_x),
                    description: $also_desc,
                },
            )*
        ];
    };
}

catalogue! {
    names {
        // 303 SEE_OTHER: the request belongs on another DC.
        FILE_MIGRATE, 303, X, "The file is stored on DC {value}; download it from there";
        NETWORK_MIGRATE, 303, X, "Connect to DC {value}, the one nearest to the client's network";
        PHONE_MIGRATE, 303, X, "The phone number is registered on DC {value}; sign in there";
        USER_MIGRATE, 303, X, "The account lives on DC {value}; send its requests there";
        STATS_MIGRATE, 303, X, "The statistics of this channel are served by DC {value}";

        // 400 BAD_REQUEST: the request itself is wrong.
        ABOUT_TOO_LONG, 400, -, "The bio is longer than allowed";
        ACCESS_TOKEN_EXPIRED, 400, -, "The bot token was revoked";
        ACCESS_TOKEN_INVALID, 400, -, "The bot token is not valid";
        API_ID_INVALID, 400, -, "The api_id and api_hash pair is not recognised";
        API_ID_PUBLISHED_FLOOD, 400, -, "This api_id was published openly and is limited for that reason";
        AUTH_BYTES_INVALID, 400, -, "The bytes given to import an authorization do not match";
        BOT_COMMAND_INVALID, 400, -, "A bot command is not 1 to 32 lowercase letters, digits and underscores";
        BOT_METHOD_INVALID, 400, -, "Bots may not call this method";
        BUTTON_DATA_INVALID, 400, -, "The callback data of a button is empty or too long";
        CHANNEL_INVALID, 400, -, "The channel does not exist or its access hash is wrong";
        CHANNEL_PRIVATE, 400, -, "The channel is private, or the account was removed from it";
        CHANNELS_TOO_MUCH, 400, -, "The account is in too many channels and supergroups already";
        CHAT_ADMIN_REQUIRED, 400, -, "Only an administrator with the needed rights may do this here";
        CHAT_FORWARDS_RESTRICTED, 400, -, "This chat does not allow its messages to be forwarded or saved";
        CHAT_ID_INVALID, 400, -, "The chat id does not name a chat the account can see";
        CHAT_NOT_MODIFIED, 400, -, "The chat already had these settings; nothing changed";
        CHAT_RESTRICTED, 400, -, "The chat is restricted and cannot be used this way";
        CHAT_TITLE_EMPTY, 400, -, "A chat title may not be empty";
        CONNECTION_NOT_INITED, 400, -, "The connection was not initialised with initConnection";
        EMAIL_UNCONFIRMED, 400, X, "The recovery email is not confirmed yet; the code sent to it has {value} digits";
        ENTITY_BOUNDS_INVALID, 400, -, "A formatting entity starts or ends outside the text";
        FILE_ID_INVALID, 400, -, "The file id does not name a file";
        FILE_PARTS_INVALID, 400, -, "The number of uploaded file parts is wrong";
        FILE_REFERENCE_EXPIRED, 400, -, "The file reference is stale; fetch the message or object again for a new one";
        FIRSTNAME_INVALID, 400, -, "The first name is empty or not allowed";
        INPUT_USER_DEACTIVATED, 400, -, "The user given has deleted their account";
        INVITE_HASH_EMPTY, 400, -, "The invite link has no hash";
        INVITE_HASH_EXPIRED, 400, -, "The invite link expired or was revoked";
        INVITE_HASH_INVALID, 400, -, "The invite link is not valid";
        INVITE_REQUEST_SENT, 400, -, "A request to join was sent; an administrator has to approve it";
        LASTNAME_INVALID, 400, -, "The last name is not allowed";
        LIMIT_INVALID, 400, -, "The limit is out of the accepted range";
        MEDIA_CAPTION_TOO_LONG, 400, -, "The caption is longer than allowed";
        MEDIA_EMPTY, 400, -, "The media is missing or cannot be sent";
        MEDIA_INVALID, 400, -, "The media is not valid for this request";
        MESSAGE_EDIT_TIME_EXPIRED, 400, -, "The message is too old to be edited";
        MESSAGE_EMPTY, 400, -, "The message has no text to send";
        MESSAGE_ID_INVALID, 400, -, "The message id does not name a message the account can reach";
        MESSAGE_IDS_EMPTY, 400, -, "No message ids were given";
        MESSAGE_NOT_MODIFIED, 400, -, "The edit leaves the message exactly as it was";
        MESSAGE_TOO_LONG, 400, -, "The message text is longer than allowed";
        MSG_ID_INVALID, 400, -, "The message id is not valid";
        OFFSET_INVALID, 400, -, "The offset is not valid for this request";
        PASSWORD_HASH_INVALID, 400, -, "The two-step verification password is wrong";
        PASSWORD_TOO_FRESH, 400, X, "The password was set too recently; try again in {value} seconds";
        PEER_FLOOD, 400, -, "The account is limited for sending too many unwanted messages";
        PEER_ID_INVALID, 400, -, "The peer id is not valid or not known to this account";
        PHONE_CODE_EMPTY, 400, -, "The login code is missing";
        PHONE_CODE_EXPIRED, 400, -, "The login code expired; ask for a new one";
        PHONE_CODE_HASH_EMPTY, 400, -, "The phone_code_hash is missing";
        PHONE_CODE_INVALID, 400, -, "The login code is wrong";
        PHONE_NUMBER_BANNED, 400, -, "The phone number is banned from Telegram";
        PHONE_NUMBER_FLOOD, 400, -, "Too many codes were asked for this phone number";
        PHONE_NUMBER_INVALID, 400, -, "The phone number is not valid";
        PHONE_NUMBER_OCCUPIED, 400, -, "The phone number is used by another account";
        PHONE_NUMBER_UNOCCUPIED, 400, -, "No account uses this phone number yet";
        PHOTO_INVALID_DIMENSIONS, 400, -, "The photo's width or height is not accepted";
        QUERY_ID_INVALID, 400, -, "The query id is not valid or the query expired";
        REPLY_MARKUP_INVALID, 400, -, "The reply markup is not valid";
        SCHEDULE_DATE_TOO_LATE, 400, -, "The scheduled date is too far in the future";
        SESSION_TOO_FRESH, 400, X, "This session was created too recently; try again in {value} seconds";
        STICKERSET_INVALID, 400, -, "The sticker set does not exist";
        USER_ALREADY_PARTICIPANT, 400, -, "The user is a member already";
        USER_ID_INVALID, 400, -, "The user id is not valid or not known to this account";
        USER_IS_BLOCKED, 400, -, "The user has blocked the account";
        USER_IS_BOT, 400, -, "Bots may not be the target of this request";
        USER_NOT_PARTICIPANT, 400, -, "The user is not a member of the chat";
        USERNAME_INVALID, 400, -, "The username is not well formed";
        USERNAME_NOT_MODIFIED, 400, -, "The username is the same as before";
        USERNAME_NOT_OCCUPIED, 400, -, "No one uses this username";
        USERNAME_OCCUPIED, 400, -, "Someone uses this username already";
        USERS_TOO_MUCH, 400, -, "The chat has as many members as it may";
        WEBDOCUMENT_URL_INVALID, 400, -, "A file given by URL has an address Telegram does not accept";
        WEBPAGE_CURL_FAILED, 400, -, "Telegram failed to fetch a file or page given by URL";
        YOU_BLOCKED_USER, 400, -, "The account blocked this user; unblock them to write to them";

        // 401 UNAUTHORIZED: the key is not (or no longer) signed in.
        AUTH_KEY_INVALID, 401, -, "The authorization key is not valid";
        AUTH_KEY_PERM_EMPTY, 401, -, "The temporary key is not bound to a permanent one";
        AUTH_KEY_UNREGISTERED, 401, -, "The authorization key is not signed in to any account";
        SESSION_EXPIRED, 401, -, "The authorization expired; sign in again";
        SESSION_PASSWORD_NEEDED, 401, -, "The account has two-step verification; its password is needed";
        SESSION_REVOKED, 401, -, "The authorization was ended, from another device or by signing out";
        USER_DEACTIVATED, 401, -, "The account was deleted or deactivated";
        USER_DEACTIVATED_BAN, 401, -, "The account was banned and deactivated";

        // 403 FORBIDDEN: allowed for someone, not for this account.
        CHAT_SEND_MEDIA_FORBIDDEN, 403, -, "Media may not be sent in this chat";
        CHAT_WRITE_FORBIDDEN, 403, -, "The account may not write in this chat";
        MESSAGE_AUTHOR_REQUIRED, 403, -, "Only the author of the message may do this";
        MESSAGE_DELETE_FORBIDDEN, 403, -, "The account may not delete this message";
        PREMIUM_ACCOUNT_REQUIRED, 403, -, "This needs a Telegram Premium account";
        RIGHT_FORBIDDEN, 403, -, "The rights given exceed the account's own";
        USER_PRIVACY_RESTRICTED, 403, -, "The user's privacy settings do not allow this";

        // 406 NOT_ACCEPTABLE: refused, and the server may tell the user why by itself.
        AUTH_KEY_DUPLICATED, 406, -, "The same authorization key was used from two places at once; make a new one";
        FRESH_CHANGE_PHONE_FORBIDDEN, 406, -, "A session this recent may not change the phone number";
        FRESH_RESET_AUTHORISATION_FORBIDDEN, 406, -, "A session this recent may not end other sessions";
        PHONE_PASSWORD_FLOOD, 406, -, "Too many attempts at the password were made";
        SEND_CODE_UNAVAILABLE, 406, -, "Every way of sending a login code was used; none is left";

        // 420 FLOOD: too many requests, wait.
        FLOOD_WAIT, 420, X, "A wait of {value} seconds is required";
        FLOOD_PREMIUM_WAIT, 420, X, "A wait of {value} seconds is required; Telegram Premium lifts the limit";
        FLOOD_TEST_PHONE_WAIT, 420, X, "A wait of {value} seconds is required on the test servers";
        SLOWMODE_WAIT, 420, X, "Slow mode is on in this chat; wait {value} seconds before sending again";
        TAKEOUT_INIT_DELAY, 420, X, "An export can start in {value} seconds, once the user has allowed it";
        TWO_FA_CONFIRM_WAIT = "2FA_CONFIRM_WAIT", 420, X, "The account can be reset in {value} seconds, unless the password is entered first";

        // 500 INTERNAL: the server failed; sending again later may work.
        AUTH_RESTART, 500, -, "The server restarted the sign-in; begin it again";
        HISTORY_GET_FAILED, 500, -, "The server failed to read the chat history";
        MSG_WAIT_FAILED, 500, -, "The server failed to wait for an earlier request";
        PERSISTENT_TIMESTAMP_OUTDATED, 500, -, "The server's copy of the update state lags behind";
        RANDOM_ID_DUPLICATE, 500, -, "A message was sent with this random id already";
        RPC_CALL_FAIL, 500, -, "A call between the server's own services failed";
        RPC_MCGET_FAIL, 500, -, "The server failed to read data from its own storage";
        SIGN_IN_FAILED, 500, -, "The server failed to complete the sign-in";
        WORKER_BUSY_TOO_LONG_RETRY, 500, -, "The server's workers are busy; try again";
    }

    also {
        CHAT_ADMIN_REQUIRED, 403, -, "Only an administrator with the needed rights may do this here";
    }
}

/// An RPC error the server answered a request with, and the function that caused it.
///
/// [`oxigram::proto::session::RpcError`](oxigram_proto::session::RpcError) is the same
/// error as read off the wire; this one adds the method and prints in the style of
/// `[420 FLOOD_WAIT_X]: A wait of 31 seconds is required (caused by "messages.sendMessage")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    /// The HTTP-like code (303, 400, 401, 403, 406, 420, 500, -503, …).
    pub code: i32,
    /// The name without its number: `FLOOD_WAIT` for `FLOOD_WAIT_31`.
    pub name: String,
    /// The number at the end of the name, if any: the seconds of `FLOOD_WAIT_31`, the DC
    /// of `PHONE_MIGRATE_2`.
    pub value: Option<u32>,
    /// The TL name of the function that caused it (`messages.sendMessage`), when known.
    pub method: Option<&'static str>,
}

impl RpcError {
    /// The error from the wire, caused by the function whose TL name is `method`.
    ///
    /// [`RpcError::caused_by`] takes the name from the request's type instead.
    pub fn new(error: WireError, method: &'static str) -> Self {
        RpcError {
            method: Some(method),
            ..RpcError::from(error)
        }
    }

    /// The error from the wire, caused by a request of type `F` (its
    /// [`Identifiable::NAME`]).
    pub fn caused_by<F: Identifiable>(error: WireError) -> Self {
        RpcError::new(error, F::NAME)
    }

    /// Parses a message as the server writes it (`FLOOD_WAIT_31`): tests and servers
    /// build errors with it.
    pub fn parse(code: i32, message: &str, method: Option<&'static str>) -> Self {
        RpcError {
            method,
            ..RpcError::from(WireError::new(code, message))
        }
    }

    /// The message as the server wrote it (`FLOOD_WAIT_31`).
    pub fn message(&self) -> String {
        match self.value {
            Some(v) => format!("{}_{v}", self.name),
            None => self.name.clone(),
        }
    }

    /// Whether this is the error `name`, given as an [`ErrorName`] constant or a string in
    /// any of three forms: `FLOOD_WAIT`, the documented `FLOOD_WAIT_X`, or the full
    /// message `FLOOD_WAIT_31` (which must then match the number too).
    pub fn is(&self, name: impl AsRef<str>) -> bool {
        let name = name.as_ref();
        if name == self.name {
            return true;
        }
        let Some(value) = self.value else {
            return false;
        };
        match name.strip_prefix(self.name.as_str()) {
            Some("_X") => true,
            Some(rest) => rest
                .strip_prefix('_')
                .and_then(|digits| digits.parse::<u32>().ok())
                // `FLOOD_WAIT_031` is not what the server sends; compare the text.
                .is_some_and(|n| n == value && rest[1..] == n.to_string()),
            None => false,
        }
    }

    /// The catalogue entry for this error: the one with its name and code, else one
    /// with its name under another code.
    pub fn info(&self) -> Option<&'static ErrorInfo> {
        let named = || CATALOGUE.iter().filter(|e| e.name.0 == self.name);
        named()
            .find(|e| e.code == self.code)
            .or_else(|| named().next())
    }

    /// What the error means, with its number filled in; a generic line quoting the
    /// server's message for names the catalogue does not know.
    pub fn description(&self) -> String {
        match self.info() {
            Some(info) => {
                // An entry that expects a number but got none (built by hand) says so
                // rather than printing a placeholder.
                let value = self
                    .value
                    .map_or_else(|| "an unknown number of".to_owned(), |v| v.to_string());
                info.description.replace("{value}", &value)
            }
            None => format!(
                "The server refused the request with \"{}\", an error this library has no description for",
                self.message()
            ),
        }
    }

    /// How long the server asks to wait: for `FLOOD_WAIT_X`, `FLOOD_PREMIUM_WAIT_X`,
    /// `FLOOD_TEST_PHONE_WAIT_X` and `SLOWMODE_WAIT_X`.
    pub fn flood_wait(&self) -> Option<Duration> {
        let waits = [
            FLOOD_WAIT,
            FLOOD_PREMIUM_WAIT,
            FLOOD_TEST_PHONE_WAIT,
            SLOWMODE_WAIT,
        ];
        let seconds = self.value?;
        waits
            .iter()
            .any(|w| w.0 == self.name)
            .then(|| Duration::from_secs(seconds.into()))
    }

    /// The DC the request belongs on: for `PHONE_MIGRATE_X`, `USER_MIGRATE_X`,
    /// `NETWORK_MIGRATE_X`, `FILE_MIGRATE_X` and `STATS_MIGRATE_X`.
    pub fn migrate_dc(&self) -> Option<i32> {
        let migrations = [
            PHONE_MIGRATE,
            USER_MIGRATE,
            NETWORK_MIGRATE,
            FILE_MIGRATE,
            STATS_MIGRATE,
        ];
        let dc = i32::try_from(self.value?).ok()?;
        migrations.iter().any(|m| m.0 == self.name).then_some(dc)
    }

    /// Whether the server failed rather than refused, so that sending the same request
    /// again later may succeed: code 500 (internal), 503 and -503 (the server timed out,
    /// whatever name it gives, `Timeout` or otherwise).
    ///
    /// `AUTH_RESTART` is 500 too but is not retryable: the whole sign-in has to start
    /// over, not the one request.
    pub fn is_retryable_server_error(&self) -> bool {
        matches!(self.code, 500 | 503 | -503) && !self.is(AUTH_RESTART)
    }
}

impl From<WireError> for RpcError {
    /// The error without a method (where the request's type is not known).
    fn from(error: WireError) -> Self {
        RpcError {
            code: error.code,
            name: error.name,
            value: error.value,
            method: None,
        }
    }
}

impl From<RpcError> for WireError {
    fn from(error: RpcError) -> Self {
        WireError {
            code: error.code,
            name: error.name,
            value: error.value,
        }
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bracket names the error as documented (`FLOOD_WAIT_X`), so equal errors
        // with different numbers read alike; the number shows in the description.
        let takes_value = self.info().map_or(self.value.is_some(), |i| i.takes_value);
        let suffix = if takes_value { "_X" } else { "" };
        write!(
            f,
            "[{} {}{suffix}]: {}",
            self.code,
            self.name,
            self.description()
        )?;
        if let Some(method) = self.method {
            write!(f, " (caused by \"{method}\")")?;
        }
        Ok(())
    }
}

impl std::error::Error for RpcError {}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigram_tl::functions::{contacts, messages};
    use std::collections::HashSet;

    fn wire(code: i32, message: &str) -> WireError {
        WireError::new(code, message)
    }

    #[test]
    fn displays_known_errors() {
        let flood = RpcError::caused_by::<messages::SendMessage>(wire(420, "FLOOD_WAIT_31"));
        assert_eq!(
            flood.to_string(),
            "[420 FLOOD_WAIT_X]: A wait of 31 seconds is required (caused by \"messages.sendMessage\")"
        );

        let migrate = RpcError::new(wire(303, "USER_MIGRATE_4"), "help.getConfig");
        assert_eq!(
            migrate.to_string(),
            "[303 USER_MIGRATE_X]: The account lives on DC 4; send its requests there (caused by \"help.getConfig\")"
        );

        let username =
            RpcError::caused_by::<contacts::ResolveUsername>(wire(400, "USERNAME_NOT_OCCUPIED"));
        assert_eq!(
            username.to_string(),
            "[400 USERNAME_NOT_OCCUPIED]: No one uses this username (caused by \"contacts.resolveUsername\")"
        );

        // Without a method, the cause is left out.
        let revoked = RpcError::from(wire(401, "SESSION_REVOKED"));
        assert_eq!(
            revoked.to_string(),
            "[401 SESSION_REVOKED]: The authorization was ended, from another device or by signing out"
        );

        let two_fa = RpcError::parse(420, "2FA_CONFIRM_WAIT_3600", None);
        assert_eq!(two_fa.name, "2FA_CONFIRM_WAIT");
        assert_eq!(
            two_fa.to_string(),
            "[420 2FA_CONFIRM_WAIT_X]: The account can be reset in 3600 seconds, unless the password is entered first"
        );
    }

    #[test]
    fn a_name_under_another_code_keeps_its_description() {
        let admin = RpcError::parse(403, "CHAT_ADMIN_REQUIRED", Some("channels.editAdmin"));
        assert_eq!(admin.info().map(|i| i.code), Some(403));
        let admin = RpcError::parse(400, "CHAT_ADMIN_REQUIRED", None);
        assert_eq!(admin.info().map(|i| i.code), Some(400));

        // PHONE_NUMBER_INVALID is listed as 400; a 406 of it still reads the same.
        let phone = RpcError::parse(406, "PHONE_NUMBER_INVALID", None);
        assert_eq!(
            phone.to_string(),
            "[406 PHONE_NUMBER_INVALID]: The phone number is not valid"
        );
    }

    #[test]
    fn displays_unknown_errors() {
        let plain = RpcError::parse(400, "SOMETHING_NEW", Some("messages.sendMessage"));
        assert_eq!(
            plain.to_string(),
            "[400 SOMETHING_NEW]: The server refused the request with \"SOMETHING_NEW\", an error this library has no description for (caused by \"messages.sendMessage\")"
        );

        let numbered = RpcError::parse(420, "SOMETHING_NEW_WAIT_12", None);
        assert_eq!(
            numbered.to_string(),
            "[420 SOMETHING_NEW_WAIT_X]: The server refused the request with \"SOMETHING_NEW_WAIT_12\", an error this library has no description for"
        );

        let timeout = RpcError::parse(-503, "Timeout", Some("updates.getDifference"));
        assert_eq!(
            timeout.to_string(),
            "[-503 Timeout]: The server refused the request with \"Timeout\", an error this library has no description for (caused by \"updates.getDifference\")"
        );
    }

    #[test]
    fn a_known_numbered_error_without_its_number_says_so() {
        let error = RpcError {
            code: 420,
            name: "FLOOD_WAIT".to_owned(),
            value: None,
            method: None,
        };
        assert_eq!(
            error.to_string(),
            "[420 FLOOD_WAIT_X]: A wait of an unknown number of seconds is required"
        );
        assert_eq!(error.flood_wait(), None);
    }

    #[test]
    fn is_accepts_all_three_forms() {
        let flood = RpcError::parse(420, "FLOOD_WAIT_31", None);
        assert!(flood.is(FLOOD_WAIT));
        assert!(flood.is("FLOOD_WAIT"));
        assert!(flood.is("FLOOD_WAIT_X"));
        assert!(flood.is("FLOOD_WAIT_31"));
        assert!(flood.is(String::from("FLOOD_WAIT_31")));

        assert!(!flood.is("FLOOD_WAIT_30"));
        assert!(!flood.is("FLOOD_WAIT_031"));
        assert!(!flood.is("FLOOD_WAIT_"));
        assert!(!flood.is("FLOOD"));
        assert!(!flood.is("FLOOD_WAIT_31_X"));
        assert!(!flood.is(SLOWMODE_WAIT));
        assert!(!flood.is("flood_wait"));

        let sent = RpcError::parse(400, "INVITE_REQUEST_SENT", None);
        assert!(sent.is(INVITE_REQUEST_SENT));
        assert!(sent.is("INVITE_REQUEST_SENT"));
        // Without a number there is no `_X` form.
        assert!(!sent.is("INVITE_REQUEST_SENT_X"));
        assert!(!sent.is("INVITE_REQUEST"));
    }

    #[test]
    fn flood_wait_covers_the_waits() {
        let secs = |message: &str| RpcError::parse(420, message, None).flood_wait();
        assert_eq!(secs("FLOOD_WAIT_31"), Some(Duration::from_secs(31)));
        assert_eq!(secs("FLOOD_PREMIUM_WAIT_5"), Some(Duration::from_secs(5)));
        assert_eq!(
            secs("FLOOD_TEST_PHONE_WAIT_7"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(secs("SLOWMODE_WAIT_60"), Some(Duration::from_secs(60)));
        assert_eq!(secs("FLOOD_WAIT_0"), Some(Duration::ZERO));
        // A takeout delay is not a flood wait: the user has to act.
        assert_eq!(secs("TAKEOUT_INIT_DELAY_3600"), None);
        assert_eq!(secs("PHONE_MIGRATE_2"), None);
        assert_eq!(secs("PEER_FLOOD"), None);
    }

    #[test]
    fn migrate_dc_covers_the_migrations() {
        let dc = |message: &str| RpcError::parse(303, message, None).migrate_dc();
        assert_eq!(dc("PHONE_MIGRATE_2"), Some(2));
        assert_eq!(dc("USER_MIGRATE_4"), Some(4));
        assert_eq!(dc("NETWORK_MIGRATE_5"), Some(5));
        assert_eq!(dc("FILE_MIGRATE_1"), Some(1));
        assert_eq!(dc("STATS_MIGRATE_3"), Some(3));
        assert_eq!(dc("FLOOD_WAIT_2"), None);
        assert_eq!(dc("SOME_MIGRATE_2"), None);
        // A number too large for a DC id is not one.
        assert_eq!(dc("USER_MIGRATE_4294967295"), None);
    }

    #[test]
    fn retryable_server_errors() {
        let retry = |code: i32, message: &str| {
            RpcError::parse(code, message, None).is_retryable_server_error()
        };
        assert!(retry(500, "RPC_CALL_FAIL"));
        assert!(retry(500, "SOMETHING_BROKE"));
        assert!(retry(-503, "Timeout"));
        assert!(retry(503, "Timeout"));
        assert!(!retry(500, "AUTH_RESTART"));
        assert!(!retry(420, "FLOOD_WAIT_3"));
        assert!(!retry(400, "PEER_ID_INVALID"));
        assert!(!retry(401, "AUTH_KEY_UNREGISTERED"));
    }

    #[test]
    fn catalogue_is_well_formed() {
        assert!(CATALOGUE.len() >= 60, "{} entries", CATALOGUE.len());
        let mut seen = HashSet::new();
        for entry in CATALOGUE {
            let name = entry.name.as_str();
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
            assert!(!name.starts_with('_') && !name.ends_with('_'), "{name}");
            // The number is split off the name, so no listed name ends with one.
            assert!(
                !name
                    .rsplit('_')
                    .next()
                    .unwrap()
                    .bytes()
                    .all(|b| b.is_ascii_digit()),
                "{name}"
            );
            assert!(
                seen.insert((name, entry.code)),
                "{name} {} twice",
                entry.code
            );
            assert_eq!(
                entry.takes_value,
                entry.description.contains("{value}"),
                "{name}: a numbered name says what its number is"
            );
            assert!(
                !entry.description.ends_with('.') && !entry.description.is_empty(),
                "{name}"
            );
            assert!(
                [303, 400, 401, 403, 406, 420, 500].contains(&entry.code),
                "{name} {}",
                entry.code
            );
        }
        // A name listed under a second code is listed once per code, not twice for one;
        // the only such name is the one sent both as 400 and 403.
        let names: HashSet<_> = CATALOGUE.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), CATALOGUE.len() - 1);
    }

    #[test]
    fn documented_names_and_round_trips() {
        let flood = CATALOGUE.iter().find(|e| e.name == FLOOD_WAIT).unwrap();
        assert_eq!(flood.documented_name(), "FLOOD_WAIT_X");
        let peer = CATALOGUE
            .iter()
            .find(|e| e.name == PEER_ID_INVALID)
            .unwrap();
        assert_eq!(peer.documented_name(), "PEER_ID_INVALID");

        let error = RpcError::parse(303, "PHONE_MIGRATE_2", Some("auth.sendCode"));
        assert_eq!(error.message(), "PHONE_MIGRATE_2");
        assert_eq!(WireError::from(error), wire(303, "PHONE_MIGRATE_2"));
    }
}
