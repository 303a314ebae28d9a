//! Shared by the modules: the model, or a clear skip.

use std::sync::{Arc, OnceLock};

use tix_search::embed::{self, Embedder, MiniLm};

/// The MiniLM model, loaded once per test binary. None (after a message)
/// when the model files are absent and `TIX_REQUIRE_MODEL` is unset;
/// with `TIX_REQUIRE_MODEL` set (as `scripts/test` does) their absence fails.
pub fn model() -> Option<Arc<dyn Embedder>> {
    static MODEL: OnceLock<Option<Arc<dyn Embedder>>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = embed::model_dir(None);
            let required = std::env::var_os("TIX_REQUIRE_MODEL").is_some_and(|v| !v.is_empty() && v != "0");
            if !MiniLm::files_present(&dir) {
                assert!(
                    !required,
                    "TIX_REQUIRE_MODEL is set but the model files are missing in {}; run scripts/setup-model",
                    dir.display()
                );
                eprintln!(
                    "SKIPPED: model-dependent test: no model files in {} (run scripts/setup-model, or set TIX_MODEL_DIR)",
                    dir.display()
                );
                return None;
            }
            let model = MiniLm::load(&dir).unwrap_or_else(|e| panic!("loading the model: {e}"));
            Some(Arc::new(model) as Arc<dyn Embedder>)
        })
        .clone()
}
