//! Session strings: [`SessionData`] written and read in Oxigram's, Pyrogram's and
//! Telethon's formats. The layouts are in the [module docs](super).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::SessionData;
use crate::proto::crypto::message::AuthKey;

/// A format of session string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionFormat {
    /// This library's own: versioned, and holds every field of [`SessionData`].
    Oxigram,
    /// Pyrogram's `export_session_string` (and its forks'), including its older layouts.
    Pyrogram,
    /// Telethon's `StringSession`.
    Telethon,
}

impl fmt::Display for SessionFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionFormat::Oxigram => "Oxigram",
            SessionFormat::Pyrogram => "Pyrogram",
            SessionFormat::Telethon => "Telethon",
        })
    }
}

/// A field of [`SessionData`], named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionField {
    /// [`SessionData::dc_id`].
    DcId,
    /// [`SessionData::address`].
    Address,
    /// [`SessionData::user_id`].
    UserId,
    /// [`SessionData::is_bot`].
    IsBot,
    /// [`SessionData::api_id`].
    ApiId,
}

impl fmt::Display for SessionField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionField::DcId => "dc_id",
            SessionField::Address => "address",
            SessionField::UserId => "user_id",
            SessionField::IsBot => "is_bot",
            SessionField::ApiId => "api_id",
        })
    }
}

/// Why a session string could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionStringError {
    /// [`decode`] recognised no format: none has this prefix and length.
    #[error("not a session string of a known format ({length} characters)")]
    Unrecognised {
        /// The string's length in characters, surrounding whitespace removed.
        length: usize,
    },
    /// The text is not URL-safe base64.
    #[error("{format} session string: not URL-safe base64")]
    Base64 {
        /// The format it was read as.
        format: SessionFormat,
    },
    /// The decoded record has a length the format does not have.
    #[error("{format} session string: a record of {found} bytes, expected one of {expected:?}")]
    WrongLength {
        /// The format it was read as.
        format: SessionFormat,
        /// The record's length.
        found: usize,
        /// The lengths the format allows (for Oxigram's, the one its flags call for).
        expected: Vec<usize>,
    },
    /// The string names a version of the format this library does not know.
    #[error("{format} session string: unknown version {version:?}")]
    UnknownVersion {
        /// The format it was read as.
        format: SessionFormat,
        /// The version as written (empty if the string has none).
        version: String,
    },
    /// An Oxigram string's flags use a reserved bit or a combination that means nothing.
    #[error("Oxigram session string: invalid flags {flags:#04x}")]
    BadFlags {
        /// The flags byte.
        flags: u8,
    },
    /// The format needs a field that is `None`.
    #[error("a {format} session string needs {field}, which is not set")]
    Missing {
        /// The format being written.
        format: SessionFormat,
        /// The missing field.
        field: SessionField,
    },
    /// A value does not fit: the format's field when writing, or [`SessionData`]'s when
    /// reading.
    #[error("{field} = {value} is out of range for a {format} session string")]
    OutOfRange {
        /// The format being written or read.
        format: SessionFormat,
        /// The field.
        field: SessionField,
        /// The value.
        value: i128,
    },
    /// The key is all zeros: Telethon's way of writing "no key", and never a real key.
    #[error("{format} session string: the auth key is all zeros")]
    NoAuthKey {
        /// The format being written or read.
        format: SessionFormat,
    },
}

/// Writes `session` as a string in `format`.
///
/// Each format needs some fields and drops the ones it has no room for (see the
/// [module docs](super)): [`SessionStringError::Missing`] names a needed field that is
/// `None`, [`SessionStringError::OutOfRange`] a value the format cannot hold.
pub fn encode(session: &SessionData, format: SessionFormat) -> Result<String, SessionStringError> {
    if is_zero(session.auth_key.bytes()) {
        return Err(SessionStringError::NoAuthKey { format });
    }
    match format {
        SessionFormat::Oxigram => Ok(encode_oxigram(session)),
        SessionFormat::Pyrogram => encode_pyrogram(session),
        SessionFormat::Telethon => encode_telethon(session),
    }
}

