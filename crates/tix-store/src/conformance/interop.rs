//! Export and import: a workflow with everything that can hang off a ticket
//! survives export → import into an empty database → export byte for byte;
//! refused files write nothing; imports under new ids; a beads file.

use chrono::{TimeZone, Utc};
use tix_core::commit::{CommitSource, NewCommitLink};
use tix_core::interop::{self, ExportFile};
use tix_core::run::{FinishRun, Handoff, RunOutcome};
use tix_core::task::NewTask;
use tix_core::ticket::{NewTicket, TicketPatch};
use tix_core::workflow::Workflow;

use super::fixtures::{blocked_by, create, create_seed_workflow, domain_error, get, new_ticket, ready_ids};
use super::ACTOR;
use crate::{
    ClaimRequest, CommitStore, HierarchyStore, ImportOptions, InteropStore, RunStore, Scope, Scoped, Store, TaskStore,
};

/// What the interop cases need of a store.
pub trait InteropCaseStore:
    Store + InteropStore + HierarchyStore + TaskStore + CommitStore + RunStore + Scoped
{
}
impl<S: Store + InteropStore + HierarchyStore + TaskStore + CommitStore + RunStore + Scoped> InteropCaseStore for S {}

/// A workflow with blockers (one added after both tickets existed),
/// parents, comments, moves, a resolve, tasks, a commit link, a finished
/// run with a hand-off and an open claim.
pub async fn rich_workflow<S: InteropCaseStore>(store: &S) -> Workflow {
    let wf = create_seed_workflow(store, "Round trip").await;
    let infra = create(store, new_ticket(&wf.id, "Infrastructure")).await;
    let db = create(store, blocked_by(new_ticket(&wf.id, "Database schema"), &[&infra.id])).await;
    let epic = create(store, new_ticket(&wf.id, "Checkout epic")).await;
    let cart = create(
        store,
        NewTicket {
            parent_id: Some(epic.id.clone()),
            description: "Totals with tax.\n\nUnicode: ✓ — ü".into(),
            tags: vec!["checkout".into(), "backend".into()],
            priority: Some(tix_core::ticket::Priority::High),
            ..blocked_by(new_ticket(&wf.id, "Cart totals"), &[&db.id])
        },
    )
    .await;
    let early = create(store, new_ticket(&wf.id, "Written first, blocked later")).await;
    let late = create(store, new_ticket(&wf.id, "Written later, blocks the first")).await;
    store
        .add_blocker(ACTOR, &early.id, &late.id)
        .await
        .expect("a forward edge");
    store
        .update_ticket(
            ACTOR,
            &late.id,
            TicketPatch {
                parent_id: Some(Some(epic.id.clone())),
                ..TicketPatch::default()
            },
            None,
        )
        .await
        .expect("parent set later");
    store
        .add_comment("agent-a", &infra.id, "Terraform in place")
        .await
        .expect("comment");
    store
        .add_comment("agent-b", &infra.id, "Second\nline")
        .await
        .expect("comment");
    store
        .change_status("agent-a", &infra.id, "building", Some("starting".into()), None)
        .await
        .expect("move");
    store
        .resolve("agent-a", &infra.id, Some("done".into()))
        .await
        .expect("resolve infra");
    store
        .create_task(
            ACTOR,
            NewTask {
                description: format!("Phase 2: Build the schema - TICKET: {}", db.id),
                phase_id: 2,
                ticket_id: db.id.clone(),
                ..NewTask::default()
            },
        )
        .await
        .expect("task");
    store
        .link_commit(
            "agent-a",
            &infra.id,
            NewCommitLink {
                sha: "abcdef1234567".into(),
                message: "Add terraform\n\nTICKET: infra".into(),
                author: Some("Ada".into()),
                committed_at: Some(Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).single().expect("time")),
                files_changed: Some(3),
                insertions: Some(40),
                deletions: Some(2),
                source: CommitSource::Hook,
            },
        )
        .await
        .expect("commit");
    // A claim finished with a hand-off, and one still open.
    let first = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-c".into(),
            ticket_id: Some(db.id.clone()),
            ..ClaimRequest::default()
        })
        .await
        .expect("claim db");
    store
        .scoped(Scope {
            claim_token: Some(first.claim_token.clone()),
            idempotency: None,
        })
        .finish_run(
            "agent-c",
            &first.run_id,
            FinishRun {
                outcome: RunOutcome::Failed,
                summary: Some("migration 3 fails".into()),
                handoff: Some(Handoff {
                    done: Some("tables".into()),
                    remaining: Some("indexes".into()),
                    ..Handoff::default()
                }),
                tokens_in: Some(1200),
                tokens_out: Some(340),
                cost_usd: Some(0.125),
                exit_code: Some(1),
            },
        )
        .await
        .expect("finish");
    store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-d".into(),
            ticket_id: Some(db.id.clone()),
            ..ClaimRequest::default()
        })
        .await
        .expect("claim again");
    assert_eq!(cart.parent_id.as_deref(), Some(epic.id.as_str()));
    wf
}

