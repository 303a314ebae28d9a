//! Property test: after any sequence of creates, blocker edges, resolves,
//! status changes and claims, the store's `ready` list, `is_blocked` flags
//! and edges agree with a brute-force recomputation from the tickets alone.
//!
//! Also checks, before each operation, that the store refuses exactly the
//! operations the rules say it must (a blocked ticket moving forward,
//! resolving twice, claiming something not ready).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use proptest::prelude::*;
use proptest::sample::Index;
use tix_core::board::BoardConfig;
use tix_core::rules::{self, ReadyFacts};
use tix_core::ticket::{NewTicket, Priority, Ticket, TicketFilter};
use tix_core::DomainError;
use tix_store::conformance::{new_ticket, seed_workflow};
use tix_store::{ClaimRequest, Error, SqliteStore, Store};

const AGENTS: [&str; 3] = ["agent-0", "agent-1", "agent-2"];

#[derive(Debug, Clone)]
enum Op {
    /// A new ticket, blocked by some earlier tickets.
    Create {
        blockers: Vec<Index>,
        priority: usize,
    },
    AddBlocker {
        blocked: Index,
        blocker: Index,
    },
    /// Removes one of the ticket's blocking edges, if it has any.
    RemoveBlocker {
        blocked: Index,
        which: Index,
    },
    Resolve(Index),
    Move {
        ticket: Index,
        column: usize,
    },
    /// Claim the next ready ticket, or a named one.
    Claim {
        agent: usize,
        ticket: Option<Index>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (proptest::collection::vec(any::<Index>(), 0..3), 0..Priority::ALL.len())
            .prop_map(|(blockers, priority)| Op::Create { blockers, priority }),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(blocked, blocker)| Op::AddBlocker { blocked, blocker }),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(blocked, which)| Op::RemoveBlocker { blocked, which }),
        2 => any::<Index>().prop_map(Op::Resolve),
        2 => (any::<Index>(), 0usize..6).prop_map(|(ticket, column)| Op::Move { ticket, column }),
        2 => (0..AGENTS.len(), proptest::option::of(any::<Index>()))
            .prop_map(|(agent, ticket)| Op::Claim { agent, ticket }),
    ]
}

/// Every ticket of the workflow, by id.
async fn snapshot(store: &SqliteStore, workflow_id: &str) -> BTreeMap<String, Ticket> {
    let filter = TicketFilter {
        workflow_id: Some(workflow_id.to_string()),
        ..TicketFilter::default()
    };
    let page = store.list_tickets(filter, Some(500), None).await.expect("list_tickets");
    assert!(page.next_cursor.is_none(), "fewer than 500 tickets");
    page.tickets.into_iter().map(|t| (t.id.clone(), t)).collect()
}

/// Brute force: blocked iff any blocker is unresolved.
fn blocked(tickets: &BTreeMap<String, Ticket>, ticket: &Ticket) -> bool {
    ticket.blocked_by_ticket_ids.iter().any(|b| !tickets[b].is_resolved)
}

fn ready_brute(board: &BoardConfig, tickets: &BTreeMap<String, Ticket>, agent: Option<&str>) -> Vec<String> {
    tickets
        .values()
        .filter(|t| {
            let facts = ReadyFacts {
                status: &t.status,
                is_resolved: t.is_resolved,
                is_blocked: blocked(tickets, t),
                assigned_agent_id: t.assigned_agent_id.as_deref(),
                has_open_children: tickets
                    .values()
                    .any(|c| c.parent_id.as_deref() == Some(t.id.as_str()) && !c.is_resolved),
            };
            rules::is_ready(board, &facts, agent)
        })
        .map(|t| t.id.clone())
        .collect()
}

/// Brute force: unresolved tickets reachable from `id` through unresolved tickets.
fn unblocks_brute(tickets: &BTreeMap<String, Ticket>, id: &str) -> u64 {
    if tickets[id].is_resolved {
        return 0;
    }
    let mut seen = HashSet::from([id.to_string()]);
    let mut stack = vec![id.to_string()];
    while let Some(node) = stack.pop() {
        for t in tickets.values() {
            if !t.is_resolved && t.blocked_by_ticket_ids.contains(&node) && seen.insert(t.id.clone()) {
                stack.push(t.id.clone());
            }
        }
    }
    seen.len() as u64 - 1
}

fn has_cycle(edges: &BTreeSet<(String, String)>, nodes: &BTreeMap<String, Ticket>) -> bool {
    // Kahn's algorithm: a cycle leaves nodes with incoming edges.
    let mut indegree: BTreeMap<&str, usize> = nodes.keys().map(|k| (k.as_str(), 0)).collect();
    for (_, to) in edges {
        *indegree.get_mut(to.as_str()).expect("edge to a known ticket") += 1;
    }
    let mut queue: Vec<&str> = indegree.iter().filter(|(_, d)| **d == 0).map(|(k, _)| *k).collect();
    let mut removed = 0;
    while let Some(node) = queue.pop() {
        removed += 1;
        for (from, to) in edges {
            if from == node {
                let d = indegree.get_mut(to.as_str()).expect("known");
                *d -= 1;
                if *d == 0 {
                    queue.push(to.as_str());
                }
            }
        }
    }
    removed != nodes.len()
}

