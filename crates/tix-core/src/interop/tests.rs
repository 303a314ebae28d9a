use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::hierarchy::LinkKind;

fn board() -> BoardConfig {
    serde_json::from_value(json!({
        "columns": [{"id": "backlog", "name": "Backlog"}, {"id": "building", "name": "Building"},
                    {"id": "testing", "name": "Testing"}, {"id": "done", "name": "Done"}],
        "ticket_types": ["component", "bug", "feature"],
        "initial_status": "backlog"
    }))
    .expect("board")
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + seconds, 123_456_000)
        .single()
        .expect("time")
}

fn ticket(id: &str, blockers: &[&str], parent: Option<&str>) -> TicketRecord {
    TicketRecord {
        id: id.into(),
        title: format!("Title of {id}"),
        description: String::new(),
        ticket_type: "component".into(),
        status: "backlog".into(),
        priority: Priority::High,
        tags: vec!["a".into()],
        created_by: "planner".into(),
        assigned_agent_id: None,
        created_at: at(0),
        updated_at: at(1),
        started_at: None,
        completed_at: None,
        resolved_at: None,
        is_resolved: false,
        version: 3,
        lease_expires_at: None,
        lease_seconds: None,
        parent_id: parent.map(str::to_string),
        external_ref: None,
        links: Vec::new(),
        blocked_by: blockers
            .iter()
            .map(|b| EdgeRecord {
                blocker_id: b.to_string(),
                created_by: "planner".into(),
                created_at: at(2),
            })
            .collect(),
        comments: vec![CommentRecord {
            author: "a".into(),
            comment_text: "hello\nworld".into(),
            created_at: at(3),
        }],
        history: vec![HistoryRecord {
            agent_id: "planner".into(),
            action: "created".into(),
            from_status: None,
            to_status: Some("backlog".into()),
            comment: None,
            details: json!({ "blocked_by_ticket_ids": blockers }),
            created_at: at(0),
        }],
        tasks: Vec::new(),
        commits: Vec::new(),
        runs: Vec::new(),
    }
}

fn export(tickets: Vec<TicketRecord>) -> WorkflowExport {
    WorkflowExport {
        workflow: WorkflowRecord {
            id: "wf-one".into(),
            name: "One".into(),
            board_config: board(),
            phases: Vec::new(),
            guardian: Default::default(),
            created_at: at(0),
            updated_at: at(0),
        },
        tickets,
    }
}

fn file_of(tickets: Vec<TicketRecord>) -> ExportFile {
    let export = export(tickets);
    parse(&export.render(&export.header(at(99), "test"))).expect("parse")
}

