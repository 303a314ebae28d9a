//! Workflows: a board (columns, ticket types, initial column), phases and
//! Guardian modes.

use serde_json::json;
use tix_core::event::EventKind;
use tix_core::ids;
use tix_core::workflow::{EffectiveBoard, NewWorkflow, Workflow};
use tix_core::DomainError;

use super::{now, random_bytes, require_workflow, WriteCtx};
use crate::statements::Statements;
use crate::Result;

pub async fn create_workflow<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    new: &NewWorkflow,
) -> Result<Workflow> {
    new.validate()?;
    let id = match &new.id {
        Some(id) => id.clone(),
        None => ids::workflow_id(&random_bytes()?),
    };
    let at = now();
    let workflow = Workflow {
        id: id.clone(),
        name: new.name.trim().to_string(),
        board_config: new.board_config.clone(),
        phases: new.phases.clone(),
        guardian: new.guardian.clone(),
        created_at: at,
        updated_at: at,
        effective: EffectiveBoard::of(&new.board_config),
    };
    if !tx.insert_workflow(&workflow).await? {
        return Err(DomainError::WorkflowExists { id }.into());
    }
    ctx.event(
        &id,
        EventKind::WorkflowCreated,
        None,
        actor,
        json!({ "name": workflow.name }),
        at,
    );
    require_workflow(tx, &id).await
}

/// Most recently active first.
pub async fn list_workflows<C: Statements>(conn: &mut C) -> Result<Vec<Workflow>> {
    conn.list_workflows().await
}