fn pick<'a>(ids: &'a [String], index: &Index) -> Option<&'a String> {
    (!ids.is_empty()).then(|| &ids[index.index(ids.len())])
}

fn code<T>(result: &Result<T, Error>) -> Option<&'static str> {
    match result {
        Ok(_) => None,
        Err(Error::Domain(e)) => Some(e.code()),
        Err(Error::Storage(e)) => panic!("storage error: {e}"),
        Err(Error::AlreadyAnswered) => panic!("no idempotency key was sent"),
    }
}

async fn apply(
    store: &SqliteStore,
    board: &BoardConfig,
    workflow_id: &str,
    ids: &mut Vec<String>,
    op: &Op,
) -> Result<(), TestCaseError> {
    let before = snapshot(store, workflow_id).await;
    match op {
        Op::Create { blockers, priority } => {
            let mut t: NewTicket = new_ticket(workflow_id, &format!("Ticket {}", ids.len()));
            t.priority = Some(Priority::ALL[*priority]);
            t.blocked_by_ticket_ids = blockers.iter().filter_map(|b| pick(ids, b)).cloned().collect();
            let created = store.create_ticket("prop", t).await.expect("create never fails here");
            ids.push(created.id);
        }
        Op::AddBlocker { blocked, blocker } => {
            let (Some(blocked), Some(blocker)) = (pick(ids, blocked), pick(ids, blocker)) else {
                return Ok(());
            };
            let result = store.add_blocker("prop", blocked, blocker).await;
            match code(&result) {
                None => {}
                Some("self_block") => prop_assert_eq!(blocked, blocker),
                Some("dependency_cycle") => {
                    let Err(Error::Domain(DomainError::DependencyCycle { path })) = &result else {
                        unreachable!()
                    };
                    prop_assert_eq!(path.first(), Some(blocker));
                    prop_assert_eq!(path.get(1), Some(blocked));
                    prop_assert_eq!(path.last(), Some(blocker));
                    for pair in path.windows(2).skip(1) {
                        prop_assert!(
                            before[&pair[1]].blocked_by_ticket_ids.contains(&pair[0]),
                            "cycle path step {} -> {} is an edge",
                            pair[0],
                            pair[1]
                        );
                    }
                }
                Some(other) => prop_assert!(false, "add_blocker: unexpected {other}"),
            }
        }
        Op::RemoveBlocker { blocked, which } => {
            let Some(blocked) = pick(ids, blocked) else {
                return Ok(());
            };
            let blockers = &before[blocked].blocked_by_ticket_ids;
            let Some(blocker) = pick(blockers, which) else {
                return Ok(());
            };
            let result = store.remove_blocker("prop", blocked, blocker).await;
            prop_assert_eq!(code(&result), None, "remove {} -> {}", blocker, blocked);
        }
        Op::Resolve(index) => {
            let Some(id) = pick(ids, index) else { return Ok(()) };
            let ticket = &before[id];
            let expected = if ticket.is_resolved {
                Some("already_resolved")
            } else if blocked(&before, ticket) {
                Some("ticket_blocked")
            } else {
                None
            };
            let result = store.resolve("prop", id, None).await;
            prop_assert_eq!(code(&result), expected, "resolve {} ({:?})", id, ticket);
            if let Ok(change) = result {
                // Exactly the dependents whose last unresolved blocker this was.
                let expected: Vec<String> = before
                    .values()
                    .filter(|t| {
                        !t.is_resolved
                            && t.blocked_by_ticket_ids.contains(id)
                            && t.blocked_by_ticket_ids.iter().all(|b| b == id || before[b].is_resolved)
                    })
                    .map(|t| t.id.clone())
                    .collect();
                let mut got = change.unblocked_ticket_ids.clone();
                got.sort();
                prop_assert_eq!(got, expected, "unblocked by resolving {}", id);
            }
        }
        Op::Move { ticket, column } => {
            let Some(id) = pick(ids, ticket) else { return Ok(()) };
            let target = &board.columns[*column].id;
            let t = &before[id];
            let forward = board.column_index(target) > board.column_index(&t.status);
            let expected = (forward && blocked(&before, t)).then_some("ticket_blocked");
            let result = store.change_status("prop", id, target, None, None).await;
            prop_assert_eq!(code(&result), expected, "move {} from {} to {}", id, t.status, target);
        }
        Op::Claim { agent, ticket } => {
            let agent = AGENTS[*agent];
            let ready = ready_brute(board, &before, Some(agent));
            let named = ticket.as_ref().and_then(|i| pick(ids, i)).cloned();
            let request = ClaimRequest {
                workflow_id: workflow_id.to_string(),
                agent_id: agent.to_string(),
                ticket_id: named.clone(),
                lease: None,
                phase_id: None,
            };
            let result = store.claim(request).await;
            match &named {
                Some(id) => {
                    let expected = (!ready.contains(id)).then_some("not_claimable");
                    prop_assert_eq!(code(&result), expected, "claim {} by {}", id, agent);
                }
                None => {
                    let expected = ready.is_empty().then_some("nothing_ready");
                    prop_assert_eq!(code(&result), expected, "claim next by {}", agent);
                }
            }
            if let Ok(claimed) = result {
                prop_assert_eq!(claimed.ticket.assigned_agent_id.as_deref(), Some(agent));
                prop_assert_eq!(claimed.ticket.status.as_str(), board.claim_status());
                prop_assert!(
                    ready.contains(&claimed.ticket.id),
                    "claimed a ticket that was not ready"
                );
            }
        }
    }
    Ok(())
}

