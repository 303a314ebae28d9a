//! Answers kept under idempotency keys: a retried write with the same key
//! gets the first answer and changes nothing. The key is kept by the write
//! it guards, in that write's transaction (see `StoreOn::write`).

use chrono::TimeDelta;
use serde_json::Value;

use super::now;
use crate::scope::{Keyed, IDEMPOTENCY_WINDOW};
use crate::statements::{RecordedAnswer, Statements};
use crate::{Error, Result};

fn window() -> TimeDelta {
    TimeDelta::from_std(IDEMPOTENCY_WINDOW).unwrap_or(TimeDelta::days(1))
}

/// Keeps the rendered answer under the key; [`Error::AlreadyAnswered`]
/// (the transaction then rolls back) when another request kept one first.
pub async fn keep<C: Statements>(tx: &mut C, keyed: &Keyed, status: u16, body: Value) -> Result<()> {
    let at = now();
    let answer = RecordedAnswer {
        fingerprint: keyed.fingerprint.clone(),
        status,
        body,
    };
    if tx
        .record_answer(&keyed.agent, &keyed.key, &answer, at, at - window())
        .await?
    {
        Ok(())
    } else {
        Err(Error::AlreadyAnswered)
    }
}

/// The answer kept under the agent's key in the last 24 hours.
pub async fn recorded<C: Statements>(conn: &mut C, agent: &str, key: &str) -> Result<Option<RecordedAnswer>> {
    conn.recorded_answer(agent, key, now() - window()).await
}
