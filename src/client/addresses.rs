//! Where Telegram's DCs are before `help.getConfig` says otherwise: the addresses every
//! official client starts from. Later the DC options the server lists (persisted in the
//! session) take over.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::storage::DcAddress;

const PORT: u16 = 443;

/// Production DCs 1–5 (IPv4).
const PRODUCTION_V4: [[u8; 4]; 5] = [
    [149, 154, 175, 53],
    [149, 154, 167, 51],
    [149, 154, 175, 100],
    [149, 154, 167, 91],
    [91, 108, 56, 130],
];

/// Test DCs 1–3 (IPv4).
const TEST_V4: [[u8; 4]; 3] = [
    [149, 154, 175, 10],
    [149, 154, 167, 40],
    [149, 154, 175, 117],
];

/// Production DCs 1–5 (IPv6), as 16-bit groups.
const PRODUCTION_V6: [[u16; 8]; 5] = [
    [0x2001, 0x0b28, 0xf23d, 0xf001, 0, 0, 0, 0x000a],
    [0x2001, 0x067c, 0x04e8, 0xf002, 0, 0, 0, 0x000a],
    [0x2001, 0x0b28, 0xf23d, 0xf003, 0, 0, 0, 0x000a],
    [0x2001, 0x067c, 0x04e8, 0xf004, 0, 0, 0, 0x000a],
    [0x2001, 0x0b28, 0xf23f, 0xf005, 0, 0, 0, 0x000a],
];

/// Test DCs 1–3 (IPv6).
const TEST_V6: [[u16; 8]; 3] = [
    [0x2001, 0x0b28, 0xf23d, 0xf001, 0, 0, 0, 0x000e],
    [0x2001, 0x067c, 0x04e8, 0xf002, 0, 0, 0, 0x000e],
    [0x2001, 0x0b28, 0xf23d, 0xf003, 0, 0, 0, 0x000e],
];

/// The built-in address of DC `id`, if Telegram has one.
pub(crate) fn builtin(id: i16, test_mode: bool, ipv6: bool) -> Option<SocketAddr> {
    let index = usize::try_from(id).ok()?.checked_sub(1)?;
    let ip = match (test_mode, ipv6) {
        (false, false) => IpAddr::V4(Ipv4Addr::from(*PRODUCTION_V4.get(index)?)),
        (true, false) => IpAddr::V4(Ipv4Addr::from(*TEST_V4.get(index)?)),
        (false, true) => IpAddr::V6(Ipv6Addr::from(*PRODUCTION_V6.get(index)?)),
        (true, true) => IpAddr::V6(Ipv6Addr::from(*TEST_V6.get(index)?)),
    };
    Some(SocketAddr::new(ip, PORT))
}

/// The address to use for DC `id` from the server's options: the first that is not a
/// CDN, of the wanted IP family, preferring a general one over a media-only one unless
/// `media` asks for media.
pub(crate) fn from_options(
    options: &[DcAddress],
    id: i16,
    ipv6: bool,
    media: bool,
) -> Option<SocketAddr> {
    let usable = |o: &&DcAddress| o.id == id && !o.cdn && o.address.is_ipv6() == ipv6;
    let preferred = options
        .iter()
        .filter(usable)
        .find(|o| o.media_only == media);
    let fallback = || options.iter().filter(usable).find(|o| !o.media_only);
    preferred.or_else(fallback).map(|o| o.address)
}

/// The media-only address of DC `id` from the server's options, if it lists one of the
/// wanted IP family (file downloads go there).
pub(crate) fn media_only_from_options(
    options: &[DcAddress],
    id: i16,
    ipv6: bool,
) -> Option<SocketAddr> {
    options
        .iter()
        .find(|o| o.id == id && !o.cdn && o.media_only && o.address.is_ipv6() == ipv6)
        .map(|o| o.address)
}

/// The address of CDN DC `id` from the server's options (those marked `cdn`).
pub(crate) fn cdn_from_options(options: &[DcAddress], id: i16, ipv6: bool) -> Option<SocketAddr> {
    options
        .iter()
        .find(|o| o.id == id && o.cdn && o.address.is_ipv6() == ipv6)
        .map(|o| o.address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_knows_the_well_known_dcs() {
        assert_eq!(
            builtin(2, false, false),
            Some("149.154.167.51:443".parse().unwrap())
        );
        assert_eq!(
            builtin(2, true, false),
            Some("149.154.167.40:443".parse().unwrap())
        );
        assert_eq!(
            builtin(5, false, true),
            Some("[2001:b28:f23f:f005::a]:443".parse().unwrap())
        );
        assert_eq!(builtin(4, true, false), None);
        assert_eq!(builtin(0, false, false), None);
        assert_eq!(builtin(-1, false, false), None);
    }

    #[test]
    fn options_prefer_general_addresses_and_skip_cdns() {
        let option = |id, address: &str, media_only, cdn| DcAddress {
            id,
            address: address.parse().unwrap(),
            media_only,
            cdn,
        };
        let options = [
            option(2, "10.0.0.9:443", false, true),
            option(2, "10.0.0.2:443", true, false),
            option(2, "10.0.0.1:443", false, false),
            option(3, "10.0.0.3:443", false, false),
        ];
        let general = from_options(&options, 2, false, false);
        assert_eq!(general, Some("10.0.0.1:443".parse().unwrap()));
        let media = from_options(&options, 2, false, true);
        assert_eq!(media, Some("10.0.0.2:443".parse().unwrap()));
        assert_eq!(
            from_options(&options, 3, false, true),
            options[3].address.into()
        );
        assert_eq!(from_options(&options, 2, true, false), None);
        assert_eq!(
            media_only_from_options(&options, 2, false),
            Some("10.0.0.2:443".parse().unwrap())
        );
        assert_eq!(media_only_from_options(&options, 3, false), None);
        assert_eq!(media_only_from_options(&options, 2, true), None);
        assert_eq!(
            cdn_from_options(&options, 2, false),
            Some("10.0.0.9:443".parse().unwrap())
        );
        assert_eq!(cdn_from_options(&options, 3, false), None);
    }
}