/// The export as a file, with a fixed header time.
pub async fn export_text<S: InteropStore>(store: &S, workflow_id: &str) -> String {
    let export = store.export_workflow(workflow_id).await.expect("export");
    let at = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).single().expect("time");
    export.render(&export.header(at, "conformance"))
}

fn options(keep_ids: bool) -> ImportOptions {
    ImportOptions {
        keep_ids,
        progress: None,
    }
}

/// Export → import into an empty database (ids kept) → export gives the
/// same file; the imported board behaves as the original (ready queue,
/// blocked and held tickets, parents, the claim's fence).
pub async fn export_import_round_trip<S: InteropCaseStore>(source: S, target: S) {
    let wf = rich_workflow(&source).await;
    let text = export_text(&source, &wf.id).await;
    let file = interop::parse(&text).expect("the export parses");
    assert_eq!(file.tickets.len(), 6);
    let report = target
        .import_file("importer", file.clone(), options(true))
        .await
        .expect("import into an empty database");
    assert!(report.workflow_created);
    assert_eq!(report.workflow_id, wf.id);
    let comments: usize = file.tickets.iter().map(|t| t.ticket.comments.len()).sum();
    assert_eq!(
        (
            report.edges,
            report.parents,
            report.comments,
            report.tasks,
            report.commits,
            report.runs
        ),
        (3, 2, comments as u64, 1, 1, 2)
    );
    let again = export_text(&target, &wf.id).await;
    assert_eq!(again, text, "export → import → export is the same file");

    assert_eq!(
        ready_ids(&target, &wf.id, None).await,
        ready_ids(&source, &wf.id, None).await
    );
    for entry in &file.tickets {
        let (a, b) = (
            get(&source, &entry.ticket.id).await,
            get(&target, &entry.ticket.id).await,
        );
        assert_eq!(a.ticket, b.ticket, "ticket {} reads the same", entry.ticket.id);
        assert_eq!((a.children, a.progress, a.blocks), (b.children, b.progress, b.blocks));
    }
    let events = target.events_after(Some(&wf.id), 0, 100).await.expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["workflow_created", "tickets_imported"]);

    // Importing it again with its ids is refused, naming a line; nothing is written.
    let err = domain_error(
        target.import_file("importer", file.clone(), options(true)).await,
        "again",
    );
    assert_eq!(err.code(), "workflow_exists", "{err}");
    // Under new ids it is a copy.
    let copy = target
        .import_file("importer", file.clone(), options(false))
        .await
        .expect("import a copy");
    assert_ne!(copy.workflow_id, wf.id);
    assert!(
        copy.ticket_ids.iter().all(|id| !text.contains(id.as_str())),
        "every id is new"
    );
    let copied = interop::parse(&export_text(&target, &copy.workflow_id).await).expect("parse the copy");
    let first = &copied.tickets[1].ticket;
    assert_eq!(
        first.blocked_by[0].blocker_id, copy.ticket_ids[0],
        "edges follow the new ids"
    );
    assert!(
        first.tasks[0].description.ends_with(&copy.ticket_ids[1]),
        "{}",
        first.tasks[0].description
    );
    assert_eq!(
        ready_ids(&target, &copy.workflow_id, None).await.len(),
        ready_ids(&source, &wf.id, None).await.len()
    );
    // The copy's open claim fences nobody's token: a fresh claim works there.
    assert_eq!(
        get(&target, &copy.ticket_ids[1])
            .await
            .ticket
            .assigned_agent_id
            .as_deref(),
        Some("agent-d")
    );
}

