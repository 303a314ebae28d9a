//! The backend-independent conformance suite.
//!
//! Every case is a `pub async fn name<S: Store>(store: S)` that gets a fresh,
//! empty store and panics with a message naming what went wrong. A backend
//! runs the whole story with one line in an integration test:
//!
//! ```ignore
//! tix_store::conformance_tests!(tix_store::SqliteStore::open_in_memory().expect("store"));
//! ```
//!
//! The macro expands to one `#[tokio::test]` per case (multi-threaded
//! runtime, 4 workers), so the calling crate needs `tokio` (with the `macros`
//! and `rt-multi-thread` features) among its dev-dependencies.
//!
//! The cases follow the seed spec's web-app example: its board (backlog →
//! building → building-done → testing → testing-done → done) and its three
//! dependency patterns (fan-out, chain, tree).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Debug;
use std::time::Duration;

use chrono::Utc;
use tix_core::board::{BoardConfig, Column};
use tix_core::error::TicketRef;
use tix_core::ticket::{Event, NewTicket, Priority, Ticket, TicketFilter, TicketPatch};
use tix_core::workflow::{NewWorkflow, Phase, Workflow};
use tix_core::DomainError;

use crate::{ClaimRequest, Error, EventFeed, Result, StatsStore, Store};

pub mod agent;

/// Agent id the suite acts as unless a case needs several agents.
pub const ACTOR: &str = "conformance";

/// Expands to one `#[tokio::test]` per conformance case, each running
/// against a fresh store made by evaluating the given expression.
#[macro_export]
macro_rules! conformance_tests {
    ($make:expr) => {
        $crate::conformance_tests!(@cases $make;
            workflows_create_get_list,
            workflow_invalid_board_is_refused,
            workflow_duplicate_id_is_refused,
            create_ticket_defaults_history_and_event,
            create_ticket_refusals_write_nothing,
            id_prefixes_resolve,
            pattern_fan_out,
            pattern_chain,
            pattern_tree,
            blocked_ticket_cannot_move_forward,
            cycles_and_bad_edges_are_refused,
            resolution_semantics,
            transitions_and_wip_limits,
            update_with_expected_version,
            list_filters,
            list_pagination,
            ready_ordering,
            claim_next_and_named,
            claim_lease_expiry,
            concurrent_claims_hand_out_each_ticket_once,
            concurrent_versioned_updates_lose_nothing,
            comments,
            ticket_and_workflow_graphs,
            events_in_order_and_filtered,
            stats_count_what_is_there,
            event_feed_wakes_after_a_write,
            import_links_batch_and_stored_tickets,
        );
        $crate::conformance_tests!(@agent $make;
            tasks_create_check_and_list,
            tasks_follow_ticket_blocking,
            task_status_changes,
            guardian_move_rules,
            guardian_modes,
            guardian_lease_idle,
            guardian_judges_findings_on_create,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store = $make;
                $crate::conformance::$case(store).await;
            }
        )*
    };
    (@agent $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store = $make;
                $crate::conformance::agent::$case(store).await;
            }
        )*
    };
}

// ---------------------------------------------------------------- helpers

/// The board of the seed spec's web-app example.
pub fn seed_board() -> BoardConfig {
    let column = |id: &str, name: &str| Column {
        id: id.to_string(),
        name: name.to_string(),
        wip_limit: None,
    };
    BoardConfig {
        columns: vec![
            column("backlog", "📋 Backlog"),
            column("building", "🔨 Building"),
            column("building-done", "✅ Built"),
            column("testing", "🧪 Testing"),
            column("testing-done", "✅ Tested"),
            column("done", "✅ Done"),
        ],
        ticket_types: vec!["component".into(), "bug".into(), "feature".into()],
        initial_status: "backlog".into(),
        transitions: None,
        done_statuses: None,
        claim_status: None,
        duplicate_policy: Default::default(),
    }
}

/// The seed's workflow: its board and its three phases.
pub fn seed_workflow(id: Option<&str>, name: &str) -> NewWorkflow {
    let phase = |id: u32, name: &str, columns: &[&str]| Phase {
        id,
        name: name.to_string(),
        description: String::new(),
        instructions: None,
        columns: columns.iter().map(|c| c.to_string()).collect(),
    };
    NewWorkflow {
        id: id.map(str::to_string),
        name: name.to_string(),
        board_config: seed_board(),
        phases: vec![
            phase(1, "Create tickets", &["backlog"]),
            phase(2, "Build", &["backlog", "building", "building-done"]),
            phase(3, "Test", &["building-done", "testing", "testing-done", "done"]),
        ],
        guardian: Default::default(),
    }
}

/// Creates a workflow with the seed's board (generated id).
pub async fn create_seed_workflow<S: Store>(store: &S, name: &str) -> Workflow {
    store
        .create_workflow(ACTOR, seed_workflow(None, name))
        .await
        .unwrap_or_else(|e| panic!("creating the seed workflow '{name}' failed: {e}"))
}

/// A `component` ticket with the given title.
pub fn new_ticket(workflow_id: &str, title: &str) -> NewTicket {
    NewTicket {
        workflow_id: workflow_id.to_string(),
        title: title.to_string(),
        ticket_type: "component".to_string(),
        ..NewTicket::default()
    }
}

fn blocked_by(mut ticket: NewTicket, blockers: &[&str]) -> NewTicket {
    ticket.blocked_by_ticket_ids = blockers.iter().map(|b| b.to_string()).collect();
    ticket
}

fn with_priority(mut ticket: NewTicket, priority: Priority) -> NewTicket {
    ticket.priority = Some(priority);
    ticket
}

async fn create<S: Store>(store: &S, ticket: NewTicket) -> Ticket {
    let title = ticket.title.clone();
    store
        .create_ticket(ACTOR, ticket)
        .await
        .unwrap_or_else(|e| panic!("creating ticket '{title}' failed: {e}"))
}

/// The domain error of a call expected to fail; panics otherwise.
fn domain_error<T: Debug>(result: Result<T>, what: &str) -> DomainError {
    match result {
        Ok(value) => panic!("{what}: expected a domain error, got Ok({value:?})"),
        Err(Error::Domain(err)) => err,
        Err(Error::Storage(err)) => panic!("{what}: expected a domain error, got a storage error: {err}"),
    }
}

/// Checks a call failed with the given domain error code; returns the error.
fn expect_code<T: Debug>(result: Result<T>, code: &str, what: &str) -> DomainError {
    let err = domain_error(result, what);
    assert_eq!(err.code(), code, "{what}: wrong error code (error: {err})");
    err
}

async fn all_tickets<S: Store>(store: &S, filter: TicketFilter) -> Vec<Ticket> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_tickets(filter.clone(), Some(500), cursor)
            .await
            .expect("list_tickets");
        out.extend(page.tickets);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return out,
        }
    }
}

fn in_workflow(workflow_id: &str) -> TicketFilter {
    TicketFilter {
        workflow_id: Some(workflow_id.to_string()),
        ..TicketFilter::default()
    }
}

async fn all_events<S: Store>(store: &S, workflow_id: Option<&str>) -> Vec<Event> {
    store.events_after(workflow_id, 0, 10_000).await.expect("events_after")
}

async fn ready_ids<S: Store>(store: &S, workflow_id: &str, agent: Option<&str>) -> Vec<String> {
    store
        .ready(workflow_id, agent, 500)
        .await
        .expect("ready")
        .into_iter()
        .map(|r| r.ticket.id)
        .collect()
}

fn set<I, T>(items: I) -> BTreeSet<String>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn ids_of(tickets: &[Ticket]) -> BTreeSet<String> {
    tickets.iter().map(|t| t.id.clone()).collect()
}

async fn get<S: Store>(store: &S, id: &str) -> tix_core::ticket::TicketDetail {
    store
        .get_ticket(id)
        .await
        .unwrap_or_else(|e| panic!("get_ticket({id}) failed: {e}"))
}

fn last_action(detail: &tix_core::ticket::TicketDetail) -> &str {
    detail
        .history
        .last()
        .map(|h| h.action.as_str())
        .unwrap_or("<no history>")
}

// ---------------------------------------------------------------- 1. workflows

pub async fn workflows_create_get_list<S: Store>(store: S) {
    assert!(
        store.list_workflows().await.expect("list_workflows").is_empty(),
        "a fresh store lists no workflows"
    );

    let web = store
        .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Web app"))
        .await
        .expect("create web-app");
    assert_eq!(web.id, "web-app", "an explicit id is kept");
    assert_eq!(web.name, "Web app");
    assert_eq!(web.board_config, seed_board(), "the board config round-trips");
    assert_eq!(web.phases, seed_workflow(None, "x").phases, "the phases round-trip");

    let other = store
        .create_workflow(ACTOR, seed_workflow(None, "Other"))
        .await
        .expect("create Other");
    assert!(
        other.id.starts_with("wf-"),
        "a generated workflow id starts with wf-, got {}",
        other.id
    );
    assert_ne!(other.id, web.id);

    assert_eq!(
        store.get_workflow("web-app").await.expect("get web-app"),
        web,
        "get returns what create returned"
    );
    assert_eq!(store.get_workflow(&other.id).await.expect("get other"), other);

    let listed: Vec<String> = store
        .list_workflows()
        .await
        .expect("list")
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(
        listed,
        vec![other.id.clone(), web.id.clone()],
        "most recently active first"
    );

    // Activity in web-app moves it to the front.
    create(&store, new_ticket(&web.id, "Infrastructure")).await;
    let listed: Vec<String> = store
        .list_workflows()
        .await
        .expect("list")
        .into_iter()
        .map(|w| w.id)
        .collect();
    assert_eq!(
        listed,
        vec![web.id.clone(), other.id.clone()],
        "a workflow with newer activity lists first"
    );

    expect_code(
        store.get_workflow("wf-missing").await,
        "workflow_not_found",
        "get an unknown workflow",
    );
}

