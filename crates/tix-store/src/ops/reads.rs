//! Reading tickets: one ticket's detail, pages of tickets, the event log.

use tix_core::ticket::{Event, TicketDetail, TicketFilter, TicketPage};
use tix_core::validate::page_size;

use super::{parse_cursor, require_ticket, require_workflow, resolve_ticket_id};
use crate::statements::Statements;
use crate::Result;

/// Fields, blockers, dependents, comments, history, tasks and commits.
pub async fn ticket_detail<C: Statements>(conn: &mut C, input: &str) -> Result<TicketDetail> {
    let id = resolve_ticket_id(conn, input).await?;
    let ticket = require_ticket(conn, &id).await?;
    let parent = match &ticket.parent_id {
        Some(parent) => conn.load_ticket(parent).await?.map(|p| p.as_ref()),
        None => None,
    };
    let (children, progress) = super::tree::tree_of(conn, &id).await?;
    Ok(TicketDetail {
        parent,
        children,
        progress,
        links: conn.links_of(&id).await?,
        ticket,
        blocked_by: conn.blocked_by(&id).await?,
        blocks: conn.blocks(&id).await?,
        comments: conn.comments_of(&id).await?,
        history: conn.history_of(&id).await?,
        tasks: conn.tasks_of(&id).await?,
        commits: conn.commits_of(&id).await?,
        runs: conn.runs_of(&id).await?,
    })
}

pub async fn list_tickets<C: Statements>(
    conn: &mut C,
    filter: &TicketFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<TicketPage> {
    let limit = page_size(limit)?;
    if let Some(workflow_id) = &filter.workflow_id {
        let workflow = require_workflow(conn, workflow_id).await?;
        if let Some(status) = &filter.status {
            workflow.board_config.check_status(status)?;
        }
        if let Some(ticket_type) = &filter.ticket_type {
            workflow.board_config.check_ticket_type(ticket_type)?;
        }
    }
    let after = cursor.map(parse_cursor).transpose()?;
    let resolved_parent;
    let filter = match &filter.parent_id {
        Some(parent) => {
            resolved_parent = TicketFilter {
                parent_id: Some(resolve_ticket_id(conn, parent).await?),
                ..filter.clone()
            };
            &resolved_parent
        }
        None => filter,
    };
    let mut rows = conn.ticket_page(filter, after, limit + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(TicketPage {
        tickets: rows.into_iter().map(|(t, _)| t).collect(),
        next_cursor,
    })
}

/// Events with id > `after`, oldest first (at most 10,000 per call).
pub async fn events_after<C: Statements>(
    conn: &mut C,
    workflow_id: Option<&str>,
    after: i64,
    limit: u32,
) -> Result<Vec<Event>> {
    conn.events_after(workflow_id, after, limit.clamp(1, 10_000)).await
}

/// The latest events before `before` (at most 10,000), oldest first.
pub async fn events_before<C: Statements>(
    conn: &mut C,
    workflow_id: Option<&str>,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<Event>> {
    let mut events = conn.events_before(workflow_id, before, limit.clamp(1, 10_000)).await?;
    events.reverse();
    Ok(events)
}
