//! Runs: one attempt by one agent at one ticket. A claim opens one (with a
//! claim token that fences the claimant's writes); a task start opens one
//! (or joins the agent's open run there). They end when the agent finishes
//! them, when the lease runs out (`abandoned`), when the ticket is taken
//! away (`lease_lost`), when the ticket resolves or the task ends.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use tix_core::board::BoardConfig;
use tix_core::event::{EventKind, HistoryAction};
use tix_core::run::{self as rules, FenceFacts, FinishRun, Heartbeat, Run, RunFilter, RunOutcome, RunPage, TokenState};
use tix_core::ticket::Ticket;
use tix_core::validate::page_size;
use tix_core::DomainError;

use super::{lock_ticket_ref, now, parse_cursor, random_bytes, require_ticket, require_workflow, WriteCtx};
use crate::statements::{HistoryRow, RunEnd, RunRow, Statements};
use crate::{Error, Result};

pub const CLAIM_TOKEN_PREFIX: &str = "clm_";

/// A new claim token: 128 random bits.
pub fn new_claim_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness for a claim token: {e}")))?;
    Ok(format!(
        "{CLAIM_TOKEN_PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// Claim tokens are stored only as their SHA-256, like agent tokens.
pub fn token_hash(token: &str) -> String {
    super::tokens::hash(token)
}

async fn new_run_id<C: Statements>(tx: &mut C) -> Result<String> {
    for _ in 0..16 {
        let id = rules::run_id(&random_bytes()?);
        if !tx.run_exists(&id).await? {
            return Ok(id);
        }
    }
    Err(Error::Storage("could not find a free run id after 16 tries".into()))
}

/// The full id a run id names (`run-xxxx` or just `xxxx`).
fn normalise_run_id(input: &str) -> Result<String> {
    let id = input.trim().to_ascii_lowercase();
    let valid = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(DomainError::validation("run_id", format!("'{input}' is not a run id (e.g. run-7hx3k2qa)")).into());
    }
    Ok(if id.starts_with(rules::RUN_PREFIX) {
        id
    } else {
        format!("{}{id}", rules::RUN_PREFIX)
    })
}

/// What a run is started for.
pub struct Opening<'a> {
    pub agent: &'a str,
    /// The task it works on, with its phase.
    pub task: Option<(&'a str, u32)>,
    /// The claim token's hash, for a run a claim opens.
    pub claim_token_hash: Option<&'a str>,
}

/// Opens a run on `ticket`. A claim's run (with a token) ends the agent's
/// earlier open runs there (`abandoned`: it claimed afresh) and starts
/// anew; a task start joins the agent's open run there, recording the task,
/// or opens one. Answers the run's id.
pub async fn open_run<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    ticket: &Ticket,
    opening: Opening<'_>,
    at: DateTime<Utc>,
) -> Result<String> {
    let open = tx.open_runs(&ticket.id, opening.agent).await?;
    if opening.claim_token_hash.is_none() {
        if let Some(run) = open.last() {
            if let (Some((task_id, phase_id)), None) = (opening.task, &run.task_id) {
                tx.set_run_task(&run.run_id, task_id, phase_id).await?;
            }
            return Ok(run.run_id.clone());
        }
    } else {
        for run in &open {
            let end = RunEnd::closing(RunOutcome::Abandoned, opening.agent, at);
            end_run(tx, ctx, run, &end).await?;
        }
    }
    let id = new_run_id(tx).await?;
    tx.insert_run(&RunRow {
        id: &id,
        workflow_id: &ticket.workflow_id,
        ticket_id: &ticket.id,
        task_id: opening.task.map(|(task, _)| task),
        phase_id: opening.task.map(|(_, phase)| phase),
        agent: opening.agent,
        claim_token_hash: opening.claim_token_hash,
        at,
    })
    .await?;
    Ok(id)
}

