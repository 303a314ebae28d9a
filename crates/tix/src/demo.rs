//! The demo workflow: the seed's web-app example, part way through.
//!
//! Phase 1 created the tickets; infrastructure is built, tested and
//! resolved (which unblocked the database schema and the workers); the
//! schema is in testing; authentication waits for it, the API waits for
//! auth, the frontend waits for both. Agents left comments on the way.
//! The shape is the same on every run; only ids and times differ.

use tix_core::board::{BoardConfig, Column};
use tix_core::task::{NewTask, TaskStatus};
use tix_core::ticket::{NewTicket, Priority, TicketPatch};
use tix_core::workflow::{NewWorkflow, Phase, Workflow};
use tix_store::{Result, Store, TaskStore};

pub const DEMO_NAME: &str = "Web app (demo)";

const PLANNER: &str = "agent-phase1";
const BUILDER_A: &str = "agent-phase2-a";
const BUILDER_B: &str = "agent-phase2-b";
const TESTER_A: &str = "agent-phase3-a";
const TESTER_B: &str = "agent-phase3-b";

fn column(id: &str, name: &str) -> Column {
    Column {
        id: id.into(),
        name: name.into(),
        wip_limit: None,
    }
}

fn phase(id: u32, name: &str, description: &str, instructions: &str, columns: &[&str]) -> Phase {
    Phase {
        id,
        name: name.into(),
        description: description.into(),
        instructions: Some(instructions.into()),
        columns: columns.iter().map(|c| c.to_string()).collect(),
    }
}

/// The seed's board and its three phases.
pub fn workflow() -> NewWorkflow {
    NewWorkflow {
        id: None,
        name: DEMO_NAME.into(),
        board_config: BoardConfig {
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
        },
        phases: vec![
            phase(
                1,
                "Plan",
                "Read the requirements, identify the components and create a ticket for each, with its blockers.",
                "Search for existing tickets first (avoid duplicates). Create one ticket per component with \
                 blocked_by_ticket_ids naming what it depends on, then a Phase 2 task per ticket: \
                 \"Phase 2: Build <component> - TICKET: ticket-xxx\".",
                &["backlog"],
            ),
            phase(
                2,
                "Build",
                "Build one component: move its ticket from Backlog to Building, then to Built.",
                "Move your ticket to 'building' with a comment, leave progress comments as you work, move it to \
                 'building-done' when the implementation is complete, then create a Phase 3 testing task.",
                &["backlog", "building", "building-done"],
            ),
            phase(
                3,
                "Test",
                "Test one component: Built to Testing, then resolve it or send it back.",
                "Move your ticket to 'testing' and run the tests. If all pass, resolve it with a comment saying \
                 what was verified; this unblocks its dependents. If tests fail, comment the failures and \
                 create a Phase 2 bug-fix task for the same ticket.",
                &["building-done", "testing", "testing-done", "done"],
            ),
        ],
        guardian: Default::default(),
    }
}

struct Spec<'a> {
    title: &'a str,
    description: &'a str,
    ticket_type: &'a str,
    priority: Priority,
    tags: &'a [&'a str],
    blocked_by: Vec<String>,
}

async fn create<S: Store>(store: &S, workflow_id: &str, spec: Spec<'_>) -> Result<String> {
    let ticket = store
        .create_ticket(
            PLANNER,
            NewTicket {
                workflow_id: workflow_id.into(),
                title: spec.title.into(),
                description: spec.description.into(),
                ticket_type: spec.ticket_type.into(),
                priority: Some(spec.priority),
                tags: spec.tags.iter().map(|t| t.to_string()).collect(),
                blocked_by_ticket_ids: spec.blocked_by,
                assigned_agent_id: None,
                id: None,
                parent_id: None,
            },
        )
        .await?;
    Ok(ticket.id)
}

async fn assign<S: Store>(store: &S, agent: &str, id: &str) -> Result<()> {
    let patch = TicketPatch {
        assigned_agent_id: Some(Some(agent.into())),
        ..TicketPatch::default()
    };
    store.update_ticket(agent, id, patch, None).await?;
    Ok(())
}

async fn step<S: Store>(store: &S, agent: &str, id: &str, status: &str, comment: &str) -> Result<()> {
    store
        .change_status(agent, id, status, Some(comment.into()), None)
        .await?;
    Ok(())
}

/// A task in the spec's format; returns its id.
async fn task<S: TaskStore>(store: &S, agent: &str, phase: u32, what: &str, ticket: &str) -> Result<String> {
    let new = NewTask {
        description: format!("Phase {phase}: {what} - TICKET: {ticket}"),
        phase_id: phase,
        ticket_id: ticket.into(),
        ..NewTask::default()
    };
    Ok(store.create_task(agent, new).await?.task_id)
}

async fn set_task<S: TaskStore>(
    store: &S,
    agent: &str,
    id: &str,
    status: TaskStatus,
    note: Option<&str>,
) -> Result<()> {
    store
        .set_task_status(agent, id, status, note.map(str::to_string))
        .await?;
    Ok(())
}

