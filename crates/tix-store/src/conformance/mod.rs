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
//!
//! One module per topic (workflows, tickets, patterns, moves, blocking,
//! concurrency, listing, ready, events, stats, import, hierarchy; `agent`
//! for tasks and the Guardian; `coordination` for runs, fencing,
//! idempotency keys and the webhook outbox; `interop` for export and import,
//! whose round trip gets two fresh stores of the same backend). [`fixtures`] holds the seed's workflow and the small
//! helpers the cases share; other crates' tests build their boards from it
//! too, so the seed's board is written down once.

pub mod agent;
mod blocking;
mod concurrency;
pub mod coordination;
mod events;
pub mod fixtures;
mod hierarchy;
mod import;
pub mod interop;
mod listing;
mod metrics;
mod moves;
mod patterns;
mod ready;
mod stats;
pub mod synthetic;
mod tickets;
mod workflows;

pub use blocking::*;
pub use concurrency::*;
pub use events::*;
pub use fixtures::{all_tickets, create_seed_workflow, in_workflow, new_ticket, seed_board, seed_workflow};
pub use hierarchy::*;
pub use import::*;
pub use listing::*;
pub use metrics::*;
pub use moves::*;
pub use patterns::*;
pub use ready::*;
pub use stats::*;
pub use tickets::*;
pub use workflows::*;

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
            a_move_answers_what_a_read_returns,
            update_with_expected_version,
            list_filters,
            list_pagination,
            ready_ordering,
            ready_ranks_after_a_bulk_import,
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
            hierarchy_parents_children_and_ready,
            metrics_count_what_is_there,
        );
        $crate::conformance_tests!(@interop $make;
            beads_import_keeps_relations,
        );
        $crate::conformance_tests!(@pair $make;
            export_import_round_trip,
            import_refusals_write_nothing,
        );
        $crate::conformance_tests!(@coordination $make;
            a_lost_claim_fences_its_holder,
            taking_a_ticket_away_ends_the_holders_run,
            runs_hand_over_to_the_next_claimant,
            claims_by_phase_hold_the_tasks_ticket,
            idempotency_keys_keep_the_first_answer,
            webhook_outbox_follows_writes,
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
    (@coordination $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store = $make;
                $crate::conformance::coordination::$case(store).await;
            }
        )*
    };
    (@interop $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let store = $make;
                $crate::conformance::interop::$case(store).await;
            }
        )*
    };
    (@pair $make:expr; $($case:ident),* $(,)?) => {
        $(
            /// Two fresh stores of the same backend (an export's source and an empty target).
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let source = $make;
                let target = $make;
                $crate::conformance::interop::$case(source, target).await;
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