async fn check(store: &SqliteStore, board: &BoardConfig, workflow_id: &str) -> Result<(), TestCaseError> {
    let tickets = snapshot(store, workflow_id).await;

    // (a) ready, for every asking agent, in order, with its counts.
    let askers: Vec<Option<&str>> = std::iter::once(None).chain(AGENTS.iter().copied().map(Some)).collect();
    for agent in askers {
        let got = store.ready(workflow_id, agent, 500).await.expect("ready");
        let mut expected: Vec<(String, u64)> = ready_brute(board, &tickets, agent)
            .into_iter()
            .map(|id| {
                let count = unblocks_brute(&tickets, &id);
                (id, count)
            })
            .collect();
        expected.sort_by(|a, b| -> Ordering {
            let (ta, tb) = (&tickets[&a.0], &tickets[&b.0]);
            rules::ready_order(
                (ta.priority, a.1, ta.created_at, &ta.id),
                (tb.priority, b.1, tb.created_at, &tb.id),
            )
        });
        let got_pairs: Vec<(String, u64)> = got.iter().map(|r| (r.ticket.id.clone(), r.unblocks_count)).collect();
        prop_assert_eq!(got_pairs, expected, "ready for {:?}", agent);
        for r in &got {
            prop_assert_eq!(&r.ticket, &tickets[&r.ticket.id], "ready returns the current ticket");
        }
    }

    // (b) is_blocked of every ticket, from the list and from get_ticket.
    for ticket in tickets.values() {
        let expected = blocked(&tickets, ticket);
        prop_assert_eq!(ticket.is_blocked, expected, "is_blocked of {} in the list", ticket.id);
        prop_assert_eq!(
            ticket.is_resolved,
            board.is_done(&ticket.status),
            "resolved iff in done: {:?}",
            ticket
        );
        let detail = store.get_ticket(&ticket.id).await.expect("get_ticket");
        prop_assert_eq!(&detail.ticket, ticket, "get_ticket agrees with list_tickets");
        let refs: BTreeMap<String, bool> = detail
            .blocked_by
            .iter()
            .map(|b| (b.id.clone(), b.is_resolved))
            .collect();
        let expected_refs: BTreeMap<String, bool> = ticket
            .blocked_by_ticket_ids
            .iter()
            .map(|b| (b.clone(), tickets[b].is_resolved))
            .collect();
        prop_assert_eq!(refs, expected_refs, "blocked_by of {}", ticket.id);
    }

    // (c) the edges: acyclic, and the graph endpoint shows the same ones.
    let edges: BTreeSet<(String, String)> = tickets
        .values()
        .flat_map(|t| t.blocked_by_ticket_ids.iter().map(move |b| (b.clone(), t.id.clone())))
        .collect();
    prop_assert!(
        !has_cycle(&edges, &tickets),
        "the blocking graph has a cycle: {:?}",
        edges
    );
    let graph = store.workflow_graph(workflow_id, true).await.expect("workflow_graph");
    let graph_edges: BTreeSet<(String, String)> = graph
        .edges
        .into_iter()
        .map(|e| (e.from.to_string(), e.to.to_string()))
        .collect();
    prop_assert_eq!(graph_edges, edges, "workflow_graph edges");
    for node in &graph.nodes {
        prop_assert_eq!(node.is_blocked, tickets[&*node.id].is_blocked, "graph node {}", node.id);
    }
    Ok(())
}

proptest! {
    // 64 cases by default (a few seconds); PROPTEST_CASES=5000 for a deep run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ready_and_blocked_match_brute_force(ops in proptest::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
        runtime.block_on(async {
            let store = SqliteStore::open_in_memory().expect("store");
            let workflow = store.create_workflow("prop", seed_workflow(None, "Property")).await.expect("workflow");
            let board = workflow.board_config.clone();
            let mut ids = Vec::new();
            for op in &ops {
                apply(&store, &board, &workflow.id, &mut ids, op).await?;
            }
            check(&store, &board, &workflow.id).await
        })?;
    }
}
