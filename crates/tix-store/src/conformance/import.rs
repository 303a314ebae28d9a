//! Imports: batches of tickets in one transaction.

use tix_core::ticket::{NewTicket, TicketFilter};
use tix_core::DomainError;

use super::fixtures::{create, create_seed_workflow, new_ticket, sorted};
use super::ACTOR;
use crate::{Error, Store};

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