impl<'a> RunEnd<'a> {
    /// An end with nothing but its outcome.
    pub fn closing(outcome: RunOutcome, ended_by: &'a str, at: DateTime<Utc>) -> RunEnd<'a> {
        RunEnd {
            outcome,
            ended_by,
            at,
            summary: None,
            handoff: None,
            tokens_in: None,
            tokens_out: None,
            cost_usd: None,
            exit_code: None,
        }
    }
}

/// Ends an open run: the row, a history row on its ticket and a
/// `run_finished` event.
pub async fn end_run<C: Statements>(tx: &mut C, ctx: &mut WriteCtx, run: &Run, end: &RunEnd<'_>) -> Result<()> {
    tx.end_run(&run.run_id, end).await?;
    let details = json!({
        "run_id": run.run_id, "agent_id": run.agent_id, "outcome": end.outcome, "task_id": run.task_id,
        "tokens_in": end.tokens_in, "tokens_out": end.tokens_out, "cost_usd": end.cost_usd, "exit_code": end.exit_code,
    });
    tx.insert_history(&[HistoryRow::new(
        &run.ticket_id,
        &run.workflow_id,
        end.ended_by,
        HistoryAction::RunFinished,
        details.clone(),
        end.at,
    )
    .with_comment(end.summary)])
        .await?;
    ctx.event(
        &run.workflow_id,
        EventKind::RunFinished,
        Some(&run.ticket_id),
        end.ended_by,
        details,
        end.at,
    );
    Ok(())
}

/// Ends the open runs of these agents on the ticket; answers the runs ended.
pub async fn end_open_runs<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    ticket_id: &str,
    agents: &[&str],
    outcome: RunOutcome,
    ended_by: &str,
    at: DateTime<Utc>,
) -> Result<Vec<Run>> {
    let mut ended: Vec<Run> = Vec::new();
    for agent in agents {
        if ended.iter().any(|r| r.agent_id == *agent) {
            continue;
        }
        for run in tx.open_runs(ticket_id, agent).await? {
            end_run(tx, ctx, &run, &RunEnd::closing(outcome, ended_by, at)).await?;
            ended.push(run);
        }
    }
    Ok(ended)
}

/// Fences a write by `actor` to `ticket` (see `tix_core::run::fence`): the
/// claim token the request carries, if it is one of this ticket's, must be
/// the current claim's; a status write by an agent whose claim ran out or
/// was taken away is refused. Tokens of other tickets' claims are ignored
/// (a worker's `TIX_CLAIM` travels with all its commands).
pub async fn check_fence<C: Statements>(
    tx: &mut C,
    ctx: &WriteCtx,
    ticket: &Ticket,
    actor: &str,
    status_write: bool,
) -> Result<()> {
    let token = match ctx.claim_token() {
        None => None,
        Some(token) => match tx.run_by_token(&token_hash(token)).await? {
            None => {
                return Err(DomainError::validation(
                    "claim_token",
                    "no claim answered this token; send the claim_token your claim answered, or none",
                )
                .into())
            }
            Some(run) if run.ticket_id != ticket.id => None,
            Some(run) if run.is_open() && ticket.assigned_agent_id.as_deref() == Some(run.agent_id.as_str()) => {
                Some(TokenState::Current)
            }
            Some(_) => Some(TokenState::Stale),
        },
    };
    let holds = ticket.assigned_agent_id.as_deref() == Some(actor);
    let last = if status_write && !holds {
        tx.latest_run(&ticket.id, actor).await?
    } else {
        None
    };
    rules::fence(&FenceFacts {
        ticket_id: &ticket.id,
        actor,
        holder: ticket.assigned_agent_id.as_deref(),
        lease_expires_at: ticket.lease_expires_at,
        now: now(),
        token,
        actors_last_run: last.as_ref().map(|r| (r.outcome, r.ended_by.as_deref())),
        status_write,
    })?;
    Ok(())
}

