//! Idempotency keys: the answer is kept in the write's transaction; a
//! second write under the key changes nothing.

use tix_core::ticket::TicketCreated;

use super::super::fixtures::{all_tickets, create_seed_workflow, in_workflow, new_ticket};
use super::CoordinationStore;
use crate::{Error, Keyed, Scope};

fn keyed(agent: &str, key: &str, fingerprint: &str) -> Scope {
    Scope {
        claim_token: None,
        idempotency: Some(Keyed::new(agent, key, fingerprint, |created: &TicketCreated| {
            (201, serde_json::json!({ "id": created.ticket.id }))
        })),
    }
}

pub async fn idempotency_keys_keep_the_first_answer<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Keys").await;
    let keyed_store = store.scoped(keyed("agent-a", "create-auth-1", "fp-1"));
    let first = keyed_store
        .create_ticket("agent-a", new_ticket(&wf.id, "Auth"))
        .await
        .expect("first create");
    let kept = store
        .recorded_answer("agent-a", "create-auth-1")
        .await
        .expect("read the key")
        .expect("the answer is kept");
    assert_eq!((kept.status, kept.fingerprint.as_str()), (201, "fp-1"));
    assert_eq!(kept.body["id"], first.id);

    let second = keyed_store.create_ticket("agent-a", new_ticket(&wf.id, "Auth")).await;
    assert!(matches!(second, Err(Error::AlreadyAnswered)), "{second:?}");
    assert_eq!(
        all_tickets(&store, in_workflow(&wf.id)).await.len(),
        1,
        "the second write under the key changed nothing"
    );

    // Keys belong to their agent.
    store
        .scoped(keyed("agent-b", "create-auth-1", "fp-1"))
        .create_ticket("agent-b", new_ticket(&wf.id, "Auth (B's)"))
        .await
        .expect("another agent's key");
    assert_eq!(all_tickets(&store, in_workflow(&wf.id)).await.len(), 2);

    // A refused write keeps nothing under its key: a retry may succeed.
    let refused = store
        .scoped(keyed("agent-a", "bad-type", "fp-2"))
        .create_ticket(
            "agent-a",
            tix_core::ticket::NewTicket {
                ticket_type: "spaceship".into(),
                ..new_ticket(&wf.id, "Nope")
            },
        )
        .await;
    assert!(refused.is_err());
    assert!(store
        .recorded_answer("agent-a", "bad-type")
        .await
        .expect("read the key")
        .is_none());
    // Writes of another type under the scope (not the guarded one) keep nothing.
    keyed_store
        .add_comment("agent-a", &first.id, "a comment is not a create")
        .await
        .expect("comment");
    assert!(store
        .recorded_answer("agent-a", "unrelated")
        .await
        .expect("read")
        .is_none());
}
