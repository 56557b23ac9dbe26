//! Downloading a file with a progress bar: a user keeps a 24 MiB file in their Saved
//! Messages on an in-process test DC, then downloads it to disk, the bar (`indicatif`)
//! moving as the parts arrive, and checks that the bytes are the ones sent.
//!
//! Against real Telegram, the same code drops `on_test_dc` and takes your own `api_id`
//! and `api_hash`, and a message of yours with a document in place of the one sent here.

#[path = "common/test_dc.rs"]
mod test_dc;

use indicatif::{ProgressBar, ProgressStyle};
use oxigram::files::FileSource;
use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const PHONE: &str = "9996621234"; // a test number: DC 2, login code 22222
const SIZE: usize = 24 << 20;

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_user(PHONE, "Alice");
    let user = on_test_dc(&dc, Client::builder("alice")).build().await?;
    let sent = user.send_code(PHONE).await?;
    user.sign_in(&sent, "22222").await?;

    // Something to download: a file of made-up bytes, sent to Saved Messages.
    let data: Vec<u8> = (0..SIZE).map(|i| (i * 7 + i / 4096) as u8).collect();
    let message = user
        .send_document("me", FileSource::bytes("data.bin", data.clone()))
        .await?;
    println!("sent data.bin ({SIZE} bytes) to Saved Messages");

    // The download: the bar learns the size from the first report and follows each part.
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )?
        .progress_chars("=> "),
    );
    bar.set_message("data.bin");
    let dir = tempfile::tempdir()?;
    let path = user
        .download_media(&message)
        .progress({
            let bar = bar.clone();
            move |received, wanted| {
                bar.set_length(wanted);
                bar.set_position(received);
            }
        })
        .to_path(dir.path())
        .await?;
    bar.finish();
    if bar.position() != SIZE as u64 || bar.length() != Some(SIZE as u64) {
        return Err(format!(
            "the bar stopped at {} of {:?}",
            bar.position(),
            bar.length()
        )
        .into());
    }

    let written = std::fs::read(&path)?;
    if written != data {
        return Err(format!("{} holds other bytes than were sent", path.display()).into());
    }
    println!(
        "downloaded {} bytes to {}: the bytes sent",
        written.len(),
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
    );
    user.stop().await?;
    Ok(())
}
