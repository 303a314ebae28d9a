//! Export and import in the Tix format (`tix_core::interop`): a workflow
//! read in one snapshot, and a file written in one transaction with its
//! ids kept or renamed, its counters computed, the graph cache told, and
//! one `tickets_imported` event (and `workflow_created` when the file
//! brings its workflow).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::json;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::ids;
use tix_core::interop::{self, ExportFile, IdMap, ImportReport, WorkflowExport, WorkflowRecord};
use tix_core::workflow::{EffectiveBoard, NewWorkflow, Workflow};
use tix_core::DomainError;

use super::{now, random_bytes, require_workflow, WriteCtx};
use crate::graph_cache::GraphDelta;
use crate::interop_statements::ImportedTicketRow;
use crate::statements::{HistoryRow, Statements};
use crate::{Error, Result};

/// Tickets written per step of an import (each step reports progress).
const CHUNK: usize = 500;

/// How an import writes.
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// Keep the file's ids (refused if any is taken) instead of new ones.
    pub keep_ids: bool,
    /// Called with the number of tickets written so far, inside the
    /// transaction (so it counts towards a commit, not a guarantee).
    pub progress: Option<Arc<dyn Fn(u64) + Send + Sync>>,
}

impl std::fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportOptions")
            .field("keep_ids", &self.keep_ids)
            .finish_non_exhaustive()
    }
}

/// The workflow with every ticket and what hangs off it, in the format's order.
pub async fn export_workflow<C: Statements>(conn: &mut C, workflow_id: &str) -> Result<WorkflowExport> {
    let workflow = require_workflow(conn, workflow_id).await?;
    let id = workflow.id.as_str();
    let mut tickets = conn.ticket_records(id).await?;
    let index: HashMap<String, usize> = tickets.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
    macro_rules! attach {
        ($rows:expr, $field:ident) => {
            for (ticket_id, row) in $rows {
                if let Some(&i) = index.get(&ticket_id) {
                    tickets[i].$field.push(row);
                }
            }
        };
    }
    attach!(conn.edge_records(id).await?, blocked_by);
    attach!(conn.comment_records(id).await?, comments);
    attach!(conn.history_records(id).await?, history);
    attach!(conn.task_records(id).await?, tasks);
    attach!(conn.commit_records(id).await?, commits);
    attach!(conn.run_records(id).await?, runs);
    attach!(conn.link_records(id).await?, links);
    Ok(WorkflowExport {
        workflow: WorkflowRecord {
            id: workflow.id,
            name: workflow.name,
            board_config: workflow.board_config,
            phases: workflow.phases,
            guardian: workflow.guardian,
            created_at: workflow.created_at,
            updated_at: workflow.updated_at,
        },
        tickets,
    })
}

fn refused(line: u64, reason: impl Into<String>) -> Error {
    DomainError::ImportRefused {
        line,
        reason: reason.into(),
    }
    .into()
}

/// The workflow a file goes into: its own (created, under its id or a new
/// one), or the existing one its header names.
async fn target_workflow<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    file: &ExportFile,
    keep_ids: bool,
) -> Result<(Workflow, bool)> {
    let Some(record) = &file.workflow else {
        return Ok((require_workflow(tx, &file.header.workflow_id).await?, false));
    };
    let id = if keep_ids {
        record.id.clone()
    } else {
        loop {
            let id = ids::workflow_id(&random_bytes()?);
            if tx.load_workflow(&id).await?.is_none() {
                break id;
            }
        }
    };
    let new = NewWorkflow {
        id: Some(id.clone()),
        name: record.name.clone(),
        board_config: record.board_config.clone(),
        phases: record.phases.clone(),
        guardian: record.guardian.clone(),
    };
    new.validate().map_err(|e| refused(2, format!("workflow: {e}")))?;
    let workflow = Workflow {
        id,
        name: record.name.clone(),
        board_config: record.board_config.clone(),
        phases: record.phases.clone(),
        guardian: record.guardian.clone(),
        created_at: record.created_at,
        updated_at: record.updated_at,
        effective: EffectiveBoard::of(&record.board_config),
    };
    if !tx.insert_workflow(&workflow).await? {
        return Err(DomainError::WorkflowExists { id: workflow.id }.into());
    }
    ctx.event(
        &workflow.id,
        EventKind::WorkflowCreated,
        None,
        actor,
        json!({ "name": workflow.name, "imported": true }),
        now(),
    );
    Ok((workflow, true))
}