/// Renews the holder's lease by the length it claimed with.
pub async fn heartbeat<C: Statements>(tx: &mut C, ctx: &mut WriteCtx, actor: &str, input: &str) -> Result<Heartbeat> {
    let ticket = lock_ticket_ref(tx, input).await?;
    check_fence(tx, ctx, &ticket, actor, true).await?;
    let at = now();
    let held = ticket.assigned_agent_id.as_deref() == Some(actor) && ticket.lease_expires_at.is_some_and(|l| l > at);
    if !held {
        let holder = ticket
            .assigned_agent_id
            .clone()
            .filter(|_| ticket.lease_expires_at.is_some_and(|l| l > at));
        return Err(DomainError::LeaseLost {
            ticket_id: ticket.id,
            holder,
            reason: "you hold no claim on it (claim it first; a heartbeat renews a claim's lease)".into(),
        }
        .into());
    }
    let seconds = tx
        .lease_seconds(&ticket.id)
        .await?
        .unwrap_or(tix_core::validate::DEFAULT_LEASE_SECONDS as i64);
    let until = at + TimeDelta::seconds(seconds);
    tx.renew_lease(&ticket.id, until).await?;
    let run_id = tx.open_runs(&ticket.id, actor).await?.pop().map(|r| r.run_id);
    Ok(Heartbeat {
        ticket_id: ticket.id,
        agent_id: actor.to_string(),
        lease_expires_at: until,
        run_id,
    })
}

/// Ends a run with its outcome, summary, hand-off and cost. A run that
/// holds the ticket's claim releases it: the ticket is unassigned, and a
/// claim that did not succeed, on a ticket still in the claim column,
/// returns it to the initial column (ready again). A run that ended
/// without a report (closed by a resolve or its task's end) takes the
/// report once; any other ended run answers `run_ended`.
pub async fn finish_run<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    input: &str,
    finish: &FinishRun,
) -> Result<Run> {
    let finish = finish.validate()?;
    let id = normalise_run_id(input)?;
    let run = tx
        .lock_run(&id)
        .await?
        .ok_or_else(|| DomainError::not_found("run", &id))?;
    if run.agent_id != actor {
        return Err(DomainError::NotRunOwner {
            run_id: run.run_id,
            owner: run.agent_id,
            agent_id: actor.to_string(),
        }
        .into());
    }
    let ticket = tx
        .lock_ticket(&run.ticket_id)
        .await?
        .ok_or_else(|| DomainError::not_found("ticket", &run.ticket_id))?;
    check_fence(tx, ctx, &ticket, actor, false).await?;
    let at = now();
    let end = RunEnd {
        outcome: finish.outcome,
        ended_by: actor,
        at,
        summary: finish.summary.as_deref(),
        handoff: finish.handoff.as_ref(),
        tokens_in: finish.tokens_in,
        tokens_out: finish.tokens_out,
        cost_usd: finish.cost_usd,
        exit_code: finish.exit_code,
    };
    if !run.is_open() {
        let reported = run.summary.is_some() || run.handoff.is_some() || run.exit_code.is_some();
        let amendable = matches!(run.outcome, Some(RunOutcome::Succeeded | RunOutcome::Failed)) && !reported;
        if !amendable {
            return Err(DomainError::RunEnded {
                run_id: run.run_id,
                outcome: run.outcome.map(|o| o.to_string()).unwrap_or_default(),
            }
            .into());
        }
        // The outcome stays: the run ended for a reason (a resolve, its task).
        let amended = RunEnd {
            outcome: run.outcome.unwrap_or(finish.outcome),
            ended_by: run.ended_by.as_deref().unwrap_or(actor),
            at: run.ended_at.unwrap_or(at),
            ..end
        };
        tx.end_run(&run.run_id, &amended).await?;
        return require_run(tx, &run.run_id).await;
    }
    end_run(tx, ctx, &run, &end).await?;
    release_claim(tx, ctx, actor, &run, &ticket, finish.outcome, at).await?;
    require_run(tx, &run.run_id).await
}

