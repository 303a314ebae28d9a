//! Tix search: keyword and semantic retrievers behind one trait, hybrid
//! ranking, look-alikes (related tickets and the pieces of a create's
//! duplicate check), and the embedders.
//!
//! - [`retriever::Retriever`] is the seam (like ripgrep's `Matcher`):
//!   [`retriever::KeywordRetriever`] asks the store's BM25 index,
//!   [`retriever::SemanticRetriever`] scans the in-memory
//!   [`index::VectorIndex`] (exact cosine; an ANN index can replace it).
//! - [`hybrid::fuse`] unions both sides' candidates, min-max normalises each
//!   side and weighs them (0.7 semantic + 0.3 keyword by default).
//! - [`embed::Embedder`] turns text into unit vectors: [`embed::MiniLm`]
//!   (all-MiniLM-L6-v2 in-process with candle) or [`embed::OpenAiEmbedder`].
//! - [`Search`] ties them to a store (`S: Store + SearchStore`), keeps the
//!   vectors in step with the tickets in the background, and answers
//!   searches and "related tickets". For a create's duplicate check it
//!   offers the pieces ([`Search::embed_ticket`],
//!   [`Search::unresolved_lookalikes`], [`Search::store_vector`]); the
//!   check itself is a use case, in `tix-app`.
//!
//! Architecture Invariant: nothing here knows SQL. The store answers
//! keyword queries and keeps the embedding queue; this crate ranks.
//!
//! ```no_run
//! # async fn example(store: tix_store::SqliteStore) -> tix_store::Result<()> {
//! use tix_search::{embed, Search, SearchConfig, SearchRequest, SearchType};
//! let config = SearchConfig::new(embed::EmbedderConfig::Local { model_dir: embed::model_dir(None) });
//! let search = Search::start(store, config).await?;
//! let found = search
//!     .search(SearchRequest {
//!         workflow_id: "wf-1".into(),
//!         query: "sign-in crash".into(),
//!         search_type: SearchType::Hybrid,
//!         limit: Some(5),
//!         filter: Default::default(),
//!         weights: None,
//!     })
//!     .await?;
//! for hit in found.results {
//!     println!("{:.3} {} {}", hit.score, hit.ticket.id, hit.ticket.title);
//! }
//! # Ok(()) }
//! ```

pub mod embed;
pub mod hybrid;
pub mod index;
pub mod retriever;
mod service;

pub use hybrid::Weights;
pub use retriever::MatchedIn;
pub use service::{
    Progress, RelatedTicket, RelatedTickets, Relation, Search, SearchConfig, SearchHit, SearchRequest, SearchResponse,
    SearchType, TicketVector, DUPLICATE_THRESHOLD,
};
