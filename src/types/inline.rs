//! Inline queries (`@bot query` typed in any chat) and the results people pick.

use std::sync::OnceLock;

use super::carried::Carried;
use super::command::Matches;
use super::user::User;
use crate::Client;
use crate::tl::{enums, types};

/// Someone typed `@bot query` in a chat; answer with [`InlineQuery::answer`].
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_inline_query(filters::all, |query: InlineQuery| async move {
///     let text = query.query().to_uppercase();
///     let loud = InlineQueryResult::article("loud", "Shout it", text);
///     query.answer([loud]).await?;
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct InlineQuery {
    id: i64,
    from_user: User,
    query: String,
    offset: String,
    peer_type: Option<enums::InlineQueryPeerType>,
    geo: Option<enums::GeoPoint>,
    client: Client,
    matches: OnceLock<Matches>,
}

impl InlineQuery {
    pub(crate) fn new(carried: &Carried<'_>, update: &types::UpdateBotInlineQuery) -> Self {
        InlineQuery {
            id: update.query_id,
            from_user: carried.user(update.user_id),
            query: update.query.clone(),
            offset: update.offset.clone(),
            peer_type: update.peer_type.clone(),
            geo: update.geo.clone(),
            client: carried.client.clone(),
            matches: OnceLock::new(),
        }
    }

    /// The query id, to answer it with.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Who typed it.
    pub fn from_user(&self) -> &User {
        &self.from_user
    }

    /// The text after the bot's username.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The offset of the results to send: `""` at first, then the `next_offset` of the
    /// previous answer as the user scrolls.
    pub fn offset(&self) -> &str {
        &self.offset
    }

    /// The kind of chat the query was typed in, if the server says.
    pub fn peer_type(&self) -> Option<&enums::InlineQueryPeerType> {
        self.peer_type.as_ref()
    }

    /// Where the user is, for bots that ask for it.
    pub fn geo(&self) -> Option<&enums::GeoPoint> {
        self.geo.as_ref()
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The capture groups of the regex filter that matched, if one did.
    pub fn matches(&self) -> Option<&Matches> {
        self.matches.get()
    }

    /// Records the regex filter's capture groups (the first match is kept).
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn set_matches(&self, matches: Matches) {
        if let Err(dropped) = self.matches.set(matches) {
            tracing::trace!(?dropped, "matches were already recorded for this query");
        }
    }

    /// Forgets what filters recorded, before the filters of another handler run.
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn clear_filter_results(&mut self) {
        self.matches = OnceLock::new();
    }
}

/// Someone sent one of the bot's inline results (sent only to bots with inline
/// feedback enabled in @BotFather).
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_chosen_inline_result(filters::all, |chosen: ChosenInlineResult| async move {
///     println!(
///         "{} sent result {} for {:?}",
///         chosen.from_user().id(),
///         chosen.result_id(),
///         chosen.query()
///     );
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ChosenInlineResult {
    result_id: String,
    from_user: User,
    query: String,
    inline_message_id: Option<enums::InputBotInlineMessageID>,
    client: Client,
}

impl ChosenInlineResult {
    pub(crate) fn new(carried: &Carried<'_>, update: &types::UpdateBotInlineSend) -> Self {
        ChosenInlineResult {
            result_id: update.id.clone(),
            from_user: carried.user(update.user_id),
            query: update.query.clone(),
            inline_message_id: update.msg_id.clone(),
            client: carried.client.clone(),
        }
    }

    /// The id of the result, as the bot gave it.
    pub fn result_id(&self) -> &str {
        &self.result_id
    }

    /// Who sent it.
    pub fn from_user(&self) -> &User {
        &self.from_user
    }

    /// The query the result answered.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The inline message sent, if the result has a keyboard (so it can be edited).
    pub fn inline_message_id(&self) -> Option<&enums::InputBotInlineMessageID> {
        self.inline_message_id.as_ref()
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }
}
