//! MTProxy secrets read from any text or bytes: a secret read back from its own hex is
//! the same secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram_proto::transport::MtProxySecret;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(secret) = MtProxySecret::parse(text)
    {
        assert_eq!(MtProxySecret::parse(&secret.to_hex()).as_ref(), Ok(&secret));
    }
    if let Ok(secret) = MtProxySecret::from_bytes(data) {
        assert_eq!(secret.to_bytes(), data);
    }
});
