//! Agent tokens: 256 random bits, stored only as their SHA-256 (a fast hash
//! suffices for random tokens); the token itself is seen once, when made.

use sha2::{Digest, Sha256};
use tix_core::validate::check_agent_id;

use super::now;
use crate::statements::Statements;
use crate::{AgentToken, Error, Result};

pub const TOKEN_PREFIX: &str = "tix_";

pub fn hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for a token: {e}")))?;
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// Creates or replaces the agent's token; answers the new token.
pub async fn create<C: Statements>(tx: &mut C, agent_id: &str, admin: bool) -> Result<String> {
    let agent = check_agent_id("agent_id", agent_id)?;
    let token = new_token()?;
    tx.upsert_agent_token(&agent, &hash(&token), admin, now()).await?;
    Ok(token)
}

pub async fn lookup<C: Statements>(conn: &mut C, token: &str) -> Result<Option<AgentToken>> {
    conn.agent_token_by_hash(&hash(token)).await
}

pub async fn revoke<C: Statements>(tx: &mut C, agent_id: &str) -> Result<bool> {
    tx.delete_agent_token(agent_id.trim()).await
}

/// Every agent's token, in agent id order.
pub async fn list<C: Statements>(conn: &mut C) -> Result<Vec<AgentToken>> {
    conn.agent_tokens().await
}
