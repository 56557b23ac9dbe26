//! Queries a user puts to a bot (callback buttons, inline queries) whose answers wait for
//! the bot: the asker's request is deferred until the bot answers, or until the server's
//! clock passes its deadline (`BOT_RESPONSE_TIMEOUT`).

use std::collections::VecDeque;

/// Queries waiting for a bot at once, over all bots. When a new query finds the table
/// full, the oldest waiting query is answered `BOT_RESPONSE_TIMEOUT` at once to make room
/// (overflow policy: oldest first), so a bot that never answers costs bounded memory.
pub const MAX_QUERIES: usize = 1024;

/// How long a query waits for its bot by default (server clock seconds).
pub const DEFAULT_BOT_TIMEOUT: i32 = 10;

/// What a waiting query is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QueryKind {
    /// A callback button was pressed.
    Callback,
    /// An inline query: its text and offset.
    Inline { query: String },
}

/// A query waiting for a bot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// The query id the bot sees and answers with.
    pub(crate) id: i64,
    /// Who asked.
    pub(crate) asker: i64,
    /// The bot asked.
    pub(crate) bot: i64,
    /// Server unix time after which the asker gets `BOT_RESPONSE_TIMEOUT`.
    pub(crate) deadline: i32,
    /// The deferred request that gets the answer.
    pub(crate) deferral: u64,
    pub(crate) kind: QueryKind,
}

/// The waiting queries, oldest first.
#[derive(Debug)]
pub(crate) struct Queries {
    waiting: VecDeque<Query>,
    next_deferral: u64,
    capacity: usize,
    /// Seconds a query waits.
    pub(crate) timeout: i32,
}

impl Queries {
    pub(crate) fn new(capacity: usize, timeout: i32) -> Self {
        Queries {
            waiting: VecDeque::new(),
            next_deferral: 0,
            capacity: capacity.max(1),
            timeout,
        }
    }

    /// Opens a query (its deadline from `now`); returns its deferral id and the query
    /// pushed out to make room, if any (to be answered `BOT_RESPONSE_TIMEOUT`).
    pub(crate) fn open(
        &mut self,
        id: i64,
        asker: i64,
        bot: i64,
        now: i32,
        kind: QueryKind,
    ) -> (u64, Option<Query>) {
        let evicted = if self.waiting.len() >= self.capacity {
            self.waiting.pop_front()
        } else {
            None
        };
        self.next_deferral += 1;
        self.waiting.push_back(Query {
            id,
            asker,
            bot,
            deadline: now.saturating_add(self.timeout),
            deferral: self.next_deferral,
            kind,
        });
        (self.next_deferral, evicted)
    }

    /// Takes the query `id` if `bot` is the one asked.
    pub(crate) fn take(&mut self, id: i64, bot: i64) -> Option<Query> {
        let at = self
            .waiting
            .iter()
            .position(|q| q.id == id && q.bot == bot)?;
        self.waiting.remove(at)
    }

    /// Takes every query whose deadline is before `now`.
    pub(crate) fn expire(&mut self, now: i32) -> Vec<Query> {
        let (late, waiting): (Vec<Query>, Vec<Query>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|q| q.deadline < now);
        self.waiting = waiting.into();
        late
    }

    /// How many wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_expire_by_the_clock_and_the_oldest_make_room() {
        let mut q = Queries::new(2, 10);
        let (a, none) = q.open(1, 10, 20, 100, QueryKind::Callback);
        assert!(none.is_none());
        let (b, _) = q.open(2, 10, 20, 105, QueryKind::Callback);
        assert_ne!(a, b);
        let (_, evicted) = q.open(3, 10, 20, 106, QueryKind::Callback);
        assert_eq!(evicted.map(|e| e.id), Some(1));
        assert_eq!(q.len(), 2);
        assert!(q.take(2, 99).is_none(), "another bot cannot answer");
        assert!(q.expire(115).is_empty(), "due at 115, not before");
        let late: Vec<i64> = q.expire(116).iter().map(|l| l.id).collect();
        assert_eq!(late, [2]);
        assert_eq!(q.take(3, 20).map(|t| t.deferral), Some(b + 1));
        assert_eq!(q.len(), 0);
    }
}