/// Creates the demo workflow, its tickets and tasks in `store`.
pub async fn seed<S: Store + TaskStore>(store: &S) -> Result<Workflow> {
    let workflow = store.create_workflow(PLANNER, workflow()).await?;
    let wf = workflow.id.as_str();

    // Phase 1: the plan, as tickets with their blockers.
    let infra = create(
        store,
        wf,
        Spec {
            title: "Infrastructure setup",
            description:
                "Repository layout, CI pipeline, Docker Compose for Postgres and Redis, shared config loading.",
            ticket_type: "component",
            priority: Priority::Critical,
            tags: &["infra"],
            blocked_by: vec![],
        },
    )
    .await?;
    let database = create(
        store,
        wf,
        Spec {
            title: "Database Schema",
            description: "Users, sessions and projects tables with migrations; seed data for local development.",
            ticket_type: "component",
            priority: Priority::High,
            tags: &["backend", "database"],
            blocked_by: vec![infra.clone()],
        },
    )
    .await?;
    let auth = create(
        store,
        wf,
        Spec {
            title: "Authentication System",
            description: "Implement JWT auth with login/register/refresh: token generation, validation middleware, \
                          refresh rotation, password hashing.",
            ticket_type: "component",
            priority: Priority::High,
            tags: &["backend", "security"],
            blocked_by: vec![database.clone()],
        },
    )
    .await?;
    let api = create(
        store,
        wf,
        Spec {
            title: "API Endpoints",
            description: "REST endpoints for projects and tasks behind the auth middleware, with an OpenAPI document.",
            ticket_type: "component",
            priority: Priority::Medium,
            tags: &["backend", "api"],
            blocked_by: vec![auth.clone()],
        },
    )
    .await?;
    let workers = create(
        store,
        wf,
        Spec {
            title: "Background Workers",
            description: "Queue consumer for emails and report generation; retries with exponential backoff.",
            ticket_type: "component",
            priority: Priority::Medium,
            tags: &["backend", "workers"],
            blocked_by: vec![infra.clone()],
        },
    )
    .await?;
    let frontend = create(
        store,
        wf,
        Spec {
            title: "Frontend",
            description: "Single-page app: login, dashboard and project pages, talking to the API.",
            ticket_type: "component",
            priority: Priority::Medium,
            tags: &["frontend"],
            blocked_by: vec![auth.clone(), api.clone()],
        },
    )
    .await?;
    create(
        store,
        wf,
        Spec {
            title: "Password reset by email",
            description: "Request a reset link, email it through the workers, set a new password with the token.",
            ticket_type: "feature",
            priority: Priority::Low,
            tags: &["security"],
            blocked_by: vec![auth.clone(), workers.clone()],
        },
    )
    .await?;
    create(
        store,
        wf,
        Spec {
            title: "Redis healthcheck flaps in Docker Compose",
            description: "The compose healthcheck for Redis fails about one start in five, so dependent \
                          services restart. Probably the check runs before Redis accepts connections.",
            ticket_type: "bug",
            priority: Priority::Low,
            tags: &["infra"],
            blocked_by: vec![],
        },
    )
    .await?;

    // Phase 1 also queues a phase-2 task per component (blocked ones wait).
    let mut build = Vec::new();
    for (id, what) in [
        (&infra, "Build the infrastructure"),
        (&database, "Build the database schema"),
        (&auth, "Build Authentication System"),
        (&api, "Build the API endpoints"),
        (&workers, "Build the background workers"),
        (&frontend, "Build the frontend"),
    ] {
        build.push(task(store, PLANNER, 2, what, id).await?);
    }

    // Phase 2 builds the infrastructure, phase 3 tests and resolves it:
    // the schema and the workers unblock (and so do their tasks).
    set_task(store, BUILDER_A, &build[0], TaskStatus::InProgress, None).await?;
    assign(store, BUILDER_A, &infra).await?;
    step(store, BUILDER_A, &infra, "building", "Starting implementation").await?;
    store
        .add_comment(
            BUILDER_A,
            &infra,
            "Repository skeleton and CI pipeline in place; Docker Compose brings up Postgres and Redis.",
        )
        .await?;
    step(
        store,
        BUILDER_A,
        &infra,
        "building-done",
        "Implementation complete. CI green on main, the compose stack boots in 40 s.",
    )
    .await?;
    let test_infra = task(store, BUILDER_A, 3, "Test the infrastructure", &infra).await?;
    set_task(store, BUILDER_A, &build[0], TaskStatus::Done, Some("Built; CI green")).await?;
    set_task(store, TESTER_A, &test_infra, TaskStatus::InProgress, None).await?;
    step(store, TESTER_A, &infra, "testing", "Running smoke tests").await?;
    store
        .resolve(
            TESTER_A,
            &infra,
            Some("All tests pass. Verified: fresh clone builds, compose up, CI on a pull request. 6/6 smoke tests passing.".into()),
        )
        .await?;
    set_task(store, TESTER_A, &test_infra, TaskStatus::Done, Some("6/6 smoke tests")).await?;

    // The schema is built and now in testing; auth waits for it.
    set_task(store, BUILDER_B, &build[1], TaskStatus::InProgress, None).await?;
    assign(store, BUILDER_B, &database).await?;
    step(store, BUILDER_B, &database, "building", "Starting implementation").await?;
    store
        .add_comment(
            BUILDER_B,
            &database,
            "Users and sessions tables done; projects table and indexes next.",
        )
        .await?;
    step(
        store,
        BUILDER_B,
        &database,
        "building-done",
        "Implementation complete. 4 migrations, seed data, 11 test cases added.",
    )
    .await?;
    let test_database = task(store, BUILDER_B, 3, "Test the database schema", &database).await?;
    set_task(
        store,
        BUILDER_B,
        &build[1],
        TaskStatus::Done,
        Some("4 migrations, 11 tests"),
    )
    .await?;
    set_task(store, TESTER_B, &test_database, TaskStatus::InProgress, None).await?;
    assign(store, TESTER_B, &database).await?;
    step(
        store,
        TESTER_B,
        &database,
        "testing",
        "Running migration tests against a fresh Postgres",
    )
    .await?;

    // The comment log on auth, as in the seed.
    store
        .add_comment(
            BUILDER_A,
            &auth,
            "Starting implementation. Setting up JWT library and token generation logic.",
        )
        .await?;
    store
        .add_comment(
            BUILDER_A,
            &auth,
            "Token generation working. Moving on to validation middleware.",
        )
        .await?;
    store
        .add_comment(
            BUILDER_A,
            &auth,
            "Blocked: Need database schema for user table before implementing login. Waiting on Database Schema.",
        )
        .await?;
    store
        .add_comment(
            BUILDER_B,
            &auth,
            "Database schema complete. User table available; it unblocks auth once testing resolves it.",
        )
        .await?;
    store
        .add_comment(
            PLANNER,
            &frontend,
            "Waits for both Authentication System and API Endpoints.",
        )
        .await?;

    Ok(workflow)
}