pub async fn workflow_invalid_board_is_refused<S: Store>(store: S) {
    let mut bad = seed_workflow(Some("bad"), "Bad");
    bad.board_config.initial_status = "todo".into();
    let err = expect_code(
        store.create_workflow(ACTOR, bad).await,
        "validation_failed",
        "unknown initial_status",
    );
    let message = err.to_string();
    assert!(message.contains("'todo'"), "the message names the bad value: {message}");
    assert!(
        message.contains("backlog, building, building-done, testing, testing-done, done"),
        "the message lists the columns: {message}"
    );

    let mut bad_phase = seed_workflow(Some("bad-phase"), "Bad phase");
    bad_phase.phases[0].columns = vec!["review".into()];
    let err = expect_code(
        store.create_workflow(ACTOR, bad_phase).await,
        "validation_failed",
        "phase naming no column",
    );
    assert!(err.to_string().contains("'review'"), "{err}");

    let mut claim_done = seed_workflow(Some("claim-done"), "Claim into done");
    claim_done.board_config.claim_status = Some("done".into());
    expect_code(
        store.create_workflow(ACTOR, claim_done).await,
        "validation_failed",
        "claim_status is a done column",
    );

    let mut no_name = seed_workflow(Some("no-name"), "  ");
    no_name.name = "   ".into();
    expect_code(
        store.create_workflow(ACTOR, no_name).await,
        "validation_failed",
        "empty workflow name",
    );

    assert!(
        store.list_workflows().await.expect("list").is_empty(),
        "refused workflows are not stored"
    );
    expect_code(
        store.get_workflow("bad").await,
        "workflow_not_found",
        "refused workflow",
    );
}

pub async fn workflow_duplicate_id_is_refused<S: Store>(store: S) {
    store
        .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Web app"))
        .await
        .expect("first create");
    let err = expect_code(
        store
            .create_workflow(ACTOR, seed_workflow(Some("web-app"), "Again"))
            .await,
        "workflow_exists",
        "duplicate workflow id",
    );
    assert_eq!(err, DomainError::WorkflowExists { id: "web-app".into() });
    assert_eq!(
        store.get_workflow("web-app").await.expect("get").name,
        "Web app",
        "the original is untouched"
    );
    assert_eq!(store.list_workflows().await.expect("list").len(), 1);
}

// ---------------------------------------------------------------- 2. creating tickets

pub async fn create_ticket_defaults_history_and_event<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let last_event = all_events(&store, None).await.last().map(|e| e.id).unwrap_or(0);
    let new = NewTicket {
        description: "Implement JWT auth with login/register/refresh".into(),
        tags: vec!["auth".into(), "backend".into()],
        ..new_ticket(&wf.id, "Build Authentication System")
    };
    let ticket = store.create_ticket("agent-1", new).await.expect("create ticket");
    assert!(
        ticket.id.starts_with("ticket-") && ticket.id.len() == "ticket-".len() + 8,
        "generated ids are ticket- + 8 characters, got {}",
        ticket.id
    );
    assert_eq!(ticket.workflow_id, wf.id);
    assert_eq!(ticket.title, "Build Authentication System");
    assert_eq!(ticket.description, "Implement JWT auth with login/register/refresh");
    assert_eq!(ticket.ticket_type, "component");
    assert_eq!(ticket.status, "backlog", "a new ticket starts in the initial status");
    assert_eq!(ticket.version, 1, "a new ticket is at version 1");
    assert_eq!(ticket.priority, Priority::Medium, "priority defaults to medium");
    assert_eq!(ticket.tags, vec!["auth", "backend"]);
    assert_eq!(ticket.created_by, "agent-1");
    assert_eq!(ticket.assigned_agent_id, None);
    assert!(!ticket.is_resolved && !ticket.is_blocked);
    assert!(ticket.blocked_by_ticket_ids.is_empty());
    assert_eq!(
        (ticket.started_at, ticket.completed_at, ticket.resolved_at),
        (None, None, None)
    );
    assert_eq!(ticket.lease_expires_at, None);

    let detail = get(&store, &ticket.id).await;
    assert_eq!(detail.ticket, ticket, "get_ticket returns what create_ticket returned");
    assert!(detail.blocked_by.is_empty() && detail.blocks.is_empty() && detail.comments.is_empty());
    assert_eq!(
        detail.history.len(),
        1,
        "one history row after create: {:?}",
        detail.history
    );
    let row = &detail.history[0];
    assert_eq!(row.action, "created");
    assert_eq!(row.agent_id, "agent-1");
    assert_eq!(row.ticket_id, ticket.id);
    assert_eq!(row.to_status.as_deref(), Some("backlog"));

    let events = store
        .events_after(Some(&wf.id), last_event, 1000)
        .await
        .expect("events_after");
    let created: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind == "ticket_created" && e.ticket_id.as_deref() == Some(&ticket.id))
        .collect();
    assert_eq!(
        created.len(),
        1,
        "exactly one ticket_created event for the ticket: {events:?}"
    );
    assert_eq!(created[0].agent_id, "agent-1");
    assert_eq!(created[0].workflow_id, wf.id);

    let high = create(&store, with_priority(new_ticket(&wf.id, "Urgent"), Priority::High)).await;
    assert_eq!(high.priority, Priority::High, "an explicit priority is kept");

    let blocked = create(&store, blocked_by(new_ticket(&wf.id, "Needs auth"), &[&ticket.id])).await;
    assert!(
        blocked.is_blocked,
        "a ticket created with an unresolved blocker is blocked"
    );
    assert_eq!(blocked.blocked_by_ticket_ids, vec![ticket.id.clone()]);
    assert_eq!(blocked.status, "backlog");
}

pub async fn create_ticket_refusals_write_nothing<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let existing = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let tickets_before = all_tickets(&store, TicketFilter::default()).await.len();
    let events_before = all_events(&store, None).await.len();

    let mut epic = new_ticket(&wf.id, "Epic thing");
    epic.ticket_type = "epic".into();
    epic.blocked_by_ticket_ids = vec![existing.id.clone()];
    let err = expect_code(
        store.create_ticket(ACTOR, epic).await,
        "unknown_ticket_type",
        "unknown ticket type",
    );
    assert_eq!(
        err,
        DomainError::UnknownTicketType {
            ticket_type: "epic".into(),
            allowed: vec!["component".into(), "bug".into(), "feature".into()]
        }
    );
    assert!(err.to_string().contains("component, bug, feature"), "{err}");

    expect_code(
        store
            .create_ticket(ACTOR, blocked_by(new_ticket(&wf.id, "Orphan"), &["ticket-nope"]))
            .await,
        "ticket_not_found",
        "unknown blocker",
    );
    expect_code(
        store.create_ticket(ACTOR, new_ticket(&wf.id, "   ")).await,
        "validation_failed",
        "empty title",
    );
    expect_code(
        store.create_ticket(ACTOR, new_ticket("wf-missing", "Lost")).await,
        "workflow_not_found",
        "unknown workflow",
    );

    assert_eq!(
        all_tickets(&store, TicketFilter::default()).await.len(),
        tickets_before,
        "no ticket was written"
    );
    assert_eq!(
        all_events(&store, None).await.len(),
        events_before,
        "no event was written"
    );
    let detail = get(&store, &existing.id).await;
    assert!(detail.blocks.is_empty(), "no edge was written: {:?}", detail.blocks);
    assert_eq!(detail.ticket.version, 1);
}

// ---------------------------------------------------------------- 3. id prefixes

pub async fn id_prefixes_resolve<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let with_id = |id: &str| NewTicket {
        id: Some(id.to_string()),
        ..new_ticket(&wf.id, id)
    };
    let ids = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![with_id("ticket-aa1"), with_id("ticket-aa2"), with_id("ticket-bb7")],
        )
        .await
        .expect("import");
    assert_eq!(
        ids,
        vec!["ticket-aa1", "ticket-aa2", "ticket-bb7"],
        "import returns the ids in order"
    );

    for (input, expected) in [
        ("ticket-bb7", "ticket-bb7"),
        ("ticket-bb", "ticket-bb7"),
        ("bb", "ticket-bb7"),
        ("bb7", "ticket-bb7"),
        (" BB7 ", "ticket-bb7"),
        ("aa1", "ticket-aa1"),
        ("ticket-aa2", "ticket-aa2"),
    ] {
        let got = store
            .resolve_ticket_id(input)
            .await
            .unwrap_or_else(|e| panic!("resolve '{input}': {e}"));
        assert_eq!(got, expected, "'{input}' names {expected}");
    }
    assert_eq!(
        get(&store, "bb").await.ticket.id,
        "ticket-bb7",
        "get_ticket accepts a prefix"
    );

    for input in ["aa", "ticket-aa", "ticket-a"] {
        let err = expect_code(store.resolve_ticket_id(input).await, "ambiguous_id", input);
        let DomainError::AmbiguousId { matches, .. } = &err else {
            panic!("not AmbiguousId: {err:?}")
        };
        assert_eq!(
            sorted(matches.clone()),
            vec!["ticket-aa1", "ticket-aa2"],
            "'{input}' lists its matches"
        );
    }
    expect_code(
        store.get_ticket("aa").await,
        "ambiguous_id",
        "get_ticket with an ambiguous prefix",
    );
    for input in ["zz", "ticket-cc", "bb8"] {
        expect_code(store.resolve_ticket_id(input).await, "ticket_not_found", input);
    }
    expect_code(store.resolve_ticket_id("   ").await, "validation_failed", "empty id");

    // Blockers named twice (prefix and full id) count once.
    let twice = create(
        &store,
        blocked_by(new_ticket(&wf.id, "Twice"), &["bb", "ticket-bb7", "aa1"]),
    )
    .await;
    assert_eq!(
        twice.blocked_by_ticket_ids,
        vec!["ticket-aa1", "ticket-bb7"],
        "each blocker is listed once"
    );
    assert!(twice.is_blocked);
    store.resolve(ACTOR, "bb7", None).await.expect("resolve bb7");
    let change = store.resolve(ACTOR, "aa1", None).await.expect("resolve aa1");
    assert_eq!(
        change.unblocked_ticket_ids,
        vec![twice.id.clone()],
        "two resolves unblock a ticket with two blockers"
    );

    // An import is one transaction: a duplicate id refuses the whole batch.
    let err = expect_code(
        store
            .import_tickets(ACTOR, &wf.id, vec![with_id("ticket-cc1"), with_id("ticket-aa1")])
            .await,
        "ticket_exists",
        "import with a taken id",
    );
    assert_eq!(
        err,
        DomainError::TicketExists {
            id: "ticket-aa1".into()
        }
    );
    expect_code(
        store.resolve_ticket_id("cc1").await,
        "ticket_not_found",
        "the refused batch wrote nothing",
    );
}

