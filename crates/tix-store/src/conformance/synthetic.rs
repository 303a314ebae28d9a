//! Synthetic boards for the benchmarks: a deterministic dependency graph
//! where every ticket is blocked by 1–3 earlier ones (1 % are roots, so the
//! ready set is not trivially one ticket), written down once for every
//! benchmark that needs one.

use serde_json::json;
use tix_core::ticket::NewTicket;
use tix_core::workflow::NewWorkflow;

use crate::{Result, Store};

/// xorshift64*: deterministic, good enough for shaping a graph.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A four-column board (backlog → building → testing → done).
pub fn workflow(name: &str) -> NewWorkflow {
    let value = json!({
        "name": name,
        "board_config": {
            "columns": [
                {"id": "backlog", "name": "Backlog"}, {"id": "building", "name": "Building"},
                {"id": "testing", "name": "Testing"}, {"id": "done", "name": "Done"}
            ],
            "ticket_types": ["component", "bug"],
            "initial_status": "backlog"
        }
    });
    serde_json::from_value(value).unwrap_or_else(|e| panic!("the synthetic board is valid: {e}"))
}

/// A ticket of the synthetic board, with a body worth indexing.
pub fn ticket(i: usize, blockers: Vec<String>) -> NewTicket {
    NewTicket {
        workflow_id: String::new(),
        title: format!("Component {i}: build the thing"),
        description: format!(
            "Ticket {i} of the benchmark; depends on {} earlier tickets.",
            blockers.len()
        ),
        ticket_type: "component".into(),
        priority: None,
        tags: vec![format!("area-{}", i % 17)],
        blocked_by_ticket_ids: blockers,
        assigned_agent_id: None,
        id: None,
        parent_id: None,
    }
}

/// Generates one workflow's tickets in order, with explicit ids
/// (`{prefix}{i:06}`) so a ticket can name earlier ones of its own batch.
pub struct Generator {
    rng: Rng,
    prefix: String,
    next: usize,
}

impl Generator {
    pub fn new(seed: u64, prefix: &str) -> Generator {
        Generator {
            rng: Rng(0x9E37_79B9_7F4A_7C15 ^ seed),
            prefix: prefix.to_string(),
            next: 0,
        }
    }

    pub fn id(&self, i: usize) -> String {
        format!("{}{i:06}", self.prefix)
    }

    /// The next `count` tickets.
    pub fn batch(&mut self, count: usize) -> Vec<NewTicket> {
        let start = self.next;
        self.next += count;
        (start..self.next)
            .map(|i| {
                let root = i == 0 || self.rng.below(100) == 0;
                let wanted = if root { 0 } else { 1 + self.rng.below(3) as usize };
                let mut blockers: Vec<String> = Vec::new();
                while blockers.len() < wanted.min(i) {
                    let earlier = self.rng.below(i as u64) as usize;
                    let pick = self.id(earlier);
                    if !blockers.contains(&pick) {
                        blockers.push(pick);
                    }
                }
                NewTicket {
                    id: Some(self.id(i)),
                    ..ticket(i, blockers)
                }
            })
            .collect()
    }
}

/// Creates a synthetic workflow of `tickets` tickets, imported in batches
/// as `tix import` sends them (`tix_core::validate::import_batch`); answers
/// its id.
pub async fn fill<S: Store>(store: &S, name: &str, prefix: &str, tickets: usize) -> Result<String> {
    let wf = store.create_workflow("bench", workflow(name)).await?.id;
    let mut generator = Generator::new(tickets as u64, prefix);
    let batch = tix_core::validate::import_batch(tickets);
    let mut left = tickets;
    while left > 0 {
        let count = left.min(batch);
        store.import_tickets("bench", &wf, generator.batch(count)).await?;
        left -= count;
    }
    Ok(wf)
}
