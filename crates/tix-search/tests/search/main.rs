//! The search crate's integration tests, one binary: MiniLM's vectors
//! (`minilm`), the OpenAI-compatible embedder against a mock server
//! (`openai`), search quality on the labelled set (`quality`) and the
//! search service over a real SQLite store (`service`). `common` loads the
//! model once for all of them.

mod common;
mod minilm;
mod openai;
mod quality;
mod service;