// ---------------------------------------------------------------- 4. the seed's patterns

pub async fn pattern_fan_out<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Fan-out").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let mut parts = Vec::new();
    for title in ["Database", "Auth", "Workers"] {
        let t = create(&store, blocked_by(new_ticket(&wf.id, title), &[&infra.id])).await;
        assert!(t.is_blocked, "{title} starts blocked by infrastructure");
        assert_eq!(t.blocked_by_ticket_ids, vec![infra.id.clone()]);
        parts.push(t.id);
    }
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        vec![infra.id.clone()],
        "only infrastructure is ready"
    );

    let change = store
        .resolve(ACTOR, &infra.id, Some("Infrastructure is up".into()))
        .await
        .expect("resolve infra");
    assert!(change.ticket.is_resolved);
    assert_eq!(change.ticket.status, "done");
    assert_eq!(
        sorted(change.unblocked_ticket_ids),
        sorted(parts.clone()),
        "all three unblock at once"
    );
    assert!(change.reblocked_ticket_ids.is_empty());
    assert_eq!(
        set(ready_ids(&store, &wf.id, None).await),
        set(&parts),
        "all three become ready"
    );
    for id in &parts {
        assert!(!get(&store, id).await.ticket.is_blocked, "{id} is no longer blocked");
    }
}

pub async fn pattern_chain<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Chain").await;
    let mut chain: Vec<String> = Vec::new();
    for title in ["Infrastructure", "Database", "Auth", "API"] {
        let blockers: Vec<&str> = chain.last().map(String::as_str).into_iter().collect();
        chain.push(
            create(&store, blocked_by(new_ticket(&wf.id, title), &blockers))
                .await
                .id,
        );
    }
    for (i, id) in chain.iter().enumerate() {
        assert_eq!(
            ready_ids(&store, &wf.id, None).await,
            vec![id.clone()],
            "step {i}: only {id} is ready"
        );
        let change = store
            .resolve(ACTOR, id, None)
            .await
            .unwrap_or_else(|e| panic!("resolve step {i}: {e}"));
        let expected: Vec<String> = chain.get(i + 1).cloned().into_iter().collect();
        assert_eq!(
            change.unblocked_ticket_ids, expected,
            "step {i}: resolving unblocks exactly the next one"
        );
        for later in chain.iter().skip(i + 2) {
            assert!(
                get(&store, later).await.ticket.is_blocked,
                "step {i}: {later} stays blocked"
            );
        }
    }
    assert!(
        ready_ids(&store, &wf.id, None).await.is_empty(),
        "nothing is left once the chain is resolved"
    );
}

pub async fn pattern_tree<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Tree").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&db])).await.id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;
    let front = create(&store, blocked_by(new_ticket(&wf.id, "Frontend"), &[&auth, &api]))
        .await
        .id;
    assert_eq!(
        get(&store, &front).await.ticket.blocked_by_ticket_ids,
        sorted(vec![auth.clone(), api.clone()])
    );

    let resolve = |id: String| {
        let store = store.clone();
        async move {
            store
                .resolve(ACTOR, &id, None)
                .await
                .unwrap_or_else(|e| panic!("resolve {id}: {e}"))
        }
    };
    assert_eq!(resolve(infra.clone()).await.unblocked_ticket_ids, vec![db.clone()]);
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&db]));

    assert_eq!(
        sorted(resolve(db.clone()).await.unblocked_ticket_ids),
        sorted(vec![auth.clone(), api.clone()])
    );
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&auth, &api]));

    let change = resolve(auth.clone()).await;
    assert!(
        change.unblocked_ticket_ids.is_empty(),
        "frontend waits for api too: {:?}",
        change.unblocked_ticket_ids
    );
    let frontend = get(&store, &front).await;
    assert!(
        frontend.ticket.is_blocked,
        "frontend stays blocked until BOTH auth and api resolve"
    );
    let states: BTreeMap<String, bool> = frontend
        .blocked_by
        .iter()
        .map(|b| (b.id.clone(), b.is_resolved))
        .collect();
    assert_eq!(states, BTreeMap::from([(auth.clone(), true), (api.clone(), false)]));
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&api]));

    assert_eq!(resolve(api.clone()).await.unblocked_ticket_ids, vec![front.clone()]);
    assert_eq!(set(ready_ids(&store, &wf.id, None).await), set([&front]));
}

// ---------------------------------------------------------------- 5. blocked moves

pub async fn blocked_ticket_cannot_move_forward<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra.id])).await;
    let before = get(&store, &db.id).await;

    let err = expect_code(
        store.change_status(ACTOR, &db.id, "building", None, None).await,
        "ticket_blocked",
        "blocked ticket moving forward",
    );
    let infra_ref = TicketRef {
        id: infra.id.clone(),
        title: "Infrastructure".into(),
        status: "backlog".into(),
        is_resolved: false,
    };
    assert_eq!(
        err,
        DomainError::TicketBlocked {
            ticket_id: db.id.clone(),
            target: "building".into(),
            blockers: vec![infra_ref]
        }
    );
    let message = err.to_string();
    assert!(
        message.contains(&infra.id) && message.contains("[backlog]") && message.contains("Infrastructure"),
        "the message lists the blocker's id, status and title: {message}"
    );
    expect_code(
        store.resolve(ACTOR, &db.id, None).await,
        "ticket_blocked",
        "resolving a blocked ticket",
    );

    let after = get(&store, &db.id).await;
    assert_eq!(
        after.ticket.version, before.ticket.version,
        "a refused move leaves the version alone"
    );
    assert_eq!(after.ticket.status, "backlog");
    assert_eq!(
        after.history.len(),
        before.history.len(),
        "a refused move writes no history"
    );

    // A ticket that became blocked after it moved on may still move back.
    store
        .change_status(ACTOR, &infra.id, "building", None, None)
        .await
        .expect("infra starts");
    let late = create(&store, new_ticket(&wf.id, "Late discovery")).await;
    store
        .change_status(ACTOR, &late.id, "testing", None, None)
        .await
        .expect("late moves to testing");
    store
        .add_blocker(ACTOR, &late.id, &infra.id)
        .await
        .expect("infra blocks late");
    assert!(get(&store, &late.id).await.ticket.is_blocked);
    let back = store
        .change_status(ACTOR, &late.id, "building", None, None)
        .await
        .expect("moving back is allowed");
    assert_eq!(back.ticket.status, "building");
    let err = expect_code(
        store.change_status(ACTOR, &late.id, "building-done", None, None).await,
        "ticket_blocked",
        "forward again",
    );
    let DomainError::TicketBlocked { blockers, .. } = err else {
        panic!("not TicketBlocked")
    };
    assert_eq!(blockers.len(), 1);
    assert_eq!(
        blockers[0].status, "building",
        "the blocker's current status is reported"
    );
    store
        .change_status(ACTOR, &late.id, "backlog", None, None)
        .await
        .expect("all the way back");

    // Once the blocker resolves, the move goes through.
    store.resolve(ACTOR, &infra.id, None).await.expect("resolve infra");
    store
        .change_status(ACTOR, &db.id, "building", None, None)
        .await
        .expect("db may start now");
}

// ---------------------------------------------------------------- 6. cycles and bad edges

pub async fn cycles_and_bad_edges_are_refused<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let a = create(&store, new_ticket(&wf.id, "A")).await.id;
    let b = create(&store, blocked_by(new_ticket(&wf.id, "B"), &[&a])).await.id;
    let c = create(&store, blocked_by(new_ticket(&wf.id, "C"), &[&b])).await.id;
    let edges = |pairs: &[(&str, &str)]| -> BTreeSet<(String, String)> {
        pairs.iter().map(|(x, y)| (x.to_string(), y.to_string())).collect()
    };
    let graph_edges = || async {
        let graph = store.workflow_graph(&wf.id, true).await.expect("workflow_graph");
        graph.edges.into_iter().map(|e| (e.from, e.to)).collect::<BTreeSet<_>>()
    };
    let a_before = get(&store, &a).await.ticket;

    let err = expect_code(store.add_blocker(ACTOR, &a, &c).await, "dependency_cycle", "c blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![c.clone(), a.clone(), b.clone(), c.clone()]
        }
    );
    let err = expect_code(store.add_blocker(ACTOR, &a, &b).await, "dependency_cycle", "b blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![b.clone(), a.clone(), b.clone()]
        }
    );

    let err = expect_code(store.add_blocker(ACTOR, &a, &a).await, "self_block", "a blocks a");
    assert_eq!(err, DomainError::SelfBlock { ticket_id: a.clone() });

    let other = create_seed_workflow(&store, "Other").await;
    let x = create(&store, new_ticket(&other.id, "X")).await.id;
    expect_code(
        store.add_blocker(ACTOR, &x, &a).await,
        "cross_workflow_edge",
        "a blocks x",
    );
    expect_code(
        store.add_blocker(ACTOR, &a, &x).await,
        "cross_workflow_edge",
        "x blocks a",
    );
    expect_code(
        store
            .create_ticket(ACTOR, blocked_by(new_ticket(&other.id, "Y"), &[&a]))
            .await,
        "cross_workflow_edge",
        "create in another workflow blocked by a",
    );
    assert_eq!(
        all_tickets(&store, in_workflow(&other.id)).await.len(),
        1,
        "the refused ticket was not created"
    );

    expect_code(
        store.remove_blocker(ACTOR, &a, &c).await,
        "edge_not_found",
        "c does not block a",
    );

    assert_eq!(
        graph_edges().await,
        edges(&[(&a, &b), (&b, &c)]),
        "refusals leave the edges alone"
    );
    assert_eq!(
        get(&store, &a).await.ticket,
        a_before,
        "refusals leave the ticket alone"
    );
    assert!(get(&store, &x).await.blocked_by.is_empty());

    // Adding an existing edge is a no-op.
    let b_before = get(&store, &b).await.ticket;
    let blockers = store.add_blocker(ACTOR, &b, &a).await.expect("re-adding an edge");
    assert_eq!(
        blockers.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![a.clone()]
    );
    assert_eq!(
        get(&store, &b).await.ticket.version,
        b_before.version,
        "re-adding an edge changes nothing"
    );

    // A longer cycle, then removing an edge makes the reverse edge legal.
    let d = create(&store, blocked_by(new_ticket(&wf.id, "D"), &[&c])).await.id;
    let err = expect_code(store.add_blocker(ACTOR, &a, &d).await, "dependency_cycle", "d blocks a");
    assert_eq!(
        err,
        DomainError::DependencyCycle {
            path: vec![d.clone(), a.clone(), b.clone(), c.clone(), d.clone()]
        }
    );
    let left = store.remove_blocker(ACTOR, &c, &b).await.expect("remove b -> c");
    assert!(left.is_empty(), "c has no blockers left: {left:?}");
    assert!(!get(&store, &c).await.ticket.is_blocked, "c is no longer blocked");
    let blockers = store.add_blocker(ACTOR, &a, &c).await.expect("c may block a now");
    assert_eq!(
        blockers.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![c.clone()]
    );
    assert!(get(&store, &a).await.ticket.is_blocked);
    assert_eq!(graph_edges().await, edges(&[(&a, &b), (&c, &a), (&c, &d)]));
}

