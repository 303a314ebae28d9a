//! The client's coordination calls: heartbeats, runs and webhooks, over
//! HTTP or on the database directly.

use reqwest::Method;
use serde::Deserialize;
use tix_core::run::{FinishRun, Heartbeat, Run, RunFilter, RunPage};
use tix_core::webhook::{DeliveryPage, NewWebhook, Webhook, WebhookCreated};
use tix_store::{RunStore, WebhookStore};

use super::{Client, Result};

#[derive(Deserialize)]
struct WebhookList {
    webhooks: Vec<Webhook>,
}

impl Client {
    pub async fn heartbeat(&self, ticket: &str) -> Result<Heartbeat> {
        match self {
            Client::Remote(http) => {
                http.send::<(), _>(Method::POST, &["api", "tickets", ticket, "heartbeat"], &[], None, None)
                    .await
            }
            Client::Local(local) => Ok(local.store.heartbeat(&local.agent, ticket).await?),
        }
    }

    pub async fn finish_run(&self, run: &str, finish: FinishRun) -> Result<Run> {
        match self {
            Client::Remote(http) => {
                http.send(Method::POST, &["api", "runs", run, "finish"], &[], Some(&finish), None)
                    .await
            }
            Client::Local(local) => Ok(local.store.finish_run(&local.agent, run, finish).await?),
        }
    }

    pub async fn get_run(&self, run: &str) -> Result<Run> {
        match self {
            Client::Remote(http) => http.get(&["api", "runs", run], &[]).await,
            Client::Local(local) => Ok(local.store.get_run(run).await?),
        }
    }

    pub async fn list_runs(&self, filter: RunFilter, limit: Option<u32>, cursor: Option<String>) -> Result<RunPage> {
        match self {
            Client::Remote(http) => {
                let query = [
                    ("workflow_id", filter.workflow_id),
                    ("ticket_id", filter.ticket_id),
                    ("agent_id", filter.agent_id),
                    ("outcome", filter.outcome.map(|o| o.as_str().to_string())),
                    ("open", filter.open.map(|o| o.to_string())),
                    ("limit", limit.map(|n| n.to_string())),
                    ("cursor", cursor),
                ];
                http.get(&["api", "runs"], &query).await
            }
            Client::Local(local) => Ok(local.store.list_runs(filter, limit, cursor).await?),
        }
    }

    pub async fn create_webhook(&self, new: NewWebhook) -> Result<WebhookCreated> {
        match self {
            Client::Remote(http) => {
                http.send(Method::POST, &["api", "webhooks"], &[], Some(&new), None)
                    .await
            }
            Client::Local(local) => {
                // As the server checks it: a URL a real parser accepts.
                let url = tix_core::webhook::check_url(&new.url)?;
                let parsed = reqwest::Url::parse(&url).ok().filter(|u| u.host().is_some());
                if parsed.is_none() {
                    return Err(tix_core::DomainError::validation(
                        "url",
                        "not a valid http or https URL (e.g. https://example.com/hooks/tix)",
                    )
                    .into());
                }
                Ok(local.store.create_webhook(&local.agent, new).await?)
            }
        }
    }

    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>> {
        match self {
            Client::Remote(http) => {
                let list: WebhookList = http.get(&["api", "webhooks"], &[]).await?;
                Ok(list.webhooks)
            }
            Client::Local(local) => Ok(local.store.list_webhooks().await?),
        }
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<Webhook> {
        match self {
            Client::Remote(http) => {
                http.send::<(), _>(Method::DELETE, &["api", "webhooks", id], &[], None, None)
                    .await
            }
            Client::Local(local) => Ok(local.store.delete_webhook(id).await?),
        }
    }

    pub async fn webhook_deliveries(
        &self,
        id: &str,
        limit: Option<u32>,
        cursor: Option<String>,
    ) -> Result<DeliveryPage> {
        match self {
            Client::Remote(http) => {
                let query = [("limit", limit.map(|n| n.to_string())), ("cursor", cursor)];
                http.get(&["api", "webhooks", id, "deliveries"], &query).await
            }
            Client::Local(local) => Ok(local.store.webhook_deliveries(id, limit, cursor).await?),
        }
    }

    /// The workflow's phase instructions, for a worker's standard input.
    pub async fn phase_instructions(&self, workflow_id: &str, phase: u32) -> Result<Option<String>> {
        let workflow = self.get_workflow(workflow_id).await?;
        Ok(workflow.phase(phase).map(|p| {
            let mut text = format!("# Phase {}: {}\n", p.id, p.name);
            if !p.description.is_empty() {
                text.push_str(&format!("\n{}\n", p.description));
            }
            if let Some(instructions) = &p.instructions {
                text.push_str(&format!("\n{instructions}\n"));
            }
            text
        }))
    }
}
