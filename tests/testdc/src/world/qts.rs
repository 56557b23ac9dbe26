//! Each account's qts: the sequence of updates that are not about its message box
//! (participants, join requests, reactions to a bot's messages), which
//! `updates.getDifference` hands back after the qts a client saw.

use std::collections::VecDeque;

use oxigram_tl::enums;

use super::World;

/// Updates kept per account for `updates.getDifference`. Beyond it the oldest are
/// forgotten (a client away that long misses them, as one away too long from Telegram
/// does); the qts itself keeps counting.
pub const MAX_QTS_LOG: usize = 1024;

/// One account's qts and the updates that advanced it, oldest first.
#[derive(Debug, Default)]
pub(crate) struct QtsBox {
    qts: i32,
    log: VecDeque<(i32, enums::Update)>,
}

impl World {
    /// An account's qts.
    pub fn qts(&self, id: i64) -> i32 {
        self.qts.get(&id).map_or(0, |q| q.qts)
    }

    /// Advances `id`'s qts by one and logs the update `make` builds with the new qts;
    /// returns that update.
    pub fn push_qts(&mut self, id: i64, make: impl FnOnce(i32) -> enums::Update) -> enums::Update {
        let q = self.qts.entry(id).or_default();
        q.qts += 1;
        let update = make(q.qts);
        if q.log.len() >= MAX_QTS_LOG {
            q.log.pop_front();
        }
        q.log.push_back((q.qts, update.clone()));
        update
    }

    /// The updates of `id` after `qts`, oldest first.
    pub fn qts_after(&self, id: i64, qts: i32) -> Vec<enums::Update> {
        self.qts
            .get(&id)
            .map(|q| {
                q.log
                    .iter()
                    .filter(|(at, _)| *at > qts)
                    .map(|(_, u)| u.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use oxigram_tl::types;

    use super::*;

    #[test]
    fn qts_counts_per_account_and_the_log_is_bounded() {
        let mut world = World::new(1);
        let update = |qts| {
            enums::Update::BotStopped(types::UpdateBotStopped {
                user_id: 1,
                date: 0,
                stopped: true,
                qts,
            })
        };
        for _ in 0..MAX_QTS_LOG + 10 {
            world.push_qts(7, update);
        }
        world.push_qts(8, update);
        assert_eq!(world.qts(7), MAX_QTS_LOG as i32 + 10);
        assert_eq!(world.qts(8), 1);
        assert_eq!(world.qts(9), 0);
        assert_eq!(world.qts_after(7, 0).len(), MAX_QTS_LOG);
        let last = world.qts_after(7, MAX_QTS_LOG as i32 + 9);
        assert_eq!(last, vec![update(MAX_QTS_LOG as i32 + 10)]);
    }
}