// ---------------------------------------------------------------- 7. resolution

pub async fn resolution_semantics<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;

    // Moving into the done column is resolving.
    let change = store
        .change_status(ACTOR, &infra, "done", Some("Deployed".into()), None)
        .await
        .expect("move infra to done");
    assert!(change.ticket.is_resolved, "moving into done resolves");
    assert!(change.ticket.resolved_at.is_some() && change.ticket.completed_at.is_some());
    assert_eq!(change.unblocked_ticket_ids, vec![db.clone()]);
    assert!(change.reblocked_ticket_ids.is_empty());
    assert_eq!(last_action(&get(&store, &infra).await), "resolved");

    let db_detail = get(&store, &db).await;
    assert!(!db_detail.ticket.is_blocked);
    assert_eq!(
        db_detail.ticket.blocked_by_ticket_ids,
        vec![infra.clone()],
        "edges are kept after resolve"
    );
    assert_eq!(
        db_detail.blocked_by,
        vec![TicketRef {
            id: infra.clone(),
            title: "Infrastructure".into(),
            status: "done".into(),
            is_resolved: true
        }],
        "get_ticket shows the blocker resolved"
    );
    assert_eq!(
        get(&store, &infra)
            .await
            .blocks
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
        vec![db.clone()]
    );
    assert!(
        db_detail.history.iter().any(|h| h.action == "unblocked"),
        "the dependent's history records the unblock"
    );

    let err = expect_code(
        store.resolve(ACTOR, &infra, None).await,
        "already_resolved",
        "resolve twice",
    );
    assert_eq!(
        err,
        DomainError::AlreadyResolved {
            ticket_id: infra.clone()
        }
    );

    // Moving out of done reopens and blocks the dependents again.
    let change = store
        .change_status(ACTOR, &infra, "testing", Some("Regression found".into()), None)
        .await
        .expect("reopen infra");
    assert!(!change.ticket.is_resolved, "moving out of done reopens");
    assert_eq!(change.ticket.resolved_at, None);
    assert_eq!(change.ticket.status, "testing");
    assert_eq!(change.reblocked_ticket_ids, vec![db.clone()]);
    assert!(change.unblocked_ticket_ids.is_empty());
    assert_eq!(last_action(&get(&store, &infra).await), "reopened");
    let db_detail = get(&store, &db).await;
    assert!(db_detail.ticket.is_blocked, "the dependent is blocked again");
    assert_eq!(last_action(&db_detail), "blocked");
    assert!(!ready_ids(&store, &wf.id, None).await.contains(&db));

    // resolve() moves to the first done status.
    let change = store
        .resolve(ACTOR, &infra, Some("Fixed".into()))
        .await
        .expect("resolve infra again");
    assert_eq!(change.ticket.status, "done");
    assert_eq!(change.unblocked_ticket_ids, vec![db.clone()]);

    let change = store.resolve(ACTOR, &db, None).await.expect("resolve db");
    assert_eq!(change.unblocked_ticket_ids, vec![api.clone()]);

    // Reopening infra does not list the resolved db as re-blocked, and
    // api (blocked by db only) is untouched.
    let change = store
        .change_status(ACTOR, &infra, "backlog", None, None)
        .await
        .expect("reopen infra again");
    assert!(
        change.reblocked_ticket_ids.is_empty(),
        "resolved dependents are not reported: {change:?}"
    );
    let db_ticket = get(&store, &db).await.ticket;
    assert!(
        db_ticket.is_resolved,
        "reopening a blocker does not reopen its dependents"
    );
    assert!(
        db_ticket.is_blocked,
        "a ticket is blocked while any blocker is unresolved"
    );
    assert!(
        !get(&store, &api).await.ticket.is_blocked,
        "api's blocker (db) is still resolved"
    );
}

// ---------------------------------------------------------------- 8. transitions and WIP

pub async fn transitions_and_wip_limits<S: Store>(store: S) {
    let column = |id: &str, wip_limit: Option<u32>| Column {
        id: id.into(),
        name: id.to_uppercase(),
        wip_limit,
    };
    let targets = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let board = BoardConfig {
        columns: vec![
            column("backlog", None),
            column("building", Some(1)),
            column("review", None),
            column("done", None),
        ],
        ticket_types: vec!["component".into()],
        initial_status: "backlog".into(),
        transitions: Some(BTreeMap::from([
            ("backlog".to_string(), targets(&["building"])),
            ("building".to_string(), targets(&["review", "backlog"])),
            ("review".to_string(), targets(&["done", "building"])),
            ("done".to_string(), targets(&["review"])),
        ])),
        done_statuses: None,
        claim_status: None,
        duplicate_policy: Default::default(),
    };
    let wf = store
        .create_workflow(
            ACTOR,
            NewWorkflow {
                id: None,
                name: "Strict".into(),
                board_config: board,
                phases: vec![],
                guardian: Default::default(),
            },
        )
        .await
        .expect("create strict workflow");
    let t1 = create(&store, new_ticket(&wf.id, "One")).await.id;
    let t2 = create(&store, new_ticket(&wf.id, "Two")).await.id;
    let t3 = create(&store, new_ticket(&wf.id, "Three")).await.id;

    let err = expect_code(
        store.change_status(ACTOR, &t1, "review", None, None).await,
        "transition_not_allowed",
        "backlog -> review",
    );
    assert_eq!(
        err,
        DomainError::TransitionNotAllowed {
            from: "backlog".into(),
            to: "review".into(),
            allowed: targets(&["building"])
        }
    );
    assert!(err.to_string().contains("may move to: building"), "{err}");
    expect_code(
        store.resolve(ACTOR, &t1, None).await,
        "transition_not_allowed",
        "resolve straight from backlog",
    );

    store
        .change_status(ACTOR, &t1, "building", None, None)
        .await
        .expect("t1 -> building");
    let t2_before = get(&store, &t2).await.ticket;
    let err = expect_code(
        store.change_status(ACTOR, &t2, "building", None, None).await,
        "wip_limit_reached",
        "building is full",
    );
    assert_eq!(
        err,
        DomainError::WipLimitReached {
            status: "building".into(),
            limit: 1,
            current: 1
        }
    );
    let claim = ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: "agent-1".into(),
        ..ClaimRequest::default()
    };
    expect_code(
        store.claim(claim.clone()).await,
        "wip_limit_reached",
        "claiming into a full column",
    );
    assert_eq!(
        get(&store, &t2).await.ticket,
        t2_before,
        "refused moves leave the ticket alone"
    );
    assert!(
        get(&store, &t3).await.ticket.assigned_agent_id.is_none(),
        "a refused claim assigns nobody"
    );

    store
        .change_status(ACTOR, &t1, "review", None, None)
        .await
        .expect("t1 -> review");
    store
        .change_status(ACTOR, &t2, "building", None, None)
        .await
        .expect("t2 -> building once there is room");
    let change = store.resolve(ACTOR, &t1, None).await.expect("review -> done");
    assert_eq!(change.ticket.status, "done");

    let err = expect_code(
        store.change_status(ACTOR, &t1, "backlog", None, None).await,
        "transition_not_allowed",
        "done -> backlog",
    );
    assert_eq!(
        err,
        DomainError::TransitionNotAllowed {
            from: "done".into(),
            to: "backlog".into(),
            allowed: targets(&["review"])
        }
    );

    let err = expect_code(
        store.change_status(ACTOR, &t3, "qa", None, None).await,
        "unknown_status",
        "unknown column",
    );
    assert!(err.to_string().contains("backlog, building, review, done"), "{err}");
}

// ---------------------------------------------------------------- 9. optimistic concurrency