#[test]
fn a_rendered_export_parses_back_to_the_same_records() {
    let export = export(vec![
        ticket("ticket-a", &[], None),
        ticket("ticket-b", &["ticket-a"], Some("ticket-a")),
    ]);
    let header = export.header(at(99), "0.1.0");
    let text = export.render(&header);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with(r#"{"tix_export":1,"#), "{}", lines[0]);
    assert!(
        lines[1].starts_with(r#"{"type":"workflow","id":"wf-one""#),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(r#"{"type":"ticket","id":"ticket-a""#),
        "{}",
        lines[2]
    );
    assert!(is_export_header(lines[0]));
    assert!(!is_export_header(r#"{"title": "x", "ticket_type": "bug"}"#));
    let file = parse(&text).expect("parse");
    assert_eq!(file.header, header);
    assert_eq!(file.workflow.as_ref(), Some(&export.workflow));
    let tickets: Vec<TicketRecord> = file.tickets.iter().map(|t| t.ticket.clone()).collect();
    assert_eq!(tickets, export.tickets);
    assert_eq!(file.tickets[1].line, 4);
    assert_eq!(file.render(), text, "rendering the parsed file gives the same text");
    check(&file, &board()).expect("a consistent file passes");
}

#[test]
fn malformed_files_are_refused_with_the_line() {
    let refused_at = |text: &str| match parse(text) {
        Err(DomainError::ImportRefused { line, reason }) => (line, reason),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(refused_at("").0, 1);
    let export = export(vec![ticket("ticket-a", &[], None)]);
    let text = export.render(&export.header(at(9), "t"));
    let (line, reason) = refused_at(&format!("{text}not json\n"));
    assert_eq!(line, 4, "{reason}");
    let unknown = text.replace(r#""title":"#, r#""titel":"x","title":"#);
    let (line, reason) = refused_at(&unknown);
    assert_eq!(line, 3);
    assert!(reason.contains("titel"), "{reason}");
    let cut: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    let (_, reason) = refused_at(&cut);
    assert!(reason.contains("cut off"), "{reason}");
    let newer = text.replacen(r#""tix_export":1"#, r#""tix_export":2"#, 1);
    assert_eq!(refused_at(&newer).0, 1);
}

#[test]
fn references_cycles_and_board_mismatches_are_refused_with_the_line() {
    let line_of = |file: &ExportFile| match check(file, &board()) {
        Err(DomainError::ImportRefused { line, reason }) => (line, reason),
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Edges may point forward (an edge added after both existed), but not in a circle.
    let file = file_of(vec![
        ticket("ticket-a", &["ticket-c"], None),
        ticket("ticket-b", &["ticket-a"], None),
        ticket("ticket-c", &["ticket-b"], None),
    ]);
    let (line, reason) = line_of(&file);
    assert_eq!(line, 5, "the third ticket's edge closes the cycle: {reason}");
    assert!(reason.contains("cycle"), "{reason}");
    let forward = file_of(vec![
        ticket("ticket-a", &["ticket-b"], None),
        ticket("ticket-b", &[], None),
    ]);
    check(&forward, &board()).expect("a forward edge is fine");

    let (line, reason) = line_of(&file_of(vec![
        ticket("ticket-a", &[], None),
        ticket("ticket-b", &["ticket-zz"], None),
    ]));
    assert_eq!(line, 4);
    assert!(reason.contains("ticket-zz"), "{reason}");
    let (line, reason) = line_of(&file_of(vec![ticket("ticket-a", &[], Some("ticket-nope"))]));
    assert_eq!(line, 3);
    assert!(reason.contains("ticket-nope"), "{reason}");
    let (_, reason) = line_of(&file_of(vec![
        ticket("ticket-a", &[], Some("ticket-b")),
        ticket("ticket-b", &[], Some("ticket-a")),
    ]));
    assert!(reason.contains("loop"), "{reason}");
    let mut wrong = ticket("ticket-a", &[], None);
    wrong.status = "review".into();
    let (_, reason) = line_of(&file_of(vec![wrong]));
    assert!(reason.contains("review"), "{reason}");
    let mut resolved_in_backlog = ticket("ticket-a", &[], None);
    resolved_in_backlog.is_resolved = true;
    let (_, reason) = line_of(&file_of(vec![resolved_in_backlog]));
    assert!(reason.contains("not a done"), "{reason}");
    let (_, reason) = line_of(&file_of(vec![
        ticket("ticket-a", &[], None),
        ticket("ticket-a", &[], None),
    ]));
    assert!(reason.contains("twice"), "{reason}");
}

#[test]
fn remapping_renames_every_reference() {
    let mut file = file_of(vec![
        ticket("ticket-a", &[], None),
        ticket("ticket-b", &["ticket-a"], Some("ticket-a")),
    ]);
    file.tickets[1].ticket.tasks.push(TaskRecord {
        task_id: "task-1".into(),
        phase_id: 2,
        description: "Phase 2: Build - TICKET: ticket-b".into(),
        status: TaskStatus::Queued,
        assigned_agent_id: None,
        created_by: "planner".into(),
        created_at: at(5),
        updated_at: at(5),
        started_at: None,
        completed_at: None,
        note: None,
    });
    file.tickets[1].ticket.links.push(TicketLink {
        kind: LinkKind::Related,
        target: "ticket-a".into(),
    });
    let map = IdMap {
        workflow: Some(("wf-one".into(), "wf-two".into())),
        tickets: [("ticket-a", "ticket-x"), ("ticket-b", "ticket-y")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        tasks: [("task-1".to_string(), "task-9".to_string())].into_iter().collect(),
        runs: Default::default(),
    };
    remap(&mut file, &map);
    let b = &file.tickets[1].ticket;
    assert_eq!(file.header.workflow_id, "wf-two");
    assert_eq!(file.workflow.as_ref().map(|w| w.id.as_str()), Some("wf-two"));
    assert_eq!(b.id, "ticket-y");
    assert_eq!(b.parent_id.as_deref(), Some("ticket-x"));
    assert_eq!(b.blocked_by[0].blocker_id, "ticket-x");
    assert_eq!(b.links[0].target, "ticket-x");
    assert_eq!(b.history[0].details, json!({ "blocked_by_ticket_ids": ["ticket-x"] }));
    assert_eq!(b.tasks[0].task_id, "task-9");
    assert_eq!(b.tasks[0].description, "Phase 2: Build - TICKET: ticket-y");
    check(&file, &board()).expect("still consistent");
}

fn fixture(name: &str) -> String {
    let path = format!("{}/../../examples/import/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn beads_issues_map_onto_the_board() {
    let converted =
        beads::convert_beads(&fixture("beads-issues.jsonl"), &board(), "wf-t", "importer", at(0)).expect("convert");
    let (file, summary) = (&converted.file, &converted.summary);
    check(file, &board()).expect("the converted file is consistent");
    assert_eq!(file.header.source.as_deref(), Some("beads"));
    assert!(file.workflow.is_none());
    assert_eq!(summary.read, 8);
    assert_eq!(summary.imported, 7, "the tombstone is left out");
    let by_ref = |r: &str| {
        file.tickets
            .iter()
            .map(|t| &t.ticket)
            .find(|t| t.external_ref.as_deref() == Some(r))
            .unwrap_or_else(|| panic!("{r} imported"))
    };
    let epic = by_ref("shop-1");
    assert_eq!((epic.status.as_str(), epic.priority), ("backlog", Priority::High));
    assert_eq!(epic.ticket_type, "component", "no epic type on this board");
    let totals = by_ref("shop-1.1");
    assert_eq!(totals.status, "done");
    assert!(totals.is_resolved);
    assert_eq!(totals.priority, Priority::Critical);
    assert_eq!(totals.parent_id.as_deref(), Some("shop-1"));
    assert!(
        totals.description.contains("## Design\n\nUse integer cents"),
        "{}",
        totals.description
    );
    assert_eq!(totals.comments[0].author, "builder-a");
    assert_eq!(
        totals.history.last().map(|h| h.comment.as_deref()),
        Some(Some("Done: 14 tests passing"))
    );
    assert_eq!(
        totals.created_at,
        DateTime::parse_from_rfc3339("2025-11-03T09:05:00Z")
            .expect("t")
            .with_timezone(&Utc)
    );
    let payment = by_ref("shop-1.2");
    assert_eq!(payment.status, "building", "in_progress goes to the claim column");
    assert_eq!(payment.ticket_type, "feature");
    assert_eq!(payment.assigned_agent_id.as_deref(), Some("builder-b"));
    assert_eq!(payment.blocked_by[0].blocker_id, "shop-1.1");
    let email = by_ref("shop-1.3");
    assert_eq!(email.blocked_by.len(), 1, "the missing shop-9 is skipped");
    let flaky = by_ref("shop-2");
    assert_eq!(flaky.tags, vec!["ci", "a b"]);
    assert_eq!((flaky.status.as_str(), flaky.priority), ("backlog", Priority::Low));
    assert!(flaky.description.contains("## Notes"));
    assert_eq!(
        flaky.links,
        vec![
            TicketLink {
                kind: LinkKind::Related,
                target: "shop-3".into()
            },
            TicketLink {
                kind: LinkKind::DiscoveredFrom,
                target: "shop-1.1".into()
            },
        ]
    );
    let docs = by_ref("shop-5");
    assert_eq!(docs.priority, Priority::Medium, "no priority: P2");
    assert_eq!(docs.comments.len(), 2);
    let reasons: Vec<&str> = summary.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|r| r.contains("tombstone")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("not in the file")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("no such relation")), "{reasons:?}");
    assert!(
        summary.mapped.contains_key("status 'in_progress' → 'building'"),
        "{:?}",
        summary.mapped
    );
    assert!(
        summary.mapped.contains_key("status 'deferred' → 'backlog'"),
        "{:?}",
        summary.mapped
    );
    assert_eq!((summary.parents, summary.blocking_edges, summary.links), (3, 3, 2));
}

#[test]
fn github_issues_map_onto_the_board() {
    let converted =
        github::convert_github(&fixture("github-issues.json"), &board(), "wf-t", "importer", at(0)).expect("convert");
    let (file, summary) = (&converted.file, &converted.summary);
    check(file, &board()).expect("consistent");
    let ids: Vec<&str> = file.tickets.iter().map(|t| t.ticket.id.as_str()).collect();
    assert_eq!(ids, vec!["#1", "#2", "#3", "#4"], "oldest first");
    let t = |n: usize| &file.tickets[n].ticket;
    assert_eq!(t(0).status, "done");
    assert_eq!(t(0).external_ref.as_deref(), Some("acme/shop#1"));
    assert_eq!(t(0).assigned_agent_id.as_deref(), Some("octocat"));
    assert_eq!(t(0).comments[0].author, "octocat");
    assert_eq!((t(1).ticket_type.as_str(), t(1).priority), ("bug", Priority::Critical));
    assert_eq!(t(1).blocked_by.len(), 1, "other repositories' issues are not ours");
    assert_eq!(t(2).priority, Priority::High);
    let blockers: Vec<&str> = t(2).blocked_by.iter().map(|e| e.blocker_id.as_str()).collect();
    assert_eq!(blockers, vec!["#1", "#2"]);
    assert!(t(3).blocked_by.is_empty());
    assert!(
        summary.skipped.iter().any(|s| s.item.contains("#99")),
        "{:?}",
        summary.skipped
    );
    assert!(
        summary.skipped.iter().any(|s| s.item.contains("hubot")),
        "{:?}",
        summary.skipped
    );
    assert_eq!(
        github::blockers_in("Depends on: #4, #5\nsee #6\nblocked by x/y#7"),
        vec![4, 5]
    );
}