/// New ids for every ticket, task and run of the file (free in the store
/// and among themselves).
async fn new_ids<C: Statements>(tx: &mut C, file: &ExportFile) -> Result<IdMap> {
    let mut map = IdMap::default();
    let mut tickets = Vec::new();
    let mut tasks = Vec::new();
    let mut runs = Vec::new();
    for entry in &file.tickets {
        tickets.push(entry.ticket.id.clone());
        tasks.extend(entry.ticket.tasks.iter().map(|t| t.task_id.clone()));
        runs.extend(entry.ticket.runs.iter().map(|r| r.run_id.clone()));
    }
    fn draw(old: &[String], make: &dyn Fn(&[u8]) -> String) -> Result<Vec<String>> {
        old.iter().map(|_| Ok(make(&random_bytes()?))).collect()
    }
    let mut fresh_tickets = draw(&tickets, &ids::ticket_id)?;
    let mut fresh_tasks = draw(&tasks, &ids::task_id)?;
    let mut fresh_runs = draw(&runs, &tix_core::run::run_id)?;
    for _ in 0..16 {
        let mut taken: HashSet<String> = tx.existing_ticket_ids(&fresh_tickets).await?.into_iter().collect();
        taken.extend(tx.existing_task_ids(&fresh_tasks).await?);
        taken.extend(tx.existing_run_ids(&fresh_runs).await?);
        let mut seen = HashSet::new();
        let mut clash = false;
        for (list, make) in [
            (&mut fresh_tickets, &ids::ticket_id as &dyn Fn(&[u8]) -> String),
            (&mut fresh_tasks, &ids::task_id),
            (&mut fresh_runs, &tix_core::run::run_id),
        ] {
            for id in list.iter_mut() {
                if taken.contains(id) || !seen.insert(id.clone()) {
                    *id = make(&random_bytes()?);
                    clash = true;
                }
            }
        }
        if !clash {
            map.tickets = tickets.into_iter().zip(fresh_tickets).collect();
            map.tasks = tasks.into_iter().zip(fresh_tasks).collect();
            map.runs = runs.into_iter().zip(fresh_runs).collect();
            return Ok(map);
        }
    }
    Err(Error::Storage(
        "could not find free ids for the import after 16 tries".into(),
    ))
}

/// With `keep_ids`: every id must be a Tix id and free.
async fn check_ids_free<C: Statements>(tx: &mut C, file: &ExportFile) -> Result<()> {
    let mut line_of: HashMap<String, u64> = HashMap::new();
    let (mut tickets, mut tasks, mut runs) = (Vec::new(), Vec::new(), Vec::new());
    for entry in &file.tickets {
        let t = &entry.ticket;
        ids::check_explicit_ticket_id(&t.id)
            .map_err(|e| refused(entry.line, format!("{e}; import without keep_ids to get new ids")))?;
        line_of.insert(t.id.clone(), entry.line);
        tickets.push(t.id.clone());
        for task in &t.tasks {
            line_of.insert(task.task_id.clone(), entry.line);
            tasks.push(task.task_id.clone());
        }
        for run in &t.runs {
            line_of.insert(run.run_id.clone(), entry.line);
            runs.push(run.run_id.clone());
        }
    }
    let mut taken = tx.existing_ticket_ids(&tickets).await?;
    taken.extend(tx.existing_task_ids(&tasks).await?);
    taken.extend(tx.existing_run_ids(&runs).await?);
    if let Some(id) = taken.first() {
        let line = line_of.get(id).copied().unwrap_or(1);
        return Err(refused(
            line,
            format!("{id} already exists in this database; import without keep_ids to get new ids"),
        ));
    }
    Ok(())
}