pub async fn update_with_expected_version<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;

    let patch = TicketPatch {
        title: Some("Auth system".into()),
        priority: Some(Priority::High),
        ..Default::default()
    };
    let v2 = store
        .update_ticket("agent-1", &t, patch, Some(1))
        .await
        .expect("update at the current version");
    assert_eq!(v2.version, 2, "a landed write increments the version");
    assert_eq!(v2.title, "Auth system");
    assert_eq!(v2.priority, Priority::High);

    let stale = TicketPatch {
        description: Some("lost?".into()),
        ..Default::default()
    };
    let err = expect_code(
        store.update_ticket("agent-2", &t, stale, Some(1)).await,
        "stale_version",
        "stale write",
    );
    assert_eq!(
        err,
        DomainError::StaleVersion {
            ticket_id: t.clone(),
            expected: 1,
            actual: 2
        }
    );
    assert_eq!(
        get(&store, &t).await.ticket.description,
        "",
        "a stale write does not land"
    );

    let tags = TicketPatch {
        tags: Some(vec!["auth".into(), "jwt".into()]),
        ..Default::default()
    };
    let v3 = store
        .update_ticket("agent-1", &t, tags, Some(2))
        .await
        .expect("update v2");
    assert_eq!(
        (v3.version, v3.tags.clone()),
        (3, vec!["auth".to_string(), "jwt".to_string()])
    );
    let assign = TicketPatch {
        assigned_agent_id: Some(Some("agent-7".into())),
        ..Default::default()
    };
    let v4 = store
        .update_ticket("agent-1", &t, assign, None)
        .await
        .expect("update without a version");
    assert_eq!((v4.version, v4.assigned_agent_id.as_deref()), (4, Some("agent-7")));
    let unassign = TicketPatch {
        assigned_agent_id: Some(None),
        ..Default::default()
    };
    let v5 = store
        .update_ticket("agent-1", &t, unassign, None)
        .await
        .expect("unassign");
    assert_eq!((v5.version, v5.assigned_agent_id.as_deref()), (5, None));

    for (patch, code, what) in [
        (TicketPatch::default(), "validation_failed", "empty patch"),
        (
            TicketPatch {
                title: Some("   ".into()),
                ..Default::default()
            },
            "validation_failed",
            "empty title",
        ),
        (
            TicketPatch {
                ticket_type: Some("epic".into()),
                ..Default::default()
            },
            "unknown_ticket_type",
            "bad type",
        ),
        (
            TicketPatch {
                tags: Some(vec!["a,b".into()]),
                ..Default::default()
            },
            "validation_failed",
            "bad tag",
        ),
        (
            TicketPatch {
                assigned_agent_id: Some(Some("  ".into())),
                ..Default::default()
            },
            "validation_failed",
            "empty agent",
        ),
    ] {
        expect_code(store.update_ticket("agent-1", &t, patch, Some(5)).await, code, what);
    }
    assert_eq!(get(&store, &t).await.ticket, v5, "refused patches change nothing");

    expect_code(
        store.change_status("agent-1", &t, "building", None, Some(3)).await,
        "stale_version",
        "stale status change",
    );
    let moved = store
        .change_status("agent-1", &t, "building", None, Some(5))
        .await
        .expect("current status change");
    assert_eq!(moved.ticket.version, 6);

    let detail = get(&store, &t).await;
    assert_eq!(
        detail.history.iter().filter(|h| h.action == "updated").count(),
        4,
        "one history row per landed write"
    );
    expect_code(
        store
            .update_ticket(
                "agent-1",
                "ticket-nope",
                TicketPatch {
                    title: Some("x".into()),
                    ..Default::default()
                },
                None,
            )
            .await,
        "ticket_not_found",
        "update unknown ticket",
    );
}

// ---------------------------------------------------------------- 10. listing

pub async fn list_filters<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let other = create_seed_workflow(&store, "Other").await;
    let t1 = create(
        &store,
        NewTicket {
            tags: vec!["backend".into()],
            ..with_priority(new_ticket(&wf.id, "Infra"), Priority::Low)
        },
    )
    .await
    .id;
    let mut bug = blocked_by(with_priority(new_ticket(&wf.id, "Login bug"), Priority::High), &[&t1]);
    bug.ticket_type = "bug".into();
    bug.tags = vec!["frontend".into()];
    let t2 = create(&store, bug).await.id;
    let mut feature = new_ticket(&wf.id, "Dark mode");
    feature.ticket_type = "feature".into();
    feature.assigned_agent_id = Some("agent-a".into());
    let t3 = create(&store, feature).await.id;
    let t4 = create(
        &store,
        NewTicket {
            tags: vec!["backend".into(), "urgent".into()],
            ..with_priority(new_ticket(&wf.id, "Database"), Priority::Critical)
        },
    )
    .await
    .id;
    store
        .change_status(ACTOR, &t4, "building", None, None)
        .await
        .expect("t4 -> building");
    store.resolve(ACTOR, &t3, None).await.expect("resolve t3");
    create(&store, new_ticket(&other.id, "Elsewhere")).await;

    let base = in_workflow(&wf.id);
    let cases: Vec<(&str, TicketFilter, Vec<&String>)> = vec![
        ("no filter", base.clone(), vec![&t1, &t2, &t3, &t4]),
        (
            "status backlog",
            TicketFilter {
                status: Some("backlog".into()),
                ..base.clone()
            },
            vec![&t1, &t2],
        ),
        (
            "status building",
            TicketFilter {
                status: Some("building".into()),
                ..base.clone()
            },
            vec![&t4],
        ),
        (
            "status done",
            TicketFilter {
                status: Some("done".into()),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "type bug",
            TicketFilter {
                ticket_type: Some("bug".into()),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "type component",
            TicketFilter {
                ticket_type: Some("component".into()),
                ..base.clone()
            },
            vec![&t1, &t4],
        ),
        (
            "priority high",
            TicketFilter {
                priority: Some(Priority::High),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "priority medium",
            TicketFilter {
                priority: Some(Priority::Medium),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "assigned",
            TicketFilter {
                assigned_agent_id: Some("agent-a".into()),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "assigned nobody",
            TicketFilter {
                assigned_agent_id: Some("agent-z".into()),
                ..base.clone()
            },
            vec![],
        ),
        (
            "blocked",
            TicketFilter {
                blocked: Some(true),
                ..base.clone()
            },
            vec![&t2],
        ),
        (
            "not blocked",
            TicketFilter {
                blocked: Some(false),
                ..base.clone()
            },
            vec![&t1, &t3, &t4],
        ),
        (
            "resolved",
            TicketFilter {
                resolved: Some(true),
                ..base.clone()
            },
            vec![&t3],
        ),
        (
            "unresolved",
            TicketFilter {
                resolved: Some(false),
                ..base.clone()
            },
            vec![&t1, &t2, &t4],
        ),
        (
            "tag backend",
            TicketFilter {
                tag: Some("backend".into()),
                ..base.clone()
            },
            vec![&t1, &t4],
        ),
        (
            "tag urgent",
            TicketFilter {
                tag: Some("urgent".into()),
                ..base.clone()
            },
            vec![&t4],
        ),
        (
            "tag unknown",
            TicketFilter {
                tag: Some("nope".into()),
                ..base.clone()
            },
            vec![],
        ),
        (
            "tag backend + backlog",
            TicketFilter {
                tag: Some("backend".into()),
                status: Some("backlog".into()),
                ..base.clone()
            },
            vec![&t1],
        ),
    ];
    for (what, filter, expected) in cases {
        let got = all_tickets(&store, filter).await;
        assert_eq!(ids_of(&got), set(expected), "filter {what}");
    }
    assert_eq!(
        all_tickets(&store, TicketFilter::default()).await.len(),
        5,
        "no filter lists every workflow"
    );
    assert_eq!(all_tickets(&store, in_workflow(&other.id)).await.len(), 1);

    let bad_status = TicketFilter {
        status: Some("qa".into()),
        ..base.clone()
    };
    expect_code(
        store.list_tickets(bad_status, None, None).await,
        "unknown_status",
        "filter by unknown status",
    );
    expect_code(
        store.list_tickets(in_workflow("wf-missing"), None, None).await,
        "workflow_not_found",
        "filter by unknown workflow",
    );
}

pub async fn list_pagination<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let mut created = Vec::new();
    for i in 0..7 {
        let mut t = new_ticket(&wf.id, &format!("Ticket {i}"));
        if i == 3 {
            t.ticket_type = "bug".into();
        }
        created.push(create(&store, t).await.id);
    }
    let filter = in_workflow(&wf.id);
    let mut seen: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor = None;
    for page_no in 0.. {
        assert!(page_no < 10, "pagination does not end");
        let page = store
            .list_tickets(filter.clone(), Some(3), cursor)
            .await
            .expect("list page");
        sizes.push(page.tickets.len());
        seen.extend(page.tickets.into_iter().map(|t| t.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![3, 3, 1], "7 tickets in pages of 3");
    assert_eq!(seen.len(), set(&seen).len(), "no ticket appears twice: {seen:?}");
    assert_eq!(set(&seen), set(&created), "every ticket appears");
    let whole: Vec<String> = store
        .list_tickets(filter.clone(), Some(500), None)
        .await
        .expect("one page")
        .tickets
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(seen, whole, "pages follow the same order as one big page");

    // Exactly two full pages: the second says it is the last.
    let components = TicketFilter {
        ticket_type: Some("component".into()),
        ..filter.clone()
    };
    let first = store
        .list_tickets(components.clone(), Some(3), None)
        .await
        .expect("page 1");
    assert_eq!(first.tickets.len(), 3);
    let second = store
        .list_tickets(components, Some(3), first.next_cursor.clone())
        .await
        .expect("page 2");
    assert_eq!(second.tickets.len(), 3);
    assert_eq!(second.next_cursor, None, "a page that ends the list has no next_cursor");
    assert!(
        second.tickets.iter().all(|t| t.ticket_type == "component"),
        "filters hold across pages"
    );

    expect_code(
        store
            .list_tickets(filter.clone(), Some(3), Some("garbage".into()))
            .await,
        "validation_failed",
        "bad cursor",
    );
    expect_code(
        store.list_tickets(filter.clone(), Some(0), None).await,
        "validation_failed",
        "limit 0",
    );
    expect_code(
        store.list_tickets(filter, Some(501), None).await,
        "validation_failed",
        "limit over the maximum",
    );
}

// ---------------------------------------------------------------- 11. ready ordering

pub async fn ready_ordering<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let tick = || tokio::time::sleep(Duration::from_millis(3));
    let make = |title: &'static str, priority: Priority, blockers: Vec<String>, agent: Option<&str>| {
        let mut t = blocked_by(with_priority(new_ticket(&wf.id, title), priority), &[]);
        t.blocked_by_ticket_ids = blockers;
        t.assigned_agent_id = agent.map(str::to_string);
        let store = store.clone();
        async move {
            store
                .create_ticket(ACTOR, t)
                .await
                .unwrap_or_else(|e| panic!("create {title}: {e}"))
                .id
        }
    };
    let low_hub = make("low hub", Priority::Low, vec![], None).await;
    tick().await;
    let _low_child = make("low child", Priority::Medium, vec![low_hub.clone()], None).await;
    tick().await;
    let high_old = make("high old", Priority::High, vec![], None).await;
    tick().await;
    let medium_old = make("medium old", Priority::Medium, vec![], None).await;
    tick().await;
    let high_hub = make("high hub", Priority::High, vec![], None).await;
    tick().await;
    let child = make("child", Priority::Medium, vec![high_hub.clone()], None).await;
    tick().await;
    let _grandchild = make("grandchild", Priority::Medium, vec![child.clone()], None).await;
    tick().await;
    let high_new = make("high new", Priority::High, vec![], None).await;
    tick().await;
    let theirs = make("theirs", Priority::Medium, vec![], Some("other-agent")).await;
    tick().await;
    let mine = make("mine", Priority::Medium, vec![], Some("me")).await;
    tick().await;
    let critical_moved = make("critical but started", Priority::Critical, vec![], None).await;
    store
        .change_status(ACTOR, &critical_moved, "building", None, None)
        .await
        .expect("start the critical one");

    let ready = store.ready(&wf.id, Some("me"), 500).await.expect("ready for me");
    let got: Vec<(String, u64)> = ready.iter().map(|r| (r.ticket.id.clone(), r.unblocks_count)).collect();
    let expected: Vec<(String, u64)> = vec![
        (high_hub.clone(), 2), // high; unblocks child and grandchild (transitively)
        (high_old.clone(), 0), // high; older than high_new
        (high_new.clone(), 0),
        (medium_old.clone(), 0), // medium; older than mine
        (mine.clone(), 0),       // assigned to the asking agent
        (low_hub.clone(), 1),    // unblocks one, but priority comes first
    ];
    assert_eq!(got, expected, "ready order: priority, then unblocks_count, then age");

    let id_list = |pairs: &[(String, u64)]| pairs.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    let without_mine: Vec<String> = id_list(&expected).into_iter().filter(|id| *id != mine).collect();
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        without_mine,
        "anonymous: assigned tickets are excluded"
    );
    let for_other = ready_ids(&store, &wf.id, Some("other-agent")).await;
    assert!(
        for_other.contains(&theirs) && !for_other.contains(&mine),
        "other-agent sees its own ticket only"
    );

    let top2 = ready_ids_limited(&store, &wf.id, Some("me"), 2).await;
    assert_eq!(top2, vec![high_hub.clone(), high_old.clone()], "limit keeps the best");

    // Resolving the child drops the hub's count to what is still unresolved.
    store
        .change_status(ACTOR, &child, "building", None, None)
        .await
        .expect_err("child is blocked");
    store.resolve(ACTOR, &high_hub, None).await.expect("resolve hub");
    store.resolve(ACTOR, &child, None).await.expect("resolve child");
    let ready = store
        .ready(&wf.id, Some("me"), 500)
        .await
        .expect("ready after resolves");
    assert!(
        !ready.iter().any(|r| r.ticket.id == high_hub || r.ticket.id == child),
        "resolved tickets are not ready"
    );
    assert!(ready
        .iter()
        .all(|r| !r.ticket.is_blocked && !r.ticket.is_resolved && r.ticket.status == "backlog"));
}

async fn ready_ids_limited<S: Store>(store: &S, workflow_id: &str, agent: Option<&str>, limit: u32) -> Vec<String> {
    store
        .ready(workflow_id, agent, limit)
        .await
        .expect("ready")
        .into_iter()
        .map(|r| r.ticket.id)
        .collect()
}

// ---------------------------------------------------------------- 12. claims and leases

pub async fn claim_next_and_named<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let top = create(
        &store,
        with_priority(new_ticket(&wf.id, "Infrastructure"), Priority::High),
    )
    .await
    .id;
    let low = create(&store, with_priority(new_ticket(&wf.id, "Docs"), Priority::Low))
        .await
        .id;
    let blocked = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&top]))
        .await
        .id;
    let request = |agent: &str, ticket: Option<&str>| ClaimRequest {
        workflow_id: wf.id.clone(),
        agent_id: agent.to_string(),
        ticket_id: ticket.map(str::to_string),
        lease: None,
    };

    let before = Utc::now();
    let claimed = store.claim(request("agent-1", None)).await.expect("claim next");
    let after = Utc::now();
    assert_eq!(claimed.id, top, "claim next hands out the top ready ticket");
    assert_eq!(claimed.assigned_agent_id.as_deref(), Some("agent-1"));
    assert_eq!(claimed.status, "building", "a claimed ticket moves to the claim column");
    assert_eq!(claimed.version, 2);
    assert!(claimed.started_at.is_some());
    let lease = claimed.lease_expires_at.expect("a claim sets lease_expires_at");
    let default = chrono::Duration::from_std(crate::DEFAULT_LEASE).expect("lease fits");
    assert!(
        lease >= before + default - chrono::Duration::seconds(1)
            && lease <= after + default + chrono::Duration::seconds(1),
        "the default lease runs {default} from the claim, got {lease}"
    );
    let detail = get(&store, &top).await;
    assert_eq!(detail.ticket, claimed);
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.agent_id.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref()
        ),
        ("claimed", "agent-1", Some("backlog"), Some("building"))
    );
    assert!(
        all_events(&store, Some(&wf.id))
            .await
            .iter()
            .any(|e| e.kind == "ticket_claimed" && e.ticket_id.as_deref() == Some(&top)),
        "a claim emits ticket_claimed"
    );
    assert!(
        !ready_ids(&store, &wf.id, None).await.contains(&top),
        "a claimed ticket is no longer ready"
    );

    let err = expect_code(
        store.claim(request("agent-2", Some(&blocked))).await,
        "not_claimable",
        "claim blocked",
    );
    let DomainError::NotClaimable { ticket_id, reason } = err else {
        panic!("not NotClaimable")
    };
    assert_eq!(ticket_id, blocked);
    assert!(reason.contains(&top), "the reason names the blocker: {reason}");
    expect_code(
        store.claim(request("agent-2", Some(&top))).await,
        "not_claimable",
        "claim a claimed ticket",
    );

    // A holder's writes renew the lease; others' writes do not.
    let renew_before = get(&store, &top).await.ticket.lease_expires_at;
    tokio::time::sleep(Duration::from_millis(10)).await;
    store
        .add_comment("agent-9", &top, "Looks good")
        .await
        .expect("comment by another agent");
    assert_eq!(
        get(&store, &top).await.ticket.lease_expires_at,
        renew_before,
        "another agent's write does not renew"
    );
    store
        .add_comment("agent-1", &top, "Progress")
        .await
        .expect("comment by the holder");
    let renewed = get(&store, &top).await.ticket.lease_expires_at;
    assert!(
        renewed > renew_before,
        "the holder's write renews the lease ({renew_before:?} -> {renewed:?})"
    );

    let second = store.claim(request("agent-2", None)).await.expect("claim next again");
    assert_eq!(second.id, low);
    expect_code(
        store.claim(request("agent-3", None)).await,
        "nothing_ready",
        "nothing left",
    );

    let change = store.resolve("agent-1", &top, None).await.expect("holder resolves");
    assert_eq!(change.unblocked_ticket_ids, vec![blocked.clone()]);
    assert_eq!(change.ticket.lease_expires_at, None, "a resolved ticket holds no lease");
    let named = store
        .claim(request("agent-3", Some(&blocked)))
        .await
        .expect("claim the now unblocked ticket");
    assert_eq!(
        (named.id.as_str(), named.assigned_agent_id.as_deref()),
        (blocked.as_str(), Some("agent-3"))
    );

    expect_code(
        store.claim(request("  ", None)).await,
        "validation_failed",
        "empty agent id",
    );
    expect_code(
        store
            .claim(ClaimRequest {
                workflow_id: "wf-missing".into(),
                ..request("agent-1", None)
            })
            .await,
        "workflow_not_found",
        "unknown workflow",
    );
}

