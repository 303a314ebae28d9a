//! The client's hierarchy-aware moves and its export and import, over HTTP
//! or on the database directly.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use tix_core::interop::{ExportFile, ImportReport};
use tix_core::ticket::StatusChange;
use tix_store::{HierarchyStore, ImportOptions, InteropStore, TicketMove};

use super::{Client, HttpClient, Result};
use crate::error::Failure;

impl HttpClient {
    /// A request whose body (if any) and answer are text, not JSON.
    async fn send_text(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, Option<String>)],
        body: Option<(String, &str)>,
    ) -> Result<String> {
        let url = self.url(segments, query)?;
        let mut request = self.identified(method.clone(), url.clone());
        if let Some((text, content_type)) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(text);
        }
        self.text_answer(&method, &url, request).await
    }
}

impl Client {
    /// Moves a ticket (or, with `to: None`, resolves it), forcing past open
    /// children when asked.
    pub async fn move_ticket(&self, id: &str, request: TicketMove) -> Result<StatusChange> {
        match self {
            Client::Remote(http) => match &request.to {
                Some(status) => {
                    let body = json!({ "new_status": status, "comment": request.comment, "force": request.force });
                    let path = ["api", "tickets", id, "status"];
                    http.send(Method::POST, &path, &[], Some(&body), request.expected_version)
                        .await
                }
                None => {
                    let body = json!({ "resolution_comment": request.comment, "force": request.force });
                    http.send(Method::POST, &["api", "tickets", id, "resolve"], &[], Some(&body), None)
                        .await
                }
            },
            Client::Local(local) => Ok(local.store.move_ticket(&local.agent, id, request).await?),
        }
    }

    /// The workflow as a file in the Tix export format.
    pub async fn export_text(&self, workflow_id: &str) -> Result<String> {
        match self {
            Client::Remote(http) => {
                http.send_text(Method::GET, &["api", "workflows", workflow_id, "export"], &[], None)
                    .await
            }
            Client::Local(local) => {
                let export = local.store.export_workflow(workflow_id).await?;
                Ok(export.render(&export.header(chrono::Utc::now(), env!("CARGO_PKG_VERSION"))))
            }
        }
    }

    /// Writes a parsed file in one transaction (locally with `progress`
    /// called as tickets are written; a server answers when it is done).
    pub async fn import_file(
        &self,
        file: ExportFile,
        keep_ids: bool,
        progress: Option<Arc<dyn Fn(u64) + Send + Sync>>,
    ) -> Result<ImportReport> {
        match self {
            Client::Remote(http) => {
                let query = [("keep_ids", Some(keep_ids.to_string()))];
                let body = (file.render(), "application/x-ndjson");
                let text = http
                    .send_text(Method::POST, &["api", "import"], &query, Some(body))
                    .await?;
                serde_json::from_str(&text).map_err(|e| {
                    Failure::new(
                        "unexpected_response",
                        format!("the server's import answer did not parse: {e}"),
                    )
                })
            }
            Client::Local(local) => {
                let options = ImportOptions { keep_ids, progress };
                Ok(local.store.import_file(&local.agent, file, options).await?)
            }
        }
    }
}