/// Writes `file` in this transaction (see the module's description).
pub async fn import_file<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    file: &ExportFile,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let mut file = file.clone();
    let (workflow, created) = target_workflow(tx, ctx, actor, &file, options.keep_ids).await?;
    interop::check(&file, &workflow.board_config)?;
    if options.keep_ids {
        check_ids_free(tx, &file).await?;
    } else {
        let mut map = new_ids(tx, &file).await?;
        if created {
            map.workflow = Some((file.header.workflow_id.clone(), workflow.id.clone()));
        }
        interop::remap(&mut file, &map);
        // A claim token belongs to one claim: a copy's runs get hashes no token has.
        for entry in &mut file.tickets {
            for run in &mut entry.ticket.runs {
                if run.claim_token_sha256.is_some() {
                    let token = super::runs::new_claim_token()?;
                    run.claim_token_sha256 = Some(super::runs::token_hash(&token));
                }
            }
        }
    }
    let wf = workflow.id.as_str();
    let resolved: HashMap<&str, bool> = file
        .tickets
        .iter()
        .map(|e| (e.ticket.id.as_str(), e.ticket.is_resolved))
        .collect();
    let mut open_children: HashMap<&str, i64> = HashMap::new();
    for entry in &file.tickets {
        if let (Some(parent), false) = (&entry.ticket.parent_id, entry.ticket.is_resolved) {
            *open_children.entry(parent.as_str()).or_default() += 1;
        }
    }
    let mut report = ImportReport {
        workflow_id: workflow.id.clone(),
        workflow_created: created,
        ..ImportReport::default()
    };
    let mut written = 0u64;
    for chunk in file.tickets.chunks(CHUNK) {
        let rows: Vec<ImportedTicketRow<'_>> = chunk
            .iter()
            .map(|e| ImportedTicketRow {
                record: &e.ticket,
                workflow_id: wf,
                open_blockers: e
                    .ticket
                    .blocked_by
                    .iter()
                    .filter(|b| !resolved.get(b.blocker_id.as_str()).copied().unwrap_or(false))
                    .count() as i64,
                open_children: open_children.get(e.ticket.id.as_str()).copied().unwrap_or(0),
            })
            .collect();
        let comments: Vec<_> = chunk
            .iter()
            .flat_map(|e| e.ticket.comments.iter().map(move |c| (e.ticket.id.as_str(), c)))
            .collect();
        tx.insert_ticket_records(&rows, &comments).await?;
        let mut history = Vec::new();
        for e in chunk {
            for h in &e.ticket.history {
                let action = HistoryAction::parse(&h.action)
                    .ok_or_else(|| refused(e.line, format!("unknown history action '{}'", h.action)))?;
                history.push(HistoryRow {
                    ticket_id: &e.ticket.id,
                    workflow_id: wf,
                    agent: &h.agent_id,
                    action,
                    from_status: h.from_status.as_deref(),
                    to_status: h.to_status.as_deref(),
                    comment: h.comment.as_deref(),
                    details: h.details.clone(),
                    at: h.created_at,
                });
            }
        }
        tx.insert_history(&history).await?;
        let of = |pick: fn(&tix_core::interop::TicketRecord) -> usize| {
            chunk.iter().map(|e| pick(&e.ticket) as u64).sum::<u64>()
        };
        let tasks: Vec<_> = chunk
            .iter()
            .flat_map(|e| e.ticket.tasks.iter().map(move |t| (e.ticket.id.as_str(), t)))
            .collect();
        tx.insert_task_records(wf, &tasks).await?;
        let commits: Vec<_> = chunk
            .iter()
            .flat_map(|e| e.ticket.commits.iter().map(move |c| (e.ticket.id.as_str(), c)))
            .collect();
        tx.insert_commit_records(wf, &commits).await?;
        let runs: Vec<_> = chunk
            .iter()
            .flat_map(|e| e.ticket.runs.iter().map(move |r| (e.ticket.id.as_str(), r)))
            .collect();
        tx.insert_run_records(wf, &runs).await?;
        let links: Vec<_> = chunk
            .iter()
            .flat_map(|e| e.ticket.links.iter().map(move |l| (e.ticket.id.as_str(), l)))
            .collect();
        tx.insert_links(&links).await?;
        report.comments += comments.len() as u64;
        report.history += history.len() as u64;
        report.tasks += tasks.len() as u64;
        report.commits += commits.len() as u64;
        report.runs += runs.len() as u64;
        report.links += links.len() as u64;
        report.parents += of(|t| usize::from(t.parent_id.is_some()));
        written += chunk.len() as u64;
        if let Some(progress) = &options.progress {
            progress(written);
        }
    }
    let edges: Vec<_> = file
        .tickets
        .iter()
        .flat_map(|e| e.ticket.blocked_by.iter().map(move |b| (e.ticket.id.as_str(), b)))
        .collect();
    tx.insert_edge_records(wf, &edges).await?;
    report.edges = edges.len() as u64;
    report.ticket_ids = file.tickets.iter().map(|e| e.ticket.id.clone()).collect();

    let mut deltas = Vec::with_capacity(file.tickets.len() + edges.len());
    for e in &file.tickets {
        deltas.push(GraphDelta::Node {
            id: e.ticket.id.clone(),
            resolved: e.ticket.is_resolved,
        });
    }
    deltas.extend(edges.iter().map(|(blocked, e)| GraphDelta::Edge {
        blocker: e.blocker_id.clone(),
        blocked: blocked.to_string(),
    }));
    ctx.changed(tx, wf, deltas).await?;
    ctx.event(
        wf,
        EventKind::TicketsImported,
        None,
        actor,
        json!({ "count": report.ticket_ids.len(), "first": report.ticket_ids.first(),
                "last": report.ticket_ids.last(), "source": file.header.source.as_deref().unwrap_or("tix"),
                "workflow_created": created }),
        now(),
    );
    Ok(report)
}
