//! The other side of the examples' chats: a person with a real client on the test DC who
//! says things and checks what comes back. Each wait has a time limit, so an example whose
//! bot does not answer, or answers wrongly, ends with an error instead of hanging.

#![allow(dead_code)] // each example uses part of it

use std::future::Future;
use std::time::Duration;

use oxigram::client::SignIn;
use oxigram::{Client, Message, Update};
use oxigram_testdc::TestDc;

use crate::test_dc::on_test_dc;

/// Why an example failed.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// How long a person waits for an answer before calling the example failed.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A user signed in on a client of their own.
pub struct Person {
    /// Their client.
    pub client: Client,
    /// Their user id.
    pub id: i64,
    name: String,
    /// What their client receives, read from sign-in on (so nothing that comes before
    /// they wait for it is caught up later in a different form).
    updates: async_channel::Receiver<oxigram::Result<Update>>,
}

impl Person {
    /// Creates the account `phone` (a test number `99966XYYYY`: it lives on DC X and its
    /// code is X five times) and signs in with the code.
    pub async fn sign_in(dc: &TestDc, phone: &str, name: &str) -> Result<Person, Failure> {
        let id = dc.create_user(phone, name);
        let client = on_test_dc(dc, Client::builder(name)).build().await?;
        let sent = client.send_code(phone).await?;
        match client.sign_in(&sent, &phone[5..6].repeat(5)).await? {
            SignIn::Done(_) => Ok(Person {
                updates: read_updates(&client),
                client,
                id,
                name: name.to_string(),
            }),
            other => Err(format!("{name} could not sign in: {other:?}").into()),
        }
    }

    /// Sends `text` to `chat` (`"@username"` or an id they have met).
    pub async fn say(&self, chat: &str, text: &str) -> Result<Message, Failure> {
        println!("{} -> {chat}: {text}", self.name());
        Ok(self.client.send_message(chat, text).await?)
    }

    /// The next new message or edit someone else made (other updates are skipped, and
    /// so are their own messages, which their client hands out too).
    pub async fn next(&self) -> Result<Update, Failure> {
        loop {
            let update = tokio::time::timeout(PATIENCE, self.updates.recv())
                .await
                .map_err(|_| format!("{} waited {PATIENCE:?} for a message", self.name()))?
                .map_err(|_| "the connection closed")??;
            if let Update::Message(m) | Update::EditedMessage(m) = &update
                && !m.outgoing()
            {
                return Ok(update);
            }
        }
    }

    /// Waits for a new message and checks its text.
    pub async fn expect(&self, text: &str) -> Result<Message, Failure> {
        match self.next().await? {
            Update::Message(m) if m.text() == text => {
                println!("{} <- {}: {text}", self.name(), m.chat().id());
                Ok(m)
            }
            other => Err(format!("{} expected {text:?}, got {other:?}", self.name()).into()),
        }
    }

    /// Waits for an edit and checks the new text.
    pub async fn expect_edit(&self, text: &str) -> Result<Message, Failure> {
        match self.next().await? {
            Update::EditedMessage(m) if m.text() == text => {
                println!("{} <- {} (edited): {text}", self.name(), m.chat().id());
                Ok(m)
            }
            other => Err(format!(
                "{} expected an edit to {text:?}, got {other:?}",
                self.name()
            )
            .into()),
        }
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// A task that reads `client`'s updates into a channel until they end or fail (the
/// failure is the last thing sent). Bounded: when full, reading waits.
fn read_updates(client: &Client) -> async_channel::Receiver<oxigram::Result<Update>> {
    let (sender, receiver) = async_channel::bounded(256);
    let client = client.clone();
    tokio::spawn(async move {
        loop {
            let next = client.next_update().await;
            let last = !matches!(next, Ok(Some(_)));
            let sent = match next.transpose() {
                Some(item) => sender.send(item).await,
                None => break,
            };
            if last || sent.is_err() {
                break;
            }
        }
    });
    receiver
}

/// Runs `bot` while `script` (the other side's part) plays, then stops it with
/// [`Client::stop`]: `run` returns once the queued updates are handled and the
/// connections closed. The script's verdict, or the run's error.
pub async fn run_while(
    bot: &Client,
    script: impl Future<Output = Result<(), Failure>> + Send + 'static,
) -> Result<(), Failure> {
    let stopper = bot.clone();
    let script = tokio::spawn(async move {
        let verdict = script.await;
        stopper.stop().await?;
        verdict
    });
    bot.run().await?;
    script.await?
}
