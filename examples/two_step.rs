//! A user sign-in with a two-step password on the test DC: the code, then the password,
//! proved with SRP (the password itself is never sent). The account lives on DC 1, so
//! the client follows it there from DC 2.

#[path = "common/test_dc.rs"]
mod test_dc;

use oxigram::Client;
use oxigram::client::SignIn;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const PHONE: &str = "9996615678"; // a test number on DC 1; its login code is 11111
const PASSWORD: &str = "correct horse battery staple";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    let id = dc.create_user(PHONE, "Tess");
    dc.set_password(id, PASSWORD);

    let client = on_test_dc(&dc, Client::builder("tess")).build().await?;
    let sent = client.send_code(PHONE).await?;
    println!("code sent; the account lives on DC {}", client.home_dc());
    let user = match client.sign_in(&sent, "11111").await? {
        SignIn::Done(user) => *user,
        SignIn::PasswordRequired { hint } => {
            println!(
                "two-step password needed (hint: {})",
                hint.as_deref().unwrap_or("none")
            );
            client.check_password(PASSWORD).await?
        }
        SignIn::SignUpRequired => return Err("the number has no account".into()),
        other => return Err(format!("unexpected: {other:?}").into()),
    };
    println!(
        "signed in as {} ({})",
        user.first_name.unwrap_or_default(),
        user.id
    );
    client.stop().await?;
    Ok(())
}
