//! What the examples change to run against the in-process test DC instead of Telegram.

use oxigram::ClientBuilder;
use oxigram_testdc::TestDc;

/// The test DC's addresses (each DC's media-only one too) and server key, Telegram's test mode, a made-up `api_id`,
/// and the session in memory. Against Telegram: your own `api_id`/`api_hash` instead.
pub fn on_test_dc(dc: &TestDc, mut builder: ClientBuilder) -> ClientBuilder {
    for &(id, address) in dc.addresses() {
        builder = builder.dc_address(id as i16, address);
        if let Some(media) = dc.media_address(id) {
            builder = builder.dc_media_address(id as i16, media);
        }
    }
    builder
        .api_id(12345)
        .api_hash("0123456789abcdef0123456789abcdef")
        .test_mode(true)
        .in_memory()
        .server_key(dc.public_key().clone())
}
