//! Embedders turn ticket text into unit vectors. [`Embedder`] is the seam;
//! [`MiniLm`] runs all-MiniLM-L6-v2 in-process on the CPU and
//! [`OpenAiEmbedder`] calls an OpenAI-compatible `/v1/embeddings` endpoint.
//!
//! Embedding is CPU-bound (or blocks on the network): callers run
//! [`Embedder::embed`] off the async runtime (`spawn_blocking`).

mod minilm;
mod openai;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use minilm::{MiniLm, MODEL_FILES};
pub use openai::OpenAiEmbedder;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("model files missing in {dir}: {missing}")]
    ModelMissing { dir: PathBuf, missing: String },
    #[error("cannot load the model from {dir}: {message}")]
    ModelLoad { dir: PathBuf, message: String },
    #[error("the model failed: {0}")]
    Inference(String),
    #[error("the embedding service failed: {0}")]
    Remote(String),
}

/// Something that turns texts into L2-normalised vectors of `dims()` floats.
///
/// Implementations are blocking and thread-safe; a vector's meaning depends
/// on the model, so stored vectors carry [`Embedder::model_id`] and are
/// recomputed when it changes.
pub trait Embedder: Send + Sync + 'static {
    /// Identifies the model (and provider): vectors of different ids never mix.
    fn model_id(&self) -> &str;
    /// Embeds each text; the i-th vector belongs to the i-th text.
    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Where embeddings come from.
#[derive(Debug, Clone, PartialEq)]
pub enum EmbedderConfig {
    /// all-MiniLM-L6-v2 from this directory (config.json, tokenizer.json,
    /// model.safetensors).
    Local { model_dir: PathBuf },
    /// An OpenAI-compatible server: `POST {base_url}/v1/embeddings`.
    OpenAi {
        base_url: String,
        model: String,
        api_key: Option<String>,
    },
    /// No semantic search: keyword only.
    Disabled,
}

/// The model directory: `explicit` (a flag or config value), else
/// `TIX_MODEL_DIR`, else the default path.
pub fn model_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("TIX_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    default_model_dir()
}

/// `$XDG_DATA_HOME/tix/models/all-MiniLM-L6-v2`, i.e.
/// `~/.local/share/tix/models/all-MiniLM-L6-v2` by default (where
/// `scripts/setup-model` puts it).
pub fn default_model_dir() -> PathBuf {
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("tix").join("models").join("all-MiniLM-L6-v2")
}

/// Builds the configured embedder. `Ok(None)` means semantic search is off
/// (disabled by config); a missing model is an error the caller reports
/// once and then carries on keyword-only.
pub fn load(config: &EmbedderConfig) -> Result<Option<Arc<dyn Embedder>>, EmbedError> {
    match config {
        EmbedderConfig::Disabled => Ok(None),
        EmbedderConfig::Local { model_dir } => Ok(Some(Arc::new(MiniLm::load(model_dir)?))),
        EmbedderConfig::OpenAi {
            base_url,
            model,
            api_key,
        } => Ok(Some(Arc::new(OpenAiEmbedder::new(base_url, model, api_key.clone())?))),
    }
}

/// The text of a ticket that is embedded: title first (the tokenizer keeps
/// the first 128 tokens), then tags, then the description.
pub fn ticket_text(title: &str, description: &str, tags: &[String]) -> String {
    let mut text = title.trim().to_string();
    if !tags.is_empty() {
        text.push_str("\nTags: ");
        text.push_str(&tags.join(", "));
    }
    let description = description.trim();
    if !description.is_empty() {
        text.push('\n');
        text.push_str(description);
    }
    text
}

/// Stable hash of an embedded text (FNV-1a, 64 bits, hex): an unchanged
/// text is not embedded again.
pub fn content_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Scales `v` to unit length in place (a zero vector stays zero).
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

/// Dot product; the cosine of two unit vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight independent lanes so the compiler vectorises the loop.
    let mut acc = [0.0f32; 8];
    let chunks_a = a.chunks_exact(8);
    let chunks_b = b.chunks_exact(8);
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    for (x, y) in chunks_a.zip(chunks_b) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for (x, y) in rest_a.iter().zip(rest_b) {
        sum += x * y;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_text_puts_the_title_first() {
        let text = ticket_text(" Login crash ", "Stack trace attached.", &["auth".into(), "bug".into()]);
        assert_eq!(text, "Login crash\nTags: auth, bug\nStack trace attached.");
        assert_eq!(ticket_text("T", "", &[]), "T");
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(content_hash(""), "cbf29ce484222325");
        assert_ne!(content_hash("a"), content_hash("b"));
    }

    #[test]
    fn dot_matches_the_naive_sum() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.1).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.05).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
        let mut v = vec![3.0, 4.0];
        normalise(&mut v);
        assert_eq!(v, vec![0.6, 0.8]);
    }
}