pub async fn claim_lease_expiry<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    let claimed = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-1".into(),
            ticket_id: None,
            lease: Some(Duration::ZERO),
        })
        .await
        .expect("claim with a zero lease");
    assert_eq!(claimed.id, t);
    assert!(claimed.lease_expires_at.is_some());

    tokio::time::sleep(Duration::from_millis(50)).await;
    let expired = store.expire_leases().await.expect("expire_leases");
    assert_eq!(expired, vec![t.clone()], "the zero lease ran out");

    let detail = get(&store, &t).await;
    assert_eq!(
        detail.ticket.status, "backlog",
        "an expired claim goes back to the initial column"
    );
    assert_eq!(detail.ticket.assigned_agent_id, None, "an expired claim is unassigned");
    assert_eq!(detail.ticket.lease_expires_at, None);
    assert_eq!(detail.ticket.version, claimed.version + 1);
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref()
        ),
        ("lease_expired", Some("building"), Some("backlog"))
    );
    assert!(
        all_events(&store, Some(&wf.id))
            .await
            .iter()
            .any(|e| e.kind == "ticket_lease_expired" && e.ticket_id.as_deref() == Some(&t)),
        "expiry emits ticket_lease_expired"
    );
    assert!(
        store.expire_leases().await.expect("expire again").is_empty(),
        "nothing expires twice"
    );
    assert_eq!(
        ready_ids(&store, &wf.id, None).await,
        vec![t.clone()],
        "the ticket is ready again"
    );
    let again = store
        .claim(ClaimRequest {
            workflow_id: wf.id.clone(),
            agent_id: "agent-2".into(),
            ..ClaimRequest::default()
        })
        .await
        .expect("someone else claims it");
    assert_eq!(
        (again.id.as_str(), again.assigned_agent_id.as_deref()),
        (t.as_str(), Some("agent-2"))
    );
}

// ---------------------------------------------------------------- 13-14. concurrency

pub async fn concurrent_claims_hand_out_each_ticket_once<S: Store>(store: S) {
    const TICKETS: usize = 200;
    const AGENTS: usize = 32;
    let wf = create_seed_workflow(&store, "Swarm").await;
    let batch: Vec<NewTicket> = (0..TICKETS).map(|i| new_ticket(&wf.id, &format!("Task {i}"))).collect();
    let ids = store
        .import_tickets(ACTOR, &wf.id, batch)
        .await
        .expect("import 200 tickets");
    assert_eq!(ids.len(), TICKETS);

    let mut tasks = Vec::new();
    for i in 0..AGENTS {
        let store = store.clone();
        let workflow_id = wf.id.clone();
        tasks.push(tokio::spawn(async move {
            let agent = format!("agent-{i}");
            let mut got = Vec::new();
            loop {
                let request = ClaimRequest {
                    workflow_id: workflow_id.clone(),
                    agent_id: agent.clone(),
                    ..Default::default()
                };
                match store.claim(request).await {
                    Ok(ticket) => {
                        assert_eq!(
                            ticket.assigned_agent_id.as_deref(),
                            Some(agent.as_str()),
                            "claim returns the holder"
                        );
                        assert_eq!(ticket.status, "building");
                        got.push(ticket.id);
                    }
                    Err(Error::Domain(DomainError::NothingReady { .. })) => break,
                    Err(other) => panic!("{agent}: unexpected claim error: {other}"),
                }
            }
            (agent, got)
        }));
    }
    let mut holder: HashMap<String, String> = HashMap::new();
    let mut total = 0;
    for task in tasks {
        let (agent, got) = task.await.expect("claim task panicked");
        total += got.len();
        for id in got {
            if let Some(previous) = holder.insert(id.clone(), agent.clone()) {
                panic!("{id} was handed to both {previous} and {agent}");
            }
        }
    }
    assert_eq!(total, TICKETS, "every ticket was claimed exactly once");
    assert_eq!(set(holder.keys()), set(&ids));
    for ticket in all_tickets(&store, in_workflow(&wf.id)).await {
        assert_eq!(ticket.status, "building", "{} was claimed", ticket.id);
        assert_eq!(
            ticket.assigned_agent_id.as_ref(),
            holder.get(&ticket.id),
            "{} is held by its claimer",
            ticket.id
        );
        assert_eq!(ticket.version, 2, "{} was written once by its claim", ticket.id);
    }
    assert!(ready_ids(&store, &wf.id, None).await.is_empty());
}

