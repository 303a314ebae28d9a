//! Guardian in the store, the part every backend shares: the workflow's
//! mode applied to each finding of the pure rules (`tix_core::guardian`).
//!
//! `warn` findings are recorded in the write's own transaction and returned
//! with its result. An `enforce` finding refuses the write (so the write
//! changes nothing); the refusal itself is recorded right after the
//! rollback, in a transaction of its own, so `GET /api/workflows/{id}/guardian`
//! shows refused attempts too. Recording and listing are per backend
//! (`sqlite/guardian.rs`, `postgres/agent.rs`).

use tix_core::guardian::{Finding, Mode};
use tix_core::workflow::Workflow;
use tix_core::DomainError;

/// A violation to record (not yet stored).
#[derive(Debug, Clone)]
pub(crate) struct PendingViolation {
    pub workflow_id: String,
    pub mode: Mode,
    pub agent: String,
    pub object_kind: &'static str,
    pub object_id: String,
    pub finding: Finding,
}

/// What a write is about, for the violations it may cause.
pub(crate) struct Subject<'a> {
    pub workflow: &'a Workflow,
    pub agent: &'a str,
    pub object_kind: &'static str,
    pub object_id: &'a str,
}

/// Applies the workflow's modes to the findings: drops `off` ones, and
/// answers `Err` with the first `enforce` one (the write is refused) or
/// `Ok` with the `warn` ones to record with the write.
pub(crate) fn plan(
    subject: &Subject<'_>,
    findings: Vec<Finding>,
) -> Result<Vec<PendingViolation>, Box<PendingViolation>> {
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
pub(crate) fn refusal(refused: &PendingViolation) -> DomainError {
    DomainError::GuardianRefused {
        rule: refused.finding.rule.to_string(),
        message: refused.finding.message.clone(),
        fix: refused.finding.fix.clone(),
    }
}
