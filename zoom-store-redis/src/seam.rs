//! The store seam of [`zoom_core::store`]: each store runs a [`StoreOp`] as the one round
//! trip [`protocol::prepare`] makes of it, so that a client takes a Redis store
//! (`.shared_store(..)`) as it takes a [`zoom_core::store::MemoryStore`].

use zoom_core::store::{BlockingSharedStore, SharedStore, StoreError, StoreOp, StoreOutcome};

use crate::{RedisStore, blocking, protocol};

#[async_trait::async_trait]
impl SharedStore for RedisStore {
    async fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        let (op, reply) = protocol::prepare(&self.config().prefix, op)?;
        let answer = self.conn.run(op).await?;
        reply.read(answer).map_err(|e| self.config().error(&e))
    }
}

impl BlockingSharedStore for blocking::RedisStore {
    fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        let (op, reply) = protocol::prepare(&self.config().prefix, op)?;
        let answer = self.conn.run(op)?;
        reply.read(answer).map_err(|e| self.config().error(&e))
    }
}