pub async fn concurrent_versioned_updates_lose_nothing<S: Store>(store: S) {
    const WRITERS: usize = 16;
    const ATTEMPTS: usize = 200;
    let wf = create_seed_workflow(&store, "Web app").await;
    let id = create(&store, new_ticket(&wf.id, "Contended")).await.id;

    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let store = store.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut stale = 0;
            for attempt in 0..ATTEMPTS {
                let version = store.get_ticket(&id).await.expect("read").ticket.version;
                let text = format!("writer {i} attempt {attempt}");
                let patch = TicketPatch {
                    description: Some(text.clone()),
                    ..Default::default()
                };
                match store
                    .update_ticket(&format!("writer-{i}"), &id, patch, Some(version))
                    .await
                {
                    Ok(ticket) => {
                        assert_eq!(ticket.version, version + 1, "a landed write moves the version by one");
                        return (Some((ticket.version, text)), stale);
                    }
                    Err(Error::Domain(DomainError::StaleVersion { expected, actual, .. })) => {
                        assert_eq!(expected, version);
                        assert!(actual > version, "stale means someone else moved on");
                        stale += 1;
                    }
                    Err(other) => panic!("writer {i}: unexpected error {other}"),
                }
            }
            (None, stale)
        }));
    }
    let mut landed: Vec<(u64, String)> = Vec::new();
    for task in tasks {
        let (write, _stale) = task.await.expect("writer task panicked");
        landed.extend(write);
    }
    assert!(!landed.is_empty(), "some writes land");
    landed.sort();
    let versions: Vec<u64> = landed.iter().map(|w| w.0).collect();
    let expected: Vec<u64> = (2..2 + landed.len() as u64).collect();
    assert_eq!(versions, expected, "every landed write got its own version");
    let detail = get(&store, &id).await;
    assert_eq!(
        detail.ticket.version,
        1 + landed.len() as u64,
        "final version = 1 + landed writes (none lost)"
    );
    let last = landed.last().map(|w| w.1.clone()).unwrap_or_default();
    assert_eq!(
        detail.ticket.description, last,
        "the last landed write is what is stored"
    );
    assert_eq!(
        detail.history.iter().filter(|h| h.action == "updated").count(),
        landed.len()
    );
}

// ---------------------------------------------------------------- 15. comments

pub async fn comments<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Web app").await;
    let t = create(&store, new_ticket(&wf.id, "Auth")).await.id;
    let text = "Completed token generation, working on validation middleware next";
    let comment = store.add_comment("agent-a", &t, text).await.expect("add comment");
    assert_eq!(
        (
            comment.author.as_str(),
            comment.comment_text.as_str(),
            comment.ticket_id.as_str()
        ),
        ("agent-a", text, t.as_str())
    );

    let detail = get(&store, &t).await;
    assert_eq!(detail.ticket.version, 2, "a comment bumps the version");
    assert_eq!(detail.comments, vec![comment.clone()]);
    let row = detail.history.last().expect("history");
    assert_eq!((row.action.as_str(), row.agent_id.as_str()), ("commented", "agent-a"));

    expect_code(
        store.add_comment("agent-a", &t, "   ").await,
        "validation_failed",
        "empty comment",
    );
    expect_code(
        store.add_comment("agent-a", &t, "").await,
        "validation_failed",
        "empty comment",
    );
    expect_code(
        store.add_comment("agent-a", "ticket-nope", "hi").await,
        "ticket_not_found",
        "unknown ticket",
    );
    let detail = get(&store, &t).await;
    assert_eq!(
        (detail.ticket.version, detail.comments.len()),
        (2, 1),
        "refused comments write nothing"
    );

    let second = store
        .add_comment("agent-b", &t, "Database schema complete.")
        .await
        .expect("second comment");
    assert!(second.id > comment.id);

    store
        .change_status("agent-a", &t, "building", Some("Starting implementation".into()), None)
        .await
        .expect("move with a comment");
    let detail = get(&store, &t).await;
    let texts: Vec<(&str, &str)> = detail
        .comments
        .iter()
        .map(|c| (c.author.as_str(), c.comment_text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("agent-a", text),
            ("agent-b", "Database schema complete."),
            ("agent-a", "Starting implementation")
        ],
        "comments in order, the status-change comment included"
    );
    let row = detail.history.last().expect("history");
    assert_eq!(
        (
            row.action.as_str(),
            row.from_status.as_deref(),
            row.to_status.as_deref(),
            row.comment.as_deref()
        ),
        (
            "status_changed",
            Some("backlog"),
            Some("building"),
            Some("Starting implementation")
        )
    );

    store
        .resolve("agent-c", &t, Some("All tests pass. 12/12.".into()))
        .await
        .expect("resolve with a comment");
    let detail = get(&store, &t).await;
    let last = detail.comments.last().expect("comments");
    assert_eq!(
        (last.author.as_str(), last.comment_text.as_str()),
        ("agent-c", "All tests pass. 12/12.")
    );
    let row = detail.history.last().expect("history");
    assert_eq!(
        (row.action.as_str(), row.comment.as_deref()),
        ("resolved", Some("All tests pass. 12/12."))
    );
}

// ---------------------------------------------------------------- 16. graphs

pub async fn ticket_and_workflow_graphs<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Tree").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await.id;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra]))
        .await
        .id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&db])).await.id;
    let api = create(&store, blocked_by(new_ticket(&wf.id, "API"), &[&db])).await.id;
    let front = create(&store, blocked_by(new_ticket(&wf.id, "Frontend"), &[&auth, &api]))
        .await
        .id;
    let lone = create(&store, new_ticket(&wf.id, "Docs")).await.id;
    let pair = |a: &String, b: &String| (a.clone(), b.clone());
    let all_edges: BTreeSet<(String, String)> = [
        pair(&infra, &db),
        pair(&db, &auth),
        pair(&db, &api),
        pair(&auth, &front),
        pair(&api, &front),
    ]
    .into();

    let graph = store.ticket_graph(&db, None).await.expect("ticket_graph db");
    assert_eq!(
        set(graph.nodes.iter().map(|n| &n.id)),
        set([&infra, &db, &auth, &api, &front]),
        "whole neighbourhood"
    );
    assert!(
        graph.edges.iter().all(|e| e.edge_type == "blocks"),
        "edges are typed 'blocks'"
    );
    let edges: BTreeSet<(String, String)> = graph.edges.iter().map(|e| (e.from.clone(), e.to.clone())).collect();
    assert_eq!(edges, all_edges, "edges run from blocker to blocked");
    let check_critical = |path: &[String], expected_start: &[&String]| {
        assert_eq!(path.len(), expected_start.len() + 2, "critical path length: {path:?}");
        for (i, id) in expected_start.iter().enumerate() {
            assert_eq!(&path[i], *id, "critical path step {i}: {path:?}");
        }
        let middle = &path[expected_start.len()];
        assert!(
            *middle == auth || *middle == api,
            "critical path goes through auth or api: {path:?}"
        );
        assert_eq!(path.last(), Some(&front), "critical path ends at frontend: {path:?}");
    };
    check_critical(&graph.critical_path, &[&infra, &db]);
    let node = |g: &tix_core::ticket::TicketGraph, id: &String| {
        g.nodes
            .iter()
            .find(|n| n.id == *id)
            .cloned()
            .unwrap_or_else(|| panic!("node {id} missing"))
    };
    assert!(!node(&graph, &infra).is_blocked && node(&graph, &db).is_blocked && node(&graph, &front).is_blocked);
    assert_eq!(node(&graph, &db).title, "Database");
    assert_eq!(node(&graph, &db).status, "backlog");

    let near = store
        .ticket_graph(&auth, Some(1))
        .await
        .expect("ticket_graph auth depth 1");
    assert_eq!(
        set(near.nodes.iter().map(|n| &n.id)),
        set([&db, &auth, &front]),
        "depth 1: direct neighbours only"
    );
    let near_edges: BTreeSet<(String, String)> = near.edges.iter().map(|e| (e.from.clone(), e.to.clone())).collect();
    assert_eq!(near_edges, [pair(&db, &auth), pair(&auth, &front)].into());

    let alone = store.ticket_graph(&lone, None).await.expect("ticket_graph lone");
    assert_eq!(set(alone.nodes.iter().map(|n| &n.id)), set([&lone]));
    assert!(alone.edges.is_empty());
    assert_eq!(alone.critical_path, vec![lone.clone()]);

    let whole = store.workflow_graph(&wf.id, true).await.expect("workflow_graph");
    assert_eq!(whole.nodes.len(), 6);
    assert_eq!(
        whole
            .edges
            .iter()
            .map(|e| (e.from.clone(), e.to.clone()))
            .collect::<BTreeSet<_>>(),
        all_edges
    );
    check_critical(&whole.critical_path, &[&infra, &db]);

    store.resolve(ACTOR, &infra, None).await.expect("resolve infra");
    let open = store
        .workflow_graph(&wf.id, false)
        .await
        .expect("workflow_graph without resolved");
    assert!(
        !open.nodes.iter().any(|n| n.id == infra),
        "include_resolved=false drops resolved nodes"
    );
    assert_eq!(open.nodes.len(), 5);
    assert!(
        !open.edges.iter().any(|e| e.from == infra || e.to == infra),
        "and their edges"
    );
    check_critical(&open.critical_path, &[&db]);
    let with_resolved = store
        .workflow_graph(&wf.id, true)
        .await
        .expect("workflow_graph with resolved");
    assert!(node(&with_resolved, &infra).is_resolved);
    assert!(!node(&with_resolved, &db).is_blocked);
    assert!(
        with_resolved.edges.iter().any(|e| e.from == infra && e.to == db),
        "resolved edges are kept"
    );

    expect_code(
        store.ticket_graph("ticket-nope", None).await,
        "ticket_not_found",
        "graph of unknown ticket",
    );
    expect_code(
        store.workflow_graph("wf-missing", true).await,
        "workflow_not_found",
        "graph of unknown workflow",
    );
}

