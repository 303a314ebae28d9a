//! An OpenAI-compatible embedding service: `POST {base}/v1/embeddings`
//! with `{"model", "input": [texts]}`, answered by `{"data": [{"index",
//! "embedding"}]}`. Vectors are L2-normalised here, whatever the server does.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{normalise, EmbedError, Embedder};

/// Texts per request.
const BATCH: usize = 64;

pub struct OpenAiEmbedder {
    url: String,
    model: String,
    api_key: Option<String>,
    model_id: String,
    client: reqwest::Client,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a [String],
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Datum>,
}

#[derive(Deserialize)]
struct Datum {
    #[serde(default)]
    index: Option<usize>,
    embedding: Vec<f32>,
}

fn remote(err: impl std::fmt::Display) -> EmbedError {
    EmbedError::Remote(err.to_string())
}

impl OpenAiEmbedder {
    /// `base_url` is the server's root (`http://127.0.0.1:8080`); a trailing
    /// `/v1` is accepted too.
    pub fn new(base_url: &str, model: &str, api_key: Option<String>) -> Result<OpenAiEmbedder, EmbedError> {
        let base = base_url.trim().trim_end_matches('/');
        let base = base.strip_suffix("/v1").unwrap_or(base);
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(remote(format!("'{base_url}' is not an http(s) URL")));
        }
        if model.trim().is_empty() {
            return Err(remote("name the embedding model (TIX_EMBEDDING_MODEL)"));
        }
        // Each call runs on its own short-lived runtime (see `embed`), so no
        // connection may outlive it in a pool.
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(0)
            .build()
            .map_err(remote)?;
        Ok(OpenAiEmbedder {
            url: format!("{base}/v1/embeddings"),
            model: model.trim().to_string(),
            api_key,
            model_id: format!("openai:{}", model.trim()),
            client,
        })
    }

    async fn request(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut request = self.client.post(&self.url).json(&Request {
            model: &self.model,
            input: texts,
        });
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| remote(format!("POST {}: {e}", self.url)))?;
        let status = response.status();
        let body = response.text().await.map_err(remote)?;
        if !status.is_success() {
            let snippet: String = body.chars().take(300).collect();
            return Err(remote(format!("POST {} answered {status}: {snippet}", self.url)));
        }
        let parsed: Response =
            serde_json::from_str(&body).map_err(|e| remote(format!("unexpected answer from {}: {e}", self.url)))?;
        if parsed.data.len() != texts.len() {
            return Err(remote(format!(
                "asked for {} embeddings, got {}",
                texts.len(),
                parsed.data.len()
            )));
        }
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for (position, datum) in parsed.data.into_iter().enumerate() {
            let index = datum.index.unwrap_or(position);
            let slot = out
                .get_mut(index)
                .ok_or_else(|| remote(format!("embedding index {index} out of range")))?;
            *slot = datum.embedding;
            normalise(slot);
        }
        let dims = out.first().map(Vec::len).unwrap_or(0);
        if dims == 0 || out.iter().any(|v| v.len() != dims) {
            return Err(remote("the embeddings are empty or of different lengths"));
        }
        Ok(out)
    }
}

impl Embedder for OpenAiEmbedder {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        // A private current-thread runtime on a scoped thread: works whether
        // or not the caller is inside a Tokio runtime, and is created and
        // dropped outside any async context.
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(remote)?;
                    let mut out = Vec::with_capacity(texts.len());
                    for chunk in texts.chunks(BATCH) {
                        out.extend(runtime.block_on(self.request(chunk))?);
                    }
                    Ok(out)
                })
                .join()
                .unwrap_or_else(|_| Err(remote("the embedding request thread panicked")))
        })
    }
}