/// Reads a session string in any of the formats, recognising which by its prefix and
/// length, and says which it was. Surrounding whitespace is ignored.
pub fn decode(string: &str) -> Result<(SessionData, SessionFormat), SessionStringError> {
    let string = string.trim();
    let format = detect(string).ok_or_else(|| SessionStringError::Unrecognised {
        length: string.chars().count(),
    })?;
    decode_as(string, format).map(|session| (session, format))
}

/// Reads a session string known to be in `format`. Surrounding whitespace is ignored.
pub fn decode_as(string: &str, format: SessionFormat) -> Result<SessionData, SessionStringError> {
    let string = string.trim();
    let session = match format {
        SessionFormat::Oxigram => decode_oxigram(string)?,
        SessionFormat::Pyrogram => decode_pyrogram(string)?,
        SessionFormat::Telethon => decode_telethon(string)?,
    };
    if is_zero(session.auth_key.bytes()) {
        return Err(SessionStringError::NoAuthKey { format });
    }
    Ok(session)
}

/// The three formats' texts never overlap: ours has a `:`, which neither base64 alphabet
/// has; Telethon's starts with `1` and has lengths Pyrogram's never has.
fn detect(string: &str) -> Option<SessionFormat> {
    if string.starts_with(OXIGRAM_PREFIX) && string.contains(':') {
        Some(SessionFormat::Oxigram)
    } else if string.starts_with(TELETHON_VERSION)
        // Padded as Telethon writes it, or with the padding stripped.
        && matches!(string.len(), 352 | 353 | 368 | 369)
    {
        Some(SessionFormat::Telethon)
    } else if matches!(string.len(), 351 | 356 | 362) {
        Some(SessionFormat::Pyrogram)
    } else {
        None
    }
}

/// The URL-safe alphabet without padding, as Pyrogram and our format write it.
const UNPADDED: GeneralPurpose = GeneralPurpose::new(&URL_SAFE, base64_config(false));
/// The URL-safe alphabet with padding, as Telethon writes it.
const PADDED: GeneralPurpose = GeneralPurpose::new(&URL_SAFE, base64_config(true));

const fn base64_config(padding: bool) -> GeneralPurposeConfig {
    GeneralPurposeConfig::new()
        .with_encode_padding(padding)
        // Python's decoder, which the other libraries read with, takes the string with or
        // without padding (Pyrogram pads before decoding) and ignores the unused low bits
        // of the last character; strings those libraries accept are accepted here too.
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true)
}

fn from_base64(text: &str, format: SessionFormat) -> Result<Vec<u8>, SessionStringError> {
    UNPADDED
        .decode(text)
        .map_err(|_| SessionStringError::Base64 { format })
}

fn is_zero(key: &[u8; 256]) -> bool {
    key.iter().all(|&byte| byte == 0)
}

fn out_of_range(
    format: SessionFormat,
    field: SessionField,
    value: impl Into<i128>,
) -> SessionStringError {
    SessionStringError::OutOfRange {
        format,
        field,
        value: value.into(),
    }
}

fn missing(format: SessionFormat, field: SessionField) -> SessionStringError {
    SessionStringError::Missing { format, field }
}

fn wrong_length(format: SessionFormat, found: usize, expected: &[usize]) -> SessionStringError {
    SessionStringError::WrongLength {
        format,
        found,
        expected: expected.to_vec(),
    }
}

