//! Guardian on SQLite: judges findings in the write's transaction (modes
//! from [`crate::guardian::plan`]), records violations, and lists them.

use rusqlite::{params, Connection, Row};
use tix_core::guardian::{Finding, Mode, Rule, Violation};

use super::graph_cache::WriteCtx;
use super::rows::{now_text, parse_time};
use crate::guardian::{plan, refusal};
pub(crate) use crate::guardian::{PendingViolation, Subject};
use crate::{Error, Result};

/// Refuses on the first `enforce` finding (keeping it in `ctx` to be
/// recorded after the rollback), records the `warn` ones.
pub(crate) fn judge(
    conn: &Connection,
    ctx: &mut WriteCtx<'_>,
    subject: &Subject<'_>,
    findings: Vec<Finding>,
) -> Result<Vec<Violation>> {
    match plan(subject, findings) {
        Err(refused) => {
            let error = refusal(&refused);
            ctx.refuse(*refused);
            Err(error.into())
        }
        Ok(pending) => pending.iter().map(|p| insert(conn, p)).collect(),
    }
}

/// Records a violation regardless of mode (lease expiry cannot be refused).
pub(crate) fn record(conn: &Connection, pending: &PendingViolation) -> Result<Option<Violation>> {
    if pending.mode == Mode::Off {
        return Ok(None);
    }
    insert(conn, pending).map(Some)
}

pub(crate) fn insert(conn: &Connection, pending: &PendingViolation) -> Result<Violation> {
    let now = now_text();
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO guardian_violations (workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, \
             details, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        )?
        .query_row(
            params![
                pending.workflow_id,
                pending.finding.rule.as_str(),
                pending.mode.as_str(),
                pending.agent,
                pending.object_kind,
                pending.object_id,
                pending.finding.message,
                pending.finding.fix,
                pending.finding.details.to_string(),
                now
            ],
            |r| r.get(0),
        )?;
    Ok(Violation {
        id,
        workflow_id: pending.workflow_id.clone(),
        rule: pending.finding.rule,
        mode: pending.mode,
        agent_id: pending.agent.clone(),
        object_kind: pending.object_kind.to_string(),
        object_id: pending.object_id.clone(),
        message: pending.finding.message.clone(),
        fix: pending.finding.fix.clone(),
        details: pending.finding.details.clone(),
        created_at: parse_time(&now).map_err(|e| Error::Storage(e.to_string()))?,
    })
}

fn violation(row: &Row<'_>) -> rusqlite::Result<Violation> {
    let bad = |idx: usize, text: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown guardian value '{text}'").into(),
        )
    };
    let rule: String = row.get(2)?;
    let mode: String = row.get(3)?;
    let details: String = row.get(9)?;
    Ok(Violation {
        id: row.get(0)?,
        workflow_id: row.get(1)?,
        rule: Rule::parse(&rule).ok_or_else(|| bad(2, &rule))?,
        mode: Mode::parse(&mode).ok_or_else(|| bad(3, &mode))?,
        agent_id: row.get(4)?,
        object_kind: row.get(5)?,
        object_id: row.get(6)?,
        message: row.get(7)?,
        fix: row.get(8)?,
        details: serde_json::from_str(&details).unwrap_or_default(),
        created_at: parse_time(&row.get::<_, String>(10)?)?,
    })
}

/// Violations of a workflow with id > `after`, oldest first.
pub(crate) fn list(
    conn: &Connection,
    workflow_id: &str,
    rule: Option<Rule>,
    agent: Option<&str>,
    after: i64,
    limit: u32,
) -> Result<Vec<Violation>> {
    super::rows::load_workflow(conn, workflow_id)?;
    let limit = limit.clamp(1, 1000);
    let violations = conn
        .prepare_cached(
            "SELECT id, workflow_id, rule, mode, agent_id, object_kind, object_id, message, fix, details, created_at \
             FROM guardian_violations WHERE workflow_id = ?1 AND id > ?2 AND (?3 IS NULL OR rule = ?3) \
             AND (?4 IS NULL OR agent_id = ?4) ORDER BY id LIMIT ?5",
        )?
        .query_map(
            params![workflow_id, after, rule.map(Rule::as_str), agent, limit],
            violation,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(violations)
}
