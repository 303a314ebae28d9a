//! Runs: opened by claims and task starts, finished with a hand-off,
//! listed; claims by phase.

use std::time::Duration;

use tix_core::run::{FinishRun, Handoff, RunFilter, RunOutcome};
use tix_core::task::TaskStatus;

use super::super::fixtures::{create, create_seed_workflow, expect_code, get, new_ticket, ready_ids};
use super::{claim, let_lease_run_out, phase_task, runs_of, task_status, with_token, CoordinationStore};
use crate::ClaimRequest;

/// A failed run hands over to the next claimant, who sees what it left;
/// a resolve closes the holder's run, which then takes its report once.
pub async fn runs_hand_over_to_the_next_claimant<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Runs").await;
    let t = create(&store, new_ticket(&wf.id, "Database schema")).await.id;
    let a = claim(&store, &wf.id, "agent-a", None).await;
    assert!(a.handoffs.is_empty(), "nobody tried before");
    let run = store.get_run(&a.run_id).await.expect("get run");
    assert_eq!((run.agent_id.as_str(), run.ticket_id.as_str()), ("agent-a", t.as_str()));
    assert!(run.is_open());

    expect_code(
        store.finish_run("agent-z", &a.run_id, FinishRun::default()).await,
        "not_run_owner",
        "someone else finishes A's run",
    );
    let failed = with_token(&store, &a.claim_token)
        .finish_run(
            "agent-a",
            &a.run_id,
            FinishRun {
                outcome: RunOutcome::Failed,
                summary: Some("migrations fail on PostgreSQL 15".into()),
                handoff: Some(Handoff {
                    done: Some("tables users, sessions".into()),
                    remaining: Some("indexes; the down migration".into()),
                    decisions: Some("uuid keys".into()),
                    risks: Some("pg 15 only tested locally".into()),
                }),
                tokens_in: Some(12_000),
                tokens_out: Some(3_400),
                cost_usd: Some(0.42),
                exit_code: Some(1),
            },
        )
        .await
        .expect("A finishes its run as failed");
    assert_eq!(failed.outcome, Some(RunOutcome::Failed));
    assert_eq!((failed.tokens_in, failed.cost_usd), (Some(12_000), Some(0.42)));
    let ticket = get(&store, &t).await.ticket;
    assert_eq!(
        (
            ticket.status.as_str(),
            ticket.assigned_agent_id.as_deref(),
            ticket.lease_expires_at
        ),
        ("backlog", None, None),
        "a failed claim gives the ticket back to the queue"
    );
    assert!(ready_ids(&store, &wf.id, None).await.contains(&t));
    expect_code(
        store.finish_run("agent-a", &a.run_id, FinishRun::default()).await,
        "run_ended",
        "a run ends once",
    );

    let b = claim(&store, &wf.id, "agent-b", None).await;
    assert_eq!(b.handoffs.len(), 1, "B sees what A left");
    let prior = &b.handoffs[0];
    assert_eq!(
        (prior.run_id.as_str(), prior.agent_id.as_str()),
        (a.run_id.as_str(), "agent-a")
    );
    assert_eq!(prior.summary.as_deref(), Some("migrations fail on PostgreSQL 15"));
    assert_eq!(
        prior.handoff.as_ref().and_then(|h| h.remaining.as_deref()),
        Some("indexes; the down migration")
    );

    // B resolves: its run ends succeeded; its report comes after, once.
    store
        .resolve("agent-b", &t, Some("migrated".into()))
        .await
        .expect("resolve");
    let closed = store.get_run(&b.run_id).await.expect("B's run");
    assert_eq!(
        (closed.outcome, closed.ended_by.as_deref()),
        (Some(RunOutcome::Succeeded), Some("agent-b"))
    );
    let reported = store
        .finish_run(
            "agent-b",
            &b.run_id,
            FinishRun {
                outcome: RunOutcome::Failed,
                summary: Some("all green".into()),
                exit_code: Some(0),
                ..FinishRun::default()
            },
        )
        .await
        .expect("the report of a run the resolve closed");
    assert_eq!(reported.outcome, Some(RunOutcome::Succeeded), "the outcome stands");
    assert_eq!(reported.summary.as_deref(), Some("all green"));
    expect_code(
        store.finish_run("agent-b", &b.run_id, FinishRun::default()).await,
        "run_ended",
        "a second report",
    );

    // Statistics tell a run that reported nothing from a free one.
    let stats = store.workflow_stats(&wf.id, 7).await.expect("stats").runs;
    assert_eq!((stats.runs, stats.reported_runs, stats.tokens_in), (2, 1, 12_000));
    let agent = |key: &str| {
        stats
            .by_agent
            .iter()
            .find(|a| a.key == key)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!((agent("agent-a").reported_runs, agent("agent-b").reported_runs), (1, 0));
    assert_eq!(agent("agent-b").runs, 1);

    // Listing: newest first, filtered; the ticket's detail lists them oldest first.
    let runs = runs_of(&store, &t).await;
    let ids: Vec<&str> = runs.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(ids, [b.run_id.as_str(), a.run_id.as_str()]);
    let failed_only = store
        .list_runs(
            RunFilter {
                workflow_id: Some(wf.id.clone()),
                outcome: Some(RunOutcome::Failed),
                ..RunFilter::default()
            },
            None,
            None,
        )
        .await
        .expect("list failed");
    assert_eq!(failed_only.runs.len(), 1);
    let page = store
        .list_runs(
            RunFilter {
                workflow_id: Some(wf.id.clone()),
                ..RunFilter::default()
            },
            Some(1),
            None,
        )
        .await
        .expect("page 1");
    let cursor = page.next_cursor.clone().expect("a second page");
    let rest = store
        .list_runs(
            RunFilter {
                workflow_id: Some(wf.id.clone()),
                ..RunFilter::default()
            },
            Some(1),
            Some(cursor),
        )
        .await
        .expect("page 2");
    assert_eq!(rest.runs[0].run_id, a.run_id);
    let detail = get(&store, &t).await;
    let listed: Vec<&str> = detail.runs.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(listed, [a.run_id.as_str(), b.run_id.as_str()]);
    expect_code(store.get_run("run-nothere").await, "run_not_found", "an unknown run");
}

