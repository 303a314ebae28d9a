//! The Guardian in the store: the workflow's mode applied to each finding of
//! the pure rules (`tix_core::guardian`).
//!
//! `warn` findings are recorded in the write's own transaction and returned
//! with its result. An `enforce` finding refuses the write (so the write
//! changes nothing); the refusal itself is recorded right after the
//! rollback, in a transaction of its own ([`record_refusal`]), so
//! `GET /api/workflows/{id}/guardian` shows refused attempts too.

use tix_core::guardian::{Finding, Mode, Violation, ViolationFilter};
use tix_core::workflow::Workflow;
use tix_core::DomainError;

use super::{now, require_workflow, WriteCtx};
use crate::statements::{PendingViolation, Statements, ViolationQuery};
use crate::Result;

/// What a write is about, for the violations it may cause.
pub struct Subject<'a> {
    pub workflow: &'a Workflow,
    pub agent: &'a str,
    pub object_kind: &'static str,
    pub object_id: &'a str,
}

/// Applies the workflow's modes to the findings: drops `off` ones, and
/// answers `Err` with the first `enforce` one (the write is refused) or
/// `Ok` with the `warn` ones to record with the write.
pub fn plan(subject: &Subject<'_>, findings: Vec<Finding>) -> Result<Vec<PendingViolation>, Box<PendingViolation>> {
    let pending: Vec<PendingViolation> = findings
        .into_iter()
        .filter_map(|finding| {
            let mode = subject.workflow.guardian.mode(finding.rule);
            (mode != Mode::Off).then(|| PendingViolation {
                workflow_id: subject.workflow.id.clone(),
                mode,
                agent: subject.agent.to_string(),
                object_kind: subject.object_kind,
                object_id: subject.object_id.to_string(),
                finding,
            })
        })
        .collect();
    match pending.iter().find(|p| p.mode == Mode::Enforce) {
        Some(refused) => Err(Box::new(refused.clone())),
        None => Ok(pending),
    }
}

/// The error a refused write answers with.
pub fn refusal(refused: &PendingViolation) -> DomainError {
    DomainError::GuardianRefused {
        rule: refused.finding.rule.to_string(),
        message: refused.finding.message.clone(),
        fix: refused.finding.fix.clone(),
    }
}

/// Refuses on the first `enforce` finding (kept in `ctx`, recorded after
/// the rollback), records the `warn` ones with the write.
pub async fn judge<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    subject: &Subject<'_>,
    findings: Vec<Finding>,
) -> Result<Vec<Violation>> {
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let pending = match plan(subject, findings) {
        Err(refused) => {
            let error = refusal(&refused);
            ctx.refuse(*refused);
            return Err(error.into());
        }
        Ok(pending) => pending,
    };
    let mut recorded = Vec::with_capacity(pending.len());
    for violation in &pending {
        recorded.push(insert(tx, violation).await?);
    }
    Ok(recorded)
}

/// Records a violation whatever the rule's mode except `off` (a lease that
/// ran out cannot be refused, only noted).
pub async fn record<C: Statements>(tx: &mut C, pending: &PendingViolation) -> Result<Option<Violation>> {
    if pending.mode == Mode::Off {
        return Ok(None);
    }
    insert(tx, pending).await.map(Some)
}

/// The write after a refused write's rollback.
pub async fn record_refusal<C: Statements>(tx: &mut C, refused: &PendingViolation) -> Result<()> {
    insert(tx, refused).await.map(|_| ())
}

async fn insert<C: Statements>(tx: &mut C, pending: &PendingViolation) -> Result<Violation> {
    let at = now();
    let id = tx.insert_violation(pending, at).await?;
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
        created_at: at,
    })
}

/// A workflow's violations with id > `after`, oldest first.
pub async fn violations<C: Statements>(
    conn: &mut C,
    workflow_id: &str,
    filter: &ViolationFilter,
) -> Result<Vec<Violation>> {
    require_workflow(conn, workflow_id).await?;
    let query = ViolationQuery {
        workflow_id,
        rule: filter.rule,
        agent_id: filter.agent_id.as_deref(),
        after: filter.after,
        limit: filter.limit.unwrap_or(100).clamp(1, 1000),
    };
    conn.violations(&query).await
}
