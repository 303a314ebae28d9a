//! Claim tokens and heartbeats: a claim that was lost fences its former
//! holder's writes.

use std::time::Duration;

use tix_core::run::RunOutcome;
use tix_core::ticket::TicketPatch;

use super::super::fixtures::{create, create_seed_workflow, expect_code, get, new_ticket};
use super::{claim, let_lease_run_out, runs_of, with_token, CoordinationStore};

/// The story: A claims, its lease runs out, B claims; A's move is
/// refused with `lease_lost` (token or not) and changes nothing, A's
/// comment still lands, B's writes go through.
pub async fn a_lost_claim_fences_its_holder<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Fencing").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    let a = claim(&store, &wf.id, "agent-a", Some(Duration::ZERO)).await;
    assert!(a.claim_token.starts_with("clm_"), "{}", a.claim_token);
    let a_store = with_token(&store, &a.claim_token);
    let_lease_run_out().await;

    // The lease ran out (not yet swept): A's status writes are refused.
    let before = get(&store, &t).await.ticket;
    let err = expect_code(
        a_store.change_status("agent-a", &t, "building-done", None, None).await,
        "lease_lost",
        "a move after the lease ran out",
    );
    assert_eq!(err.details()["ticket_id"], t);
    expect_code(
        store.change_status("agent-a", &t, "building-done", None, None).await,
        "lease_lost",
        "the same move without the token",
    );
    expect_code(store.heartbeat("agent-a", &t).await, "lease_lost", "a late heartbeat");
    assert_eq!(get(&store, &t).await.ticket, before, "a refused write changes nothing");

    // B claims it once the sweep (here: B's own claim) frees it.
    let b = claim(&store, &wf.id, "agent-b", None).await;
    assert_eq!(b.ticket.id, t);
    assert_ne!(b.claim_token, a.claim_token, "every claim gets a new token");
    let runs = runs_of(&store, &t).await;
    let a_run = runs.iter().find(|r| r.run_id == a.run_id).expect("A's run");
    assert_eq!(
        (a_run.outcome, a_run.ended_by.as_deref()),
        (Some(RunOutcome::Abandoned), Some("tix")),
        "a lease that ran out closes the run as abandoned"
    );

    let err = expect_code(
        a_store.change_status("agent-a", &t, "building-done", None, None).await,
        "lease_lost",
        "a stale token",
    );
    assert_eq!(err.details()["holder"], "agent-b", "the refusal names the holder");
    expect_code(
        store.resolve("agent-a", &t, None).await,
        "lease_lost",
        "a resolve by the former holder",
    );
    expect_code(
        a_store
            .update_ticket(
                "agent-a",
                &t,
                TicketPatch {
                    title: Some("Auth v2".into()),
                    ..TicketPatch::default()
                },
                None,
            )
            .await,
        "lease_lost",
        "an edit carrying a stale token",
    );
    // Comments are history: the former holder may still leave one.
    a_store
        .add_comment("agent-a", &t, "I lost the lease; partial work is on branch auth-a")
        .await
        .expect("a comment from the former holder");

    // The holder, with its token, and the heartbeat that renews its lease.
    let b_store = with_token(&store, &b.claim_token);
    let beat = b_store.heartbeat("agent-b", &t).await.expect("B's heartbeat");
    assert_eq!(beat.run_id.as_deref(), Some(b.run_id.as_str()));
    assert!(beat.lease_expires_at > chrono::Utc::now() + chrono::TimeDelta::minutes(20));
    expect_code(
        store.heartbeat("agent-c", &t).await,
        "lease_lost",
        "a non-holder's heartbeat",
    );
    b_store
        .change_status("agent-b", &t, "building-done", Some("built".into()), None)
        .await
        .expect("the holder moves it");

    // A token that no claim answered is a mistake, said plainly.
    let garbage = with_token(&store, "clm_0000");
    expect_code(
        garbage.change_status("agent-b", &t, "building", None, None).await,
        "validation_failed",
        "an unknown token",
    );
    // A's token means nothing to other tickets (a worker's TIX_CLAIM goes everywhere).
    let other = create(&store, new_ticket(&wf.id, "Docs")).await.id;
    a_store
        .add_comment("agent-a", &other, "notes")
        .await
        .expect("a token of another ticket is ignored");
    a_store
        .change_status("agent-a", &other, "building", None, None)
        .await
        .expect("a move on another ticket");
}

/// Taking a ticket away from its holder (reassigning it) ends its run as
/// `lease_lost` and fences it; giving it up itself does not.
pub async fn taking_a_ticket_away_ends_the_holders_run<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Taken").await;
    let t = create(&store, new_ticket(&wf.id, "API")).await.id;
    let a = claim(&store, &wf.id, "agent-a", None).await;
    store
        .update_ticket(
            "lead",
            &t,
            TicketPatch {
                assigned_agent_id: Some(Some("agent-b".into())),
                ..TicketPatch::default()
            },
            None,
        )
        .await
        .expect("the lead reassigns it");
    let run = store.get_run(&a.run_id).await.expect("A's run");
    assert_eq!(
        (run.outcome, run.ended_by.as_deref()),
        (Some(RunOutcome::LeaseLost), Some("lead"))
    );
    let err = expect_code(
        store.change_status("agent-a", &t, "building-done", None, None).await,
        "lease_lost",
        "the former holder moves it",
    );
    assert!(err.to_string().contains("taken away"), "{err}");
    // Claiming again (when ready) lifts the fence: a new run, a new token.
    store
        .update_ticket(
            "lead",
            &t,
            TicketPatch {
                assigned_agent_id: Some(None),
                ..TicketPatch::default()
            },
            None,
        )
        .await
        .expect("unassign");
    store
        .change_status("lead", &t, "backlog", None, None)
        .await
        .expect("back to the backlog");
    let again = claim(&store, &wf.id, "agent-a", None).await;
    assert_eq!(again.ticket.id, t);
    store
        .change_status("agent-a", &t, "building-done", None, None)
        .await
        .expect("A holds it again");
}