#[cfg(test)]
mod tests {
    use tix_core::ticket::TicketFilter;
    use tix_store::{GuardianStore, SqliteStore};

    use super::*;

    #[tokio::test]
    async fn the_demo_is_part_way_through() -> Result<()> {
        let store = SqliteStore::open_in_memory()?;
        let workflow = seed(&store).await?;
        assert_eq!(workflow.name, DEMO_NAME);
        assert_eq!(workflow.phases.len(), 3);
        let filter = TicketFilter {
            workflow_id: Some(workflow.id.clone()),
            ..TicketFilter::default()
        };
        let tickets = store.list_tickets(filter, Some(100), None).await?.tickets;
        assert_eq!(tickets.len(), 8);
        let by_title = |title: &str| tickets.iter().find(|t| t.title == title).cloned();
        let infra = by_title("Infrastructure setup").expect("infra");
        assert!(infra.is_resolved);
        assert_eq!(infra.status, "done");
        let database = by_title("Database Schema").expect("database");
        assert_eq!(database.status, "testing");
        assert!(!database.is_blocked);
        for blocked in [
            "Authentication System",
            "API Endpoints",
            "Frontend",
            "Password reset by email",
        ] {
            assert!(
                by_title(blocked).expect(blocked).is_blocked,
                "{blocked} should be blocked"
            );
        }
        let ready: Vec<String> = store
            .ready(&workflow.id, None, 10)
            .await?
            .into_iter()
            .map(|r| r.ticket.title)
            .collect();
        assert_eq!(ready.len(), 2, "{ready:?}");
        assert!(ready.contains(&"Background Workers".to_string()));
        assert!(ready.contains(&"Redis healthcheck flaps in Docker Compose".to_string()));
        let auth = store
            .get_ticket(&by_title("Authentication System").expect("auth").id)
            .await?;
        assert_eq!(auth.comments.len(), 4);
        assert_eq!(auth.tasks.len(), 1);
        assert_eq!(
            auth.tasks[0].status,
            TaskStatus::Blocked,
            "auth's task waits for the schema"
        );
        let workers = store
            .get_ticket(&by_title("Background Workers").expect("workers").id)
            .await?;
        assert_eq!(
            workers.tasks[0].status,
            TaskStatus::Queued,
            "unblocked by the infrastructure"
        );
        let database = store.get_ticket(&database.id).await?;
        let statuses: Vec<TaskStatus> = database.tasks.iter().map(|t| t.status).collect();
        assert_eq!(statuses, vec![TaskStatus::InProgress, TaskStatus::Done]);
        let report = store.guardian_violations(&workflow.id, Default::default()).await?;
        assert!(
            report.is_empty(),
            "the demo's agents follow the conventions: {report:?}"
        );
        Ok(())
    }
}
