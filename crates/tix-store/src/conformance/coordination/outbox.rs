//! The webhook outbox: deliveries are written with the change that caused
//! them, and a sender works through them in order, one sender per webhook.

use std::time::Duration;

use tix_core::webhook::{DeliveryState, NewWebhook};

use super::super::fixtures::{blocked_by, create, create_seed_workflow, expect_code, new_ticket};
use super::CoordinationStore;
use crate::Attempt;

const LEASE: Duration = Duration::from_secs(30);

pub async fn webhook_outbox_follows_writes<S: CoordinationStore>(store: S) {
    let wf = create_seed_workflow(&store, "Hooks").await;
    let other = create_seed_workflow(&store, "Elsewhere").await;
    expect_code(
        store
            .create_webhook(
                "admin",
                NewWebhook {
                    url: "ftp://example.com/hook".into(),
                    events: vec!["ticket.resolved".into()],
                    ..NewWebhook::default()
                },
            )
            .await,
        "validation_failed",
        "an ftp URL",
    );
    let created = store
        .create_webhook(
            "admin",
            NewWebhook {
                url: "http://127.0.0.1:9/hook".into(),
                events: vec!["ticket.resolved".into(), "ticket.unblocked".into()],
                secret: None,
                workflow_id: Some(wf.id.clone()),
            },
        )
        .await
        .expect("create webhook");
    assert!(created.secret.len() >= 16, "a generated secret");
    let hook = created.webhook;
    assert_eq!(store.list_webhooks().await.expect("list"), vec![hook.clone()]);

    let schema = create(&store, new_ticket(&wf.id, "Schema")).await.id;
    let auth = create(&store, blocked_by(new_ticket(&wf.id, "Auth"), &[&schema]))
        .await
        .id;
    create(&store, new_ticket(&other.id, "Elsewhere")).await;
    // A refused write leaves nothing in the outbox.
    expect_code(store.resolve("agent-a", &auth, None).await, "ticket_blocked", "blocked");
    assert!(store
        .webhook_deliveries(&hook.id, None, None)
        .await
        .expect("list")
        .deliveries
        .is_empty());

    store.resolve("agent-a", &schema, None).await.expect("resolve");
    let page = store
        .webhook_deliveries(&hook.id, None, None)
        .await
        .expect("deliveries");
    let events: Vec<&str> = page.deliveries.iter().rev().map(|d| d.event.as_str()).collect();
    assert_eq!(
        events,
        ["ticket.unblocked", "ticket.resolved"],
        "in event order (resolve's unblock first)"
    );
    assert!(page
        .deliveries
        .iter()
        .all(|d| d.state == DeliveryState::Pending && d.attempts == 0));

    // One sender at a time per webhook.
    assert!(store.has_due_deliveries().await.expect("due"));
    let leased = store.lease_due_webhooks("sender-1", LEASE, 16).await.expect("lease");
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].secret, created.secret);
    assert!(store
        .lease_due_webhooks("sender-2", LEASE, 16)
        .await
        .expect("lease")
        .is_empty());
    assert!(store
        .next_due_delivery(&hook.id, "sender-2", LEASE)
        .await
        .expect("next")
        .is_none());

    let head = store
        .next_due_delivery(&hook.id, "sender-1", LEASE)
        .await
        .expect("next")
        .expect("a due delivery");
    let body: serde_json::Value = serde_json::from_str(&head.body).expect("JSON body");
    assert_eq!(body["event"], head.event.as_str());
    assert_eq!(body["workflow_id"], wf.id);
    assert!(body["id"].as_str().is_some_and(|id| id.starts_with("evt_")));
    let first_ticket = body["ticket"]["id"].as_str().expect("the ticket").to_string();

    // A failure is retried after the backoff, and holds back the later ones.
    let state = store
        .record_attempt(
            &head,
            Attempt::Failed {
                status: Some(500),
                error: "the receiver answered 500".into(),
            },
        )
        .await
        .expect("record");
    assert_eq!(state, DeliveryState::Pending);
    assert!(
        store
            .next_due_delivery(&hook.id, "sender-1", LEASE)
            .await
            .expect("next")
            .is_none(),
        "not due before its backoff"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let retry = store
        .next_due_delivery(&hook.id, "sender-1", LEASE)
        .await
        .expect("next")
        .expect("due again after about a second");
    assert_eq!(retry.delivery_id, head.delivery_id, "the same delivery, first");
    assert_eq!(retry.attempts, 1);
    store
        .record_attempt(&retry, Attempt::Delivered { status: 204 })
        .await
        .expect("record");
    let next = store
        .next_due_delivery(&hook.id, "sender-1", LEASE)
        .await
        .expect("next")
        .expect("the second delivery");
    assert_ne!(next.delivery_id, head.delivery_id);
    let next_body: serde_json::Value = serde_json::from_str(&next.body).expect("JSON");
    assert_ne!(next_body["ticket"]["id"], first_ticket.as_str());
    store
        .record_attempt(&next, Attempt::Delivered { status: 200 })
        .await
        .expect("record");
    store.release_webhook(&hook.id, "sender-1").await.expect("release");
    assert!(!store.has_due_deliveries().await.expect("due"));
    let done = store
        .webhook_deliveries(&hook.id, None, None)
        .await
        .expect("deliveries");
    let delivered = done
        .deliveries
        .iter()
        .find(|d| d.delivery_id == head.delivery_id)
        .expect("listed");
    assert_eq!(
        (delivered.state, delivered.attempts, delivered.last_status),
        (DeliveryState::Delivered, 2, Some(204))
    );
    assert!(delivered.delivered_at.is_some());

    let removed = store.delete_webhook(&hook.id).await.expect("delete");
    assert_eq!(removed.id, hook.id);
    expect_code(store.get_webhook(&hook.id).await, "webhook_not_found", "deleted");
    expect_code(
        store.webhook_deliveries(&hook.id, None, None).await,
        "webhook_not_found",
        "its deliveries went with it",
    );
}