/// Reads fixed-size fields off the front of a record. Callers check the record's length
/// first, so running short only happens if that check is wrong, and is still an error
/// rather than a panic.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.0.split_first_chunk::<N>()?;
        self.0 = tail;
        Some(*head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[byte]| byte)
    }

    fn key(&mut self) -> Option<AuthKey> {
        self.take::<256>().map(AuthKey::new)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

// Pyrogram: `>BI?256sQ?` now, `>B?256sQ?` and `>B?256sI?` before.

const PYROGRAM_LEN: usize = 1 + 4 + 1 + 256 + 8 + 1;
const PYROGRAM_OLD_64_LEN: usize = 1 + 1 + 256 + 8 + 1;
const PYROGRAM_OLD_32_LEN: usize = 1 + 1 + 256 + 4 + 1;
const PYROGRAM_LENS: [usize; 3] = [PYROGRAM_LEN, PYROGRAM_OLD_64_LEN, PYROGRAM_OLD_32_LEN];

fn encode_pyrogram(session: &SessionData) -> Result<String, SessionStringError> {
    use SessionField::*;
    let format = SessionFormat::Pyrogram;
    let api_id = session.api_id.ok_or(missing(format, ApiId))?;
    let user_id = session.user_id.ok_or(missing(format, UserId))?;
    let is_bot = session.is_bot.ok_or(missing(format, IsBot))?;
    let dc_id =
        u8::try_from(session.dc_id).map_err(|_| out_of_range(format, DcId, session.dc_id))?;
    // Pyrogram packs both as unsigned (`I`, `Q`); Python refuses to pack a negative one.
    let api_id = u32::try_from(api_id).map_err(|_| out_of_range(format, ApiId, api_id))?;
    let user_id = u64::try_from(user_id).map_err(|_| out_of_range(format, UserId, user_id))?;

    let mut record = Vec::with_capacity(PYROGRAM_LEN);
    record.push(dc_id);
    record.extend(api_id.to_be_bytes());
    record.push(u8::from(session.test_mode));
    record.extend(session.auth_key.bytes());
    record.extend(user_id.to_be_bytes());
    record.push(u8::from(is_bot));
    Ok(UNPADDED.encode(record))
}

fn decode_pyrogram(text: &str) -> Result<SessionData, SessionStringError> {
    let format = SessionFormat::Pyrogram;
    let record = from_base64(text, format)?;
    if !PYROGRAM_LENS.contains(&record.len()) {
        return Err(wrong_length(format, record.len(), &PYROGRAM_LENS));
    }
    read_pyrogram(&record).ok_or_else(|| wrong_length(format, record.len(), &PYROGRAM_LENS))?
}

fn read_pyrogram(record: &[u8]) -> Option<Result<SessionData, SessionStringError>> {
    let format = SessionFormat::Pyrogram;
    let mut reader = Reader(record);
    let dc_id = reader.u8()?;
    let api_id = match record.len() {
        PYROGRAM_LEN => Some(u32::from_be_bytes(reader.take()?)),
        _ => None,
    };
    // Python's `?` reads any non-zero byte as true.
    let test_mode = reader.u8()? != 0;
    let auth_key = reader.key()?;
    let user_id = match record.len() {
        PYROGRAM_OLD_32_LEN => u64::from(u32::from_be_bytes(reader.take()?)),
        _ => u64::from_be_bytes(reader.take()?),
    };
    let is_bot = reader.u8()? != 0;
    if !reader.is_empty() {
        return None;
    }

    let api_id = match api_id {
        None => None,
        Some(raw) => match i32::try_from(raw) {
            Ok(api_id) => Some(api_id),
            Err(_) => return Some(Err(out_of_range(format, SessionField::ApiId, raw))),
        },
    };
    let Ok(user_id) = i64::try_from(user_id) else {
        return Some(Err(out_of_range(format, SessionField::UserId, user_id)));
    };
    Some(Ok(SessionData {
        dc_id: i16::from(dc_id),
        address: None,
        test_mode,
        auth_key,
        user_id: Some(user_id),
        is_bot: Some(is_bot),
        api_id,
    }))
}

// Telethon: `1`, then `>B4sH256s` or `>B16sH256s`.

const TELETHON_VERSION: char = '1';
const TELETHON_V4_LEN: usize = 1 + 4 + 2 + 256;
const TELETHON_V6_LEN: usize = 1 + 16 + 2 + 256;
const TELETHON_LENS: [usize; 2] = [TELETHON_V4_LEN, TELETHON_V6_LEN];

fn encode_telethon(session: &SessionData) -> Result<String, SessionStringError> {
    let format = SessionFormat::Telethon;
    let address = session
        .address
        .ok_or(missing(format, SessionField::Address))?;
    let dc_id = u8::try_from(session.dc_id)
        .map_err(|_| out_of_range(format, SessionField::DcId, session.dc_id))?;

    let mut record = Vec::with_capacity(TELETHON_V6_LEN);
    record.push(dc_id);
    match address.ip() {
        IpAddr::V4(ip) => record.extend(ip.octets()),
        IpAddr::V6(ip) => record.extend(ip.octets()),
    }
    record.extend(address.port().to_be_bytes());
    record.extend(session.auth_key.bytes());
    let mut text = String::with_capacity(1 + TELETHON_V6_LEN.div_ceil(3) * 4);
    text.push(TELETHON_VERSION);
    PADDED.encode_string(record, &mut text);
    Ok(text)
}

fn decode_telethon(text: &str) -> Result<SessionData, SessionStringError> {
    let format = SessionFormat::Telethon;
    let Some(body) = text.strip_prefix(TELETHON_VERSION) else {
        return Err(SessionStringError::UnknownVersion {
            format,
            version: text.chars().take(1).collect(),
        });
    };
    let record = from_base64(body, format)?;
    if !TELETHON_LENS.contains(&record.len()) {
        return Err(wrong_length(format, record.len(), &TELETHON_LENS));
    }
    read_telethon(&record).ok_or_else(|| wrong_length(format, record.len(), &TELETHON_LENS))
}

fn read_telethon(record: &[u8]) -> Option<SessionData> {
    let mut reader = Reader(record);
    let dc_id = reader.u8()?;
    let ip = if record.len() == TELETHON_V4_LEN {
        IpAddr::V4(Ipv4Addr::from(reader.take::<4>()?))
    } else {
        IpAddr::V6(Ipv6Addr::from(reader.take::<16>()?))
    };
    let port = u16::from_be_bytes(reader.take()?);
    let auth_key = reader.key()?;
    if !reader.is_empty() {
        return None;
    }
    Some(SessionData {
        address: Some(SocketAddr::new(ip, port)),
        ..SessionData::new(i16::from(dc_id), auth_key)
    })
}

// Oxigram: `ox1:`, then the record the module docs lay out.

const OXIGRAM_PREFIX: &str = "ox";
const OXIGRAM_VERSION: &str = "1";

const TEST_MODE: u8 = 1 << 0;
const HAS_ADDRESS: u8 = 1 << 1;
const IPV6: u8 = 1 << 2;
const HAS_USER_ID: u8 = 1 << 3;
const HAS_IS_BOT: u8 = 1 << 4;
const IS_BOT: u8 = 1 << 5;
const HAS_API_ID: u8 = 1 << 6;
const RESERVED: u8 = 1 << 7;

fn encode_oxigram(session: &SessionData) -> String {
    let mut flags = 0;
    let set = |flags: &mut u8, bit: u8, on: bool| {
        if on {
            *flags |= bit;
        }
    };
    set(&mut flags, TEST_MODE, session.test_mode);
    set(&mut flags, HAS_ADDRESS, session.address.is_some());
    set(
        &mut flags,
        IPV6,
        session.address.is_some_and(|a| a.is_ipv6()),
    );
    set(&mut flags, HAS_USER_ID, session.user_id.is_some());
    set(&mut flags, HAS_IS_BOT, session.is_bot.is_some());
    set(&mut flags, IS_BOT, session.is_bot == Some(true));
    set(&mut flags, HAS_API_ID, session.api_id.is_some());

    let mut record = Vec::with_capacity(oxigram_len(flags));
    record.push(flags);
    record.extend(session.dc_id.to_be_bytes());
    record.extend(session.auth_key.bytes());
    if let Some(address) = session.address {
        match address.ip() {
            IpAddr::V4(ip) => record.extend(ip.octets()),
            IpAddr::V6(ip) => record.extend(ip.octets()),
        }
        record.extend(address.port().to_be_bytes());
    }
    if let Some(user_id) = session.user_id {
        record.extend(user_id.to_be_bytes());
    }
    if let Some(api_id) = session.api_id {
        record.extend(api_id.to_be_bytes());
    }
    format!(
        "{OXIGRAM_PREFIX}{OXIGRAM_VERSION}:{}",
        UNPADDED.encode(record)
    )
}

/// The record's length for these flags.
fn oxigram_len(flags: u8) -> usize {
    let address = match (flags & HAS_ADDRESS != 0, flags & IPV6 != 0) {
        (false, _) => 0,
        (true, false) => 4 + 2,
        (true, true) => 16 + 2,
    };
    let user_id = if flags & HAS_USER_ID != 0 { 8 } else { 0 };
    let api_id = if flags & HAS_API_ID != 0 { 4 } else { 0 };
    1 + 2 + 256 + address + user_id + api_id
}

fn decode_oxigram(text: &str) -> Result<SessionData, SessionStringError> {
    let format = SessionFormat::Oxigram;
    let Some((version, body)) = text
        .strip_prefix(OXIGRAM_PREFIX)
        .and_then(|rest| rest.split_once(':'))
    else {
        return Err(SessionStringError::UnknownVersion {
            format,
            version: String::new(),
        });
    };
    if version != OXIGRAM_VERSION {
        return Err(SessionStringError::UnknownVersion {
            format,
            version: version.to_owned(),
        });
    }
    let record = from_base64(body, format)?;
    let Some(&flags) = record.first() else {
        return Err(wrong_length(format, 0, &[oxigram_len(0)]));
    };
    let meaningless = flags & RESERVED != 0
        || (flags & IS_BOT != 0 && flags & HAS_IS_BOT == 0)
        || (flags & IPV6 != 0 && flags & HAS_ADDRESS == 0);
    if meaningless {
        return Err(SessionStringError::BadFlags { flags });
    }
    let expected = oxigram_len(flags);
    if record.len() != expected {
        return Err(wrong_length(format, record.len(), &[expected]));
    }
    read_oxigram(flags, &record[1..]).ok_or_else(|| wrong_length(format, record.len(), &[expected]))
}

fn read_oxigram(flags: u8, fields: &[u8]) -> Option<SessionData> {
    let on = |bit: u8| flags & bit != 0;
    let mut reader = Reader(fields);
    let dc_id = i16::from_be_bytes(reader.take()?);
    let auth_key = reader.key()?;
    let address = if on(HAS_ADDRESS) {
        let ip = if on(IPV6) {
            IpAddr::V6(Ipv6Addr::from(reader.take::<16>()?))
        } else {
            IpAddr::V4(Ipv4Addr::from(reader.take::<4>()?))
        };
        Some(SocketAddr::new(ip, u16::from_be_bytes(reader.take()?)))
    } else {
        None
    };
    let user_id = if on(HAS_USER_ID) {
        Some(i64::from_be_bytes(reader.take()?))
    } else {
        None
    };
    let api_id = if on(HAS_API_ID) {
        Some(i32::from_be_bytes(reader.take()?))
    } else {
        None
    };
    if !reader.is_empty() {
        return None;
    }
    Some(SessionData {
        dc_id,
        address,
        test_mode: on(TEST_MODE),
        auth_key,
        user_id,
        is_bot: on(HAS_IS_BOT).then_some(on(IS_BOT)),
        api_id,
    })
}

#[cfg(test)]
mod tests;
