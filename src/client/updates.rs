//! Updates as they arrive from the home DC, and the peers answers and updates carry.

use std::any::Any;

use oxigram_runtime::Update;
use oxigram_tl::{Deserialize, RemoteCall, enums};

use super::Client;
use crate::peers::{PeerRef, PeerRpc};

impl Client {
    /// The next update from the home DC, raw (`None` once the connection ended); the
    /// users and chats it carries are cached. The update dispatcher builds on this; it
    /// is here for programs that read updates themselves.
    pub async fn next_raw_update(&self) -> crate::Result<Option<Update>> {
        let home = self.home_dc();
        let link = match self.inner.link(home, false).await {
            Ok(link) => link,
            // Stopped: the stream has ended.
            Err(crate::Error::Invoke(oxigram_runtime::InvokeError::Closed)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let update = link.next_update().await;
        if let Some(update) = &update
            && let Ok(updates) = enums::Updates::from_bytes(&update.body)
        {
            self.remember(&updates);
        }
        Ok(update)
    }

    /// Caches the peers `value` carries, if it is an answer that carries any. A storage
    /// failure is logged: the answer itself is good, and the peers stay in memory.
    pub(crate) fn remember<T: Any>(&self, value: &T) {
        if let Some(peers) = crate::peers::peers_of_any(value)
            && let Err(e) = self.inner.peers.remember(&peers)
        {
            tracing::warn!(%e, "could not save the peers of an answer");
        }
    }

    /// The `InputPeer` for a user, group or channel named any way a person would: a
    /// Bot-API id, `@username`, a `t.me` link, a phone number, or `"me"`. Cached peers
    /// cost nothing; others are asked from the server once.
    pub async fn resolve_peer(&self, peer: impl Into<PeerRef>) -> crate::Result<enums::InputPeer> {
        crate::peers::resolve_peer(&self.inner.peers, self, peer).await
    }
}

impl PeerRpc for Client {
    fn invoke<F>(&self, request: &F) -> impl Future<Output = crate::Result<F::Return>> + Send
    where
        F: RemoteCall + Send + Sync,
        F::Return: Send,
    {
        let body = oxigram_tl::Serialize::to_bytes(request);
        async move {
            let answer = self.invoke_raw(body.into()).await?;
            F::Return::from_shared(&answer)
                .map_err(|e| crate::Error::Invoke(oxigram_runtime::InvokeError::Decode(e)))
        }
    }
}