/// A claim by phase takes the phase's best queued task, starts it and
/// holds its ticket where it stands; the task's end ends the run and gives
/// the claim back; a lease that runs out queues the task again.
pub async fn claims_by_phase_hold_the_tasks_ticket<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Phases").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    store
        .change_status("planner", &t, "building-done", None, None)
        .await
        .expect("built already");
    let task = phase_task(&store, 3, &t, "Test Auth").await;
    let by_phase = |agent: &str, lease: Option<Duration>| ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: agent.to_string(),
        phase_id: Some(3),
        lease,
        ..ClaimRequest::default()
    };
    expect_code(
        store
            .claim(ClaimRequest {
                phase_id: Some(9),
                ..by_phase("tester", None)
            })
            .await,
        "unknown_phase",
        "a phase the workflow lacks",
    );
    let claimed = store.claim(by_phase("tester", None)).await.expect("claim phase 3");
    let started = claimed.task.clone().expect("the task");
    assert_eq!(started.task_id, task);
    assert_eq!(
        (started.status, started.assigned_agent_id.as_deref()),
        (TaskStatus::InProgress, Some("tester"))
    );
    assert_eq!(claimed.ticket.status, "building-done", "held where it stands");
    assert_eq!(claimed.ticket.assigned_agent_id.as_deref(), Some("tester"));
    assert!(claimed.ticket.lease_expires_at.is_some());
    let run = store.get_run(&claimed.run_id).await.expect("run");
    assert_eq!((run.task_id.as_deref(), run.phase_id), (Some(task.as_str()), Some(3)));
    expect_code(
        store.claim(by_phase("tester-2", None)).await,
        "nothing_queued",
        "the only task is taken",
    );

    // The task's end ends the run and gives the claim back.
    with_token(&store, &claimed.claim_token)
        .set_task_status("tester", &task, TaskStatus::Done, Some("12/12 pass".into()))
        .await
        .expect("task done");
    let run = store.get_run(&claimed.run_id).await.expect("run");
    assert_eq!(run.outcome, Some(RunOutcome::Succeeded));
    let ticket = get(&store, &t).await.ticket;
    assert_eq!(
        (
            ticket.assigned_agent_id,
            ticket.lease_expires_at,
            ticket.status.as_str()
        ),
        (None, None, "building-done")
    );

    // A lease that runs out on a task's claim queues the task again.
    let again = phase_task(&store, 3, &t, "Test Auth again").await;
    let lost = store
        .claim(by_phase("sleepy", Some(Duration::ZERO)))
        .await
        .expect("claim with a zero lease");
    assert_eq!(lost.task.as_ref().map(|t| t.task_id.as_str()), Some(again.as_str()));
    let_lease_run_out().await;
    assert_eq!(store.expire_leases().await.expect("expire"), vec![t.clone()]);
    assert_eq!(task_status(&store, &again).await, TaskStatus::Queued);
    let ticket = get(&store, &t).await.ticket;
    assert_eq!(
        (ticket.status.as_str(), ticket.assigned_agent_id),
        ("building-done", None),
        "the task's ticket stays where it was"
    );
    assert_eq!(
        store.get_run(&lost.run_id).await.expect("run").outcome,
        Some(RunOutcome::Abandoned)
    );
    let retry = store.claim(by_phase("tester", None)).await.expect("claim it again");
    assert_eq!(retry.task.map(|t| t.task_id), Some(again));
}