/// When `run` held the ticket's claim, gives the claim back
/// ([`give_back`]: back to ready if it did not succeed and the ticket
/// still stands in the claim column; otherwise unassigned where it stands),
/// with a history row and an event.
pub async fn release_claim<C: Statements>(
    tx: &mut C,
    ctx: &mut WriteCtx,
    actor: &str,
    run: &Run,
    ticket: &Ticket,
    outcome: RunOutcome,
    at: DateTime<Utc>,
) -> Result<()> {
    let holds_claim = ticket.assigned_agent_id.as_deref() == Some(run.agent_id.as_str())
        && ticket.lease_expires_at.is_some()
        && tx.run_has_token(&run.run_id).await?;
    if !holds_claim || ticket.is_resolved {
        return Ok(());
    }
    let workflow = require_workflow(tx, &ticket.workflow_id).await?;
    let board = &workflow.board_config;
    let task_hold = run.task_id.is_some() || outcome == RunOutcome::Succeeded;
    let to = give_back(tx, ticket, board, task_hold, at).await?;
    let details = json!({ "run_id": run.run_id, "previous_agent_id": run.agent_id, "outcome": outcome });
    tx.insert_history(&[HistoryRow::new(
        &ticket.id,
        &ticket.workflow_id,
        actor,
        HistoryAction::Released,
        details,
        at,
    )
    .moved(Some(&ticket.status), Some(&to))])
        .await?;
    let version = require_ticket(tx, &ticket.id).await?.version;
    ctx.event(
        &ticket.workflow_id,
        EventKind::TicketUpdated,
        Some(&ticket.id),
        actor,
        json!({ "fields": ["assigned_agent_id", "status"], "from_status": ticket.status, "to_status": to,
                "assigned_agent_id": null, "version": version, "released_by_run": run.run_id }),
        at,
    );
    Ok(())
}

/// Gives a claim back: a ticket still in the claim column, claimed from
/// the ready queue, returns to the initial column (ready again); any other
/// ticket stays where its holder left it. Either way it is unassigned with
/// no lease. Answers the status it ends in.
pub async fn give_back<C: Statements>(
    tx: &mut C,
    ticket: &Ticket,
    board: &BoardConfig,
    task_hold: bool,
    at: DateTime<Utc>,
) -> Result<String> {
    if !task_hold && !ticket.is_resolved && ticket.status == board.claim_status() {
        tx.release_lease(&ticket.id, &board.initial_status, at).await?;
        Ok(board.initial_status.clone())
    } else {
        tx.release_hold(&ticket.id, at).await?;
        Ok(ticket.status.clone())
    }
}

async fn require_run<C: Statements>(tx: &mut C, id: &str) -> Result<Run> {
    tx.load_run(id)
        .await?
        .ok_or_else(|| DomainError::not_found("run", id).into())
}

pub async fn get_run<C: Statements>(conn: &mut C, input: &str) -> Result<Run> {
    let id = normalise_run_id(input)?;
    require_run(conn, &id).await
}

/// Runs, newest first, filtered, a page at a time.
pub async fn list_runs<C: Statements>(
    conn: &mut C,
    filter: &RunFilter,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<RunPage> {
    let limit = page_size(limit)?;
    let mut filter = filter.clone();
    if let Some(workflow_id) = &filter.workflow_id {
        require_workflow(conn, workflow_id).await?;
    }
    if let Some(ticket) = &filter.ticket_id {
        filter.ticket_id = Some(super::resolve_ticket_id(conn, ticket).await?);
    }
    let before = cursor.map(parse_cursor).transpose()?;
    let mut rows = conn.run_page(&filter, before, limit + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|(_, seq)| format!("c{seq}"))
    } else {
        None
    };
    Ok(RunPage {
        runs: rows.into_iter().map(|(r, _)| r).collect(),
        next_cursor,
    })
}

/// Earlier runs' hand-offs on the ticket, for the next agent (newest first,
/// about 2 KB of text), leaving out the run `except`.
pub async fn prior_runs<C: Statements>(
    tx: &mut C,
    ticket_id: &str,
    except: &str,
) -> Result<Vec<tix_core::run::PriorRun>> {
    let mut runs: Vec<Run> = tx
        .runs_of(ticket_id)
        .await?
        .into_iter()
        .filter(|r| r.run_id != except)
        .collect();
    runs.reverse();
    Ok(rules::handoffs(&runs))
}
