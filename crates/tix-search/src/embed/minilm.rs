//! all-MiniLM-L6-v2 on the CPU with candle: BERT, mask-weighted mean
//! pooling over the tokens, L2 normalisation (what sentence-transformers
//! does for this model).

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingStrategy, Tokenizer};

use super::{normalise, EmbedError, Embedder};

/// The files the model directory must hold.
pub const MODEL_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// Texts per forward pass. Texts are sorted by length first, so each batch
/// pads to a similar length.
const BATCH: usize = 16;

pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    model_id: String,
}

fn load_error(dir: &Path, message: impl std::fmt::Display) -> EmbedError {
    EmbedError::ModelLoad {
        dir: dir.to_path_buf(),
        message: message.to_string(),
    }
}

fn inference(err: impl std::fmt::Display) -> EmbedError {
    EmbedError::Inference(err.to_string())
}

impl MiniLm {
    /// The id stored with every vector this model makes.
    pub const MODEL_ID: &'static str = "all-MiniLM-L6-v2";

    /// Whether `dir` holds the three model files.
    pub fn files_present(dir: &Path) -> bool {
        MODEL_FILES.iter().all(|f| dir.join(f).is_file())
    }

    pub fn load(dir: &Path) -> Result<MiniLm, EmbedError> {
        let missing: Vec<&str> = MODEL_FILES.iter().copied().filter(|f| !dir.join(f).is_file()).collect();
        if !missing.is_empty() {
            return Err(EmbedError::ModelMissing {
                dir: dir.to_path_buf(),
                missing: missing.join(", "),
            });
        }
        let path = |name: &str| -> PathBuf { dir.join(name) };
        let config_text = std::fs::read_to_string(path("config.json")).map_err(|e| load_error(dir, e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| load_error(dir, e))?;
        let mut tokenizer = Tokenizer::from_file(path("tokenizer.json")).map_err(|e| load_error(dir, e))?;
        // The file pads every text to 128 tokens; pad each batch only to its
        // longest text and let the attention mask hide the padding.
        if let Some(padding) = tokenizer.get_padding_mut() {
            padding.strategy = PaddingStrategy::BatchLongest;
        }
        let device = Device::Cpu;
        let weights = std::fs::read(path("model.safetensors")).map_err(|e| load_error(dir, e))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device).map_err(|e| load_error(dir, e))?;
        let model = BertModel::load(vb, &config).map_err(|e| load_error(dir, e))?;
        Ok(MiniLm {
            model,
            tokenizer,
            device,
            model_id: Self::MODEL_ID.to_string(),
        })
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(inference)?;
        let rows = encodings.len();
        let cols = encodings.first().map(|e| e.get_ids().len()).unwrap_or(0);
        let mut ids: Vec<u32> = Vec::with_capacity(rows * cols);
        let mut mask: Vec<u32> = Vec::with_capacity(rows * cols);
        for encoding in &encodings {
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (rows, cols), &self.device).map_err(inference)?;
        let mask = Tensor::from_vec(mask, (rows, cols), &self.device).map_err(inference)?;
        let type_ids = ids.zeros_like().map_err(inference)?;
        let hidden = self.model.forward(&ids, &type_ids, Some(&mask)).map_err(inference)?;
        // Mean over the real tokens: sum(hidden * mask) / sum(mask).
        let weights = mask
            .to_dtype(DType::F32)
            .and_then(|m| m.unsqueeze(2))
            .map_err(inference)?;
        let summed = hidden
            .broadcast_mul(&weights)
            .and_then(|h| h.sum(1))
            .map_err(inference)?;
        let counts = weights.sum(1).map_err(inference)?;
        let mean = summed.broadcast_div(&counts).map_err(inference)?;
        let mut vectors: Vec<Vec<f32>> = mean.to_vec2().map_err(inference)?;
        for v in &mut vectors {
            normalise(v);
        }
        Ok(vectors)
    }
}

impl Embedder for MiniLm {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
            for (i, vector) in chunk.iter().zip(self.embed_batch(&batch)?) {
                out[*i] = vector;
            }
        }
        Ok(out)
    }
}
