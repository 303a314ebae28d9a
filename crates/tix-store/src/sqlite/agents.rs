//! Agent tokens: stored as SHA-256 hashes; the token itself is returned
//! once, when it is made.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use tix_core::ticket::check_agent_id;

use super::rows::{now_text, parse_time};
use crate::{AgentToken, Error, Result};

pub(crate) const TOKEN_PREFIX: &str = "tix_";

pub(crate) fn hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for a token: {e}")))?;
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// Creates or replaces the agent's token; returns the new token.
pub(crate) fn create(tx: &Transaction<'_>, agent_id: &str, admin: bool) -> Result<String> {
    let agent = check_agent_id("agent_id", agent_id)?;
    let token = new_token()?;
    tx.execute(
        "INSERT INTO agent_tokens (agent_id, token_hash, role, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(agent_id) DO UPDATE SET token_hash = excluded.token_hash, role = excluded.role, \
         created_at = excluded.created_at",
        params![agent, hash(&token), if admin { "admin" } else { "agent" }, now_text()],
    )?;
    Ok(token)
}

fn token_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AgentToken> {
    Ok(AgentToken {
        agent_id: row.get(0)?,
        admin: row.get::<_, String>(1)? == "admin",
        created_at: parse_time(&row.get::<_, String>(2)?)?,
    })
}

pub(crate) fn lookup(conn: &Connection, token: &str) -> Result<Option<AgentToken>> {
    Ok(conn
        .prepare_cached("SELECT agent_id, role, created_at FROM agent_tokens WHERE token_hash = ?1")?
        .query_row([hash(token)], token_row)
        .optional()?)
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<AgentToken>> {
    let tokens = conn
        .prepare_cached("SELECT agent_id, role, created_at FROM agent_tokens ORDER BY agent_id")?
        .query_map([], token_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tokens)
}

pub(crate) fn revoke(tx: &Transaction<'_>, agent_id: &str) -> Result<bool> {
    Ok(tx.execute("DELETE FROM agent_tokens WHERE agent_id = ?1", params![agent_id.trim()])? > 0)
}