// ---------------------------------------------------------------- 17. events

pub async fn events_in_order_and_filtered<S: Store>(store: S) {
    let one = create_seed_workflow(&store, "One").await;
    let two = create_seed_workflow(&store, "Two").await;
    let t1 = create(&store, new_ticket(&one.id, "Infra")).await.id;
    let t2 = create(&store, new_ticket(&two.id, "Elsewhere")).await.id;
    let t3 = create(&store, blocked_by(new_ticket(&one.id, "Database"), &[&t1]))
        .await
        .id;
    store.resolve(ACTOR, &t1, None).await.expect("resolve t1");
    store
        .change_status(ACTOR, &t2, "building", None, None)
        .await
        .expect("move t2");

    let all = all_events(&store, None).await;
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "events come in id order");
    let in_one = all_events(&store, Some(&one.id)).await;
    let expected: Vec<Event> = all.iter().filter(|e| e.workflow_id == one.id).cloned().collect();
    assert_eq!(
        in_one, expected,
        "filtering by workflow keeps exactly that workflow's events, in order"
    );
    let in_two = all_events(&store, Some(&two.id)).await;
    assert_eq!(in_one.len() + in_two.len(), all.len());

    let kinds = |events: &[Event], ticket: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.ticket_id.as_deref() == Some(ticket))
            .map(|e| e.kind.clone())
            .collect()
    };
    let t1_kinds = kinds(&in_one, &t1);
    assert_eq!(
        t1_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t1_kinds:?}"
    );
    assert!(t1_kinds.iter().any(|k| k == "ticket_resolved"), "{t1_kinds:?}");
    let t3_kinds = kinds(&in_one, &t3);
    assert_eq!(
        t3_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t3_kinds:?}"
    );
    assert!(t3_kinds.iter().any(|k| k == "ticket_unblocked"), "{t3_kinds:?}");
    let t2_kinds = kinds(&in_two, &t2);
    assert_eq!(
        t2_kinds.first().map(String::as_str),
        Some("ticket_created"),
        "{t2_kinds:?}"
    );
    assert!(t2_kinds.iter().any(|k| k == "ticket_moved"), "{t2_kinds:?}");
    assert!(kinds(&in_one, &t2).is_empty() && kinds(&in_two, &t1).is_empty());
    for e in &in_one {
        if e.kind == "ticket_resolved" {
            assert_eq!(e.agent_id, ACTOR);
        }
    }

    assert!(in_one.len() >= 3, "enough events to page: {in_one:?}");
    let after = store
        .events_after(Some(&one.id), in_one[1].id, 1000)
        .await
        .expect("events after the second");
    assert_eq!(after, in_one[2..].to_vec(), "events_after returns only later events");
    let first_two = store.events_after(Some(&one.id), 0, 2).await.expect("first two");
    assert_eq!(first_two, in_one[..2].to_vec(), "limit keeps the oldest");
    let last_id = all.last().map(|e| e.id).unwrap_or(0);
    assert!(store
        .events_after(None, last_id, 100)
        .await
        .expect("after last")
        .is_empty());
}

/// Statistics match the tickets and history that are there (both backends
/// compute them in SQL).
pub async fn stats_count_what_is_there<S: Store + StatsStore>(store: S) {
    let wf = create_seed_workflow(&store, "Stats").await;
    let infra = create(&store, new_ticket(&wf.id, "Infrastructure")).await;
    let db = create(&store, blocked_by(new_ticket(&wf.id, "Database"), &[&infra.id])).await;
    let mut bug = new_ticket(&wf.id, "Login crash");
    bug.ticket_type = "bug".into();
    bug.priority = Some(Priority::Critical);
    let bug = create(&store, bug).await;
    store
        .change_status("agent-a", &infra.id, "building", None, None)
        .await
        .expect("start infra");
    store.resolve("agent-a", &infra.id, None).await.expect("resolve infra");
    store
        .change_status("agent-b", &bug.id, "building", None, None)
        .await
        .expect("start bug");
    let _ = db;

    let stats = store.workflow_stats(&wf.id, 7).await.expect("stats");
    assert_eq!((stats.total, stats.open, stats.resolved), (3, 2, 1));
    let status = |key: &str| stats.by_status.iter().find(|c| c.key == key).map(|c| c.total);
    assert_eq!(stats.by_status[0].key, "backlog", "columns in board order");
    assert_eq!(
        (status("backlog"), status("building"), status("done")),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(stats.by_priority[0].key, "critical");
    assert_eq!(stats.by_priority[0].total, 1);
    assert_eq!(stats.blocked_now.count, 0, "the database unblocked when infra resolved");
    assert_eq!(stats.ready_now, 1, "only the database is ready");
    let today = stats.throughput.last().expect("today");
    assert_eq!((today.created, today.resolved), (3, 1));
    assert_eq!(stats.throughput.len(), 7);
    assert_eq!(stats.lead_time.count, 1);
    assert_eq!(stats.cycle_time.count, 1);
    let flow_today = stats.cumulative_flow.days.last().expect("flow today");
    let at = |s: &str| {
        stats
            .cumulative_flow
            .statuses
            .iter()
            .position(|x| x == s)
            .map(|i| flow_today.counts[i])
    };
    assert_eq!((at("backlog"), at("building"), at("done")), (Some(1), Some(1), Some(1)));
    let agent_a = stats
        .workload
        .iter()
        .find(|w| w.agent_id == "agent-a")
        .expect("agent-a active");
    assert_eq!(agent_a.resolved, 1);
    let err = store.workflow_stats(&wf.id, 0).await.expect_err("days 0 refused");
    assert!(matches!(err, Error::Domain(DomainError::Validation { .. })), "{err:?}");
}

/// Subscribers learn of a committed write without polling.
pub async fn event_feed_wakes_after_a_write<S: Store + EventFeed>(store: S) {
    let wf = create_seed_workflow(&store, "Feed").await;
    let mut feed = store.subscribe_events();
    let before = *feed.borrow_and_update();
    let ticket = create(&store, new_ticket(&wf.id, "Wake me")).await;
    let head = tokio::time::timeout(Duration::from_secs(10), feed.wait_for(|id| *id > before))
        .await
        .expect("woken within 10 s")
        .map(|id| *id)
        .expect("feed open");
    let events = store.events_after(Some(&wf.id), before, 100).await.expect("events");
    assert_eq!(events.last().map(|e| e.id), Some(head));
    assert!(events
        .iter()
        .any(|e| e.kind == "ticket_created" && e.ticket_id.as_deref() == Some(ticket.id.as_str())));
}

/// Imports create many tickets in one transaction; blockers may name stored
/// tickets (also by prefix) or earlier lines; a refused batch writes nothing.
pub async fn import_links_batch_and_stored_tickets<S: Store>(store: S) {
    let wf = create_seed_workflow(&store, "Import").await;
    let stored = create(&store, new_ticket(&wf.id, "Stored")).await;
    let prefix = stored.id[..stored.id.len() - 2].to_string();
    let line = |id: &str, blockers: &[&str]| NewTicket {
        id: Some(id.to_string()),
        blocked_by_ticket_ids: blockers.iter().map(|b| b.to_string()).collect(),
        ..new_ticket(&wf.id, id)
    };
    let ids = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![
                line("ticket-imp-a", &[&prefix]),
                line("ticket-imp-b", &["ticket-imp-a", &stored.id, "ticket-imp-a"]),
                line("ticket-imp-c", &[]),
            ],
        )
        .await
        .expect("import");
    assert_eq!(ids, vec!["ticket-imp-a", "ticket-imp-b", "ticket-imp-c"]);
    let b = store.get_ticket("ticket-imp-b").await.expect("b");
    assert_eq!(
        b.ticket.blocked_by_ticket_ids,
        sorted(vec!["ticket-imp-a".to_string(), stored.id.clone()])
    );
    assert!(b.ticket.is_blocked);
    assert_eq!(b.history[0].action, "created");
    let a = store.get_ticket("ticket-imp-a").await.expect("a");
    assert_eq!(a.ticket.blocked_by_ticket_ids, vec![stored.id.clone()]);
    let change = store.resolve(ACTOR, &stored.id, None).await.expect("resolve stored");
    assert_eq!(change.unblocked_ticket_ids, vec!["ticket-imp-a".to_string()]);

    let before = store
        .list_tickets(
            TicketFilter {
                workflow_id: Some(wf.id.clone()),
                ..Default::default()
            },
            Some(500),
            None,
        )
        .await
        .expect("list")
        .tickets
        .len();
    let later = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![line("ticket-imp-d", &["ticket-imp-e"]), line("ticket-imp-e", &[])],
        )
        .await
        .expect_err("a line may not name a later one");
    assert!(matches!(later, Error::Domain(_)), "{later:?}");
    let taken = store
        .import_tickets(
            ACTOR,
            &wf.id,
            vec![line("ticket-imp-f", &[]), line("ticket-imp-a", &[])],
        )
        .await
        .expect_err("an existing id is refused");
    assert!(
        matches!(taken, Error::Domain(DomainError::TicketExists { .. })),
        "{taken:?}"
    );
    let after = store
        .list_tickets(
            TicketFilter {
                workflow_id: Some(wf.id.clone()),
                ..Default::default()
            },
            Some(500),
            None,
        )
        .await
        .expect("list")
        .tickets
        .len();
    assert_eq!(before, after, "refused imports wrote nothing");
}