/// A file whose edges form a cycle, or that names a ticket it does not
/// hold, is refused with the line, and nothing is written.
pub async fn import_refusals_write_nothing<S: InteropCaseStore>(source: S, target: S) {
    let wf = rich_workflow(&source).await;
    let text = export_text(&source, &wf.id).await;
    let file = interop::parse(&text).expect("parse");
    let before = target.list_workflows().await.expect("list").len();

    let mut cycle: ExportFile = file.clone();
    let first_id = cycle.tickets[0].ticket.id.clone();
    let last = cycle.tickets.len() - 1;
    let last_id = cycle.tickets[last].ticket.id.clone();
    // The first ticket blocked by the last, which (through the forward edge) ends up blocked by ... the first.
    cycle.tickets[0].ticket.blocked_by.push(tix_core::interop::EdgeRecord {
        blocker_id: last_id.clone(),
        created_by: ACTOR.into(),
        created_at: Utc::now(),
    });
    cycle.tickets[last]
        .ticket
        .blocked_by
        .push(tix_core::interop::EdgeRecord {
            blocker_id: first_id,
            created_by: ACTOR.into(),
            created_at: Utc::now(),
        });
    match domain_error(target.import_file("importer", cycle, options(true)).await, "a cycle") {
        tix_core::DomainError::ImportRefused { line, reason } => {
            assert_eq!(line, file.tickets[last].line, "{reason}");
            assert!(reason.contains("cycle"), "{reason}");
        }
        other => panic!("expected import_refused, got {other}"),
    }
    let mut unknown = file.clone();
    unknown.tickets[2]
        .ticket
        .blocked_by
        .push(tix_core::interop::EdgeRecord {
            blocker_id: "ticket-notthere".into(),
            created_by: ACTOR.into(),
            created_at: Utc::now(),
        });
    match domain_error(target.import_file("importer", unknown, options(false)).await, "unknown") {
        tix_core::DomainError::ImportRefused { line, reason } => {
            assert_eq!(line, file.tickets[2].line);
            assert!(reason.contains("ticket-notthere"), "{reason}");
        }
        other => panic!("expected import_refused, got {other}"),
    }
    assert_eq!(
        target.list_workflows().await.expect("list").len(),
        before,
        "nothing was written"
    );
    assert!(target.events_after(None, 0, 10).await.expect("events").is_empty());
}

/// A beads file goes into an existing workflow: parents, blocking edges,
/// links, comments, original ids as external refs that name the tickets.
pub async fn beads_import_keeps_relations<S: InteropCaseStore>(store: S) {
    let wf = create_seed_workflow(&store, "From beads").await;
    let converted = interop::beads::convert_beads(
        include_str!("../../../../examples/import/beads-issues.jsonl"),
        &wf.board_config,
        &wf.id,
        "importer",
        Utc::now(),
    )
    .expect("convert");
    let report = store
        .import_file("importer", converted.file, options(false))
        .await
        .expect("import");
    assert!(!report.workflow_created);
    assert_eq!(report.ticket_ids.len(), 7);
    let epic = get(&store, "shop-1").await;
    assert_eq!(epic.ticket.external_ref.as_deref(), Some("shop-1"));
    assert!(epic.ticket.id.starts_with("ticket-"));
    assert_eq!(epic.children.len(), 3);
    assert_eq!((epic.progress.resolved, epic.progress.total), (1, 3));
    let payment = get(&store, "shop-1.2").await;
    assert_eq!(payment.ticket.status, "building");
    assert_eq!(payment.blocked_by.len(), 1);
    assert!(!payment.ticket.is_blocked, "its blocker is closed");
    let flaky = get(&store, "shop-2").await;
    assert_eq!(flaky.links.len(), 2);
    let cart = get(&store, "shop-1.1").await.ticket.id;
    assert!(
        flaky.links.iter().any(|l| l.target == cart),
        "a link to an imported issue names its new id: {:?}",
        flaky.links
    );
    assert_eq!(get(&store, "shop-5").await.comments.len(), 2);
    let ready = ready_ids(&store, &wf.id, None).await;
    assert!(!ready.contains(&epic.ticket.id), "the epic waits for its children");
    let email = get(&store, "shop-1.3").await.ticket.id;
    assert!(!ready.contains(&email), "blocked by the payment work");
    assert!(ready.contains(&flaky.ticket.id));
    // Imported again, the same refs name two tickets.
    let converted = interop::beads::convert_beads(
        include_str!("../../../../examples/import/beads-issues.jsonl"),
        &wf.board_config,
        &wf.id,
        "importer",
        Utc::now(),
    )
    .expect("convert");
    store
        .import_file("importer", converted.file, options(false))
        .await
        .expect("again");
    assert_eq!(
        domain_error(store.get_ticket("shop-1").await, "ambiguous ref").code(),
        "ambiguous_id"
    );
}
