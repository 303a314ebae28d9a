//! The search service over a real SQLite store: hybrid search, freshness
//! after writes, look-alikes, related tickets, and life without a model.
//! (Creating a ticket with its duplicate check is a use case: `tix-app`.)

use std::time::Duration;

use tix_core::board::DuplicatePolicy;
use tix_core::ticket::{NewTicket, TicketPatch};
use tix_search::embed::EmbedderConfig;
use tix_search::{MatchedIn, Relation, Search, SearchConfig, SearchRequest, SearchType, Weights, DUPLICATE_THRESHOLD};
use tix_store::conformance::{new_ticket, seed_workflow, ACTOR};
use tix_store::{SearchFilter, SearchStore, SqliteStore, Store};

use crate::common;

struct Fixture {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    workflow_id: String,
}

async fn fixture(policy: DuplicatePolicy) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("tix.db")).expect("open");
    let mut new = seed_workflow(None, "search");
    new.board_config.duplicate_policy = policy;
    let workflow = store.create_workflow(ACTOR, new).await.expect("workflow");
    Fixture {
        _dir: dir,
        store,
        workflow_id: workflow.id,
    }
}

fn ticket(workflow_id: &str, title: &str, description: &str) -> NewTicket {
    NewTicket {
        description: description.to_string(),
        ..new_ticket(workflow_id, title)
    }
}

fn request(workflow_id: &str, query: &str, search_type: SearchType) -> SearchRequest {
    SearchRequest {
        workflow_id: workflow_id.to_string(),
        query: query.to_string(),
        search_type,
        limit: Some(5),
        filter: SearchFilter::default(),
        weights: None,
    }
}

async fn with_model(f: &Fixture) -> Option<Search<SqliteStore>> {
    let model = common::model()?;
    Some(
        Search::with_embedder(
            f.store.clone(),
            Some(model),
            None,
            SearchConfig::new(EmbedderConfig::Disabled),
        )
        .await
        .expect("start"),
    )
}

const TICKETS: &[(&str, &str)] = &[
    (
        "Login page crashes when the form is submitted",
        "Users see a white screen after pressing the button.",
    ),
    (
        "Write docs for drag and drop on the kanban board",
        "Explain how cards move between columns.",
    ),
    ("Add CSV export of invoices", "Finance wants monthly invoice exports."),
    ("Dark mode for the settings screen", "Follow the system theme."),
];

/// Creates the tickets through the store; the service embeds them from
/// the queue before its next search.
async fn seed(f: &Fixture) -> Vec<String> {
    let mut ids = Vec::new();
    for (title, description) in TICKETS {
        let created = f
            .store
            .create_ticket(ACTOR, ticket(&f.workflow_id, title, description))
            .await
            .expect("create");
        ids.push(created.id);
    }
    ids
}

#[tokio::test]
async fn hybrid_finds_paraphrases_and_reports_both_scores() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let Some(search) = with_model(&f).await else { return };
    let ids = seed(&f).await;
    let found = search
        .search(request(&f.workflow_id, "sign-in screen goes blank", SearchType::Hybrid))
        .await
        .expect("search");
    assert!(found.semantic_available);
    assert_eq!(found.model_id.as_deref(), Some("all-MiniLM-L6-v2"));
    assert_eq!(found.weights, Weights::default());
    let top = &found.results[0];
    assert_eq!(top.ticket.id, ids[0], "{found:#?}");
    assert!(top.matched_in.contains(&MatchedIn::Semantic));
    assert!(top.cosine.is_some() && top.semantic_score.is_some());
    // The keyword side alone does not find it ("sign-in", "blank" are not in it).
    let keyword = search
        .search(request(
            &f.workflow_id,
            "sign-in screen goes blank",
            SearchType::Keyword,
        ))
        .await
        .expect("search");
    assert!(keyword
        .results
        .iter()
        .all(|h| h.ticket.id != ids[0] || h.bm25.is_some()));
    // Keyword-only weights rank by BM25.
    let mut req = request(&f.workflow_id, "invoice export", SearchType::Hybrid);
    req.weights = Some(Weights {
        semantic: 0.0,
        keyword: 1.0,
    });
    let found = search.search(req).await.expect("search");
    assert_eq!(found.results[0].ticket.id, ids[2]);
    assert_eq!(found.results[0].matched_in, [MatchedIn::Keyword, MatchedIn::Semantic]);
}

#[tokio::test]
async fn a_search_after_a_write_sees_the_write() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let Some(model) = common::model() else { return };
    // The background worker, as in the server.
    let search = Search::with_embedder(
        f.store.clone(),
        Some(model),
        None,
        SearchConfig::new(EmbedderConfig::Disabled),
    )
    .await
    .expect("start");
    let ids = seed(&f).await;
    // Written through the store directly (as an import or another process
    // would): only the queue knows.
    let raw = f
        .store
        .create_ticket(
            ACTOR,
            ticket(&f.workflow_id, "Kubernetes pod restarts under memory pressure", ""),
        )
        .await
        .expect("create");
    let found = search
        .search(request(
            &f.workflow_id,
            "containers keep getting OOM killed",
            SearchType::Semantic,
        ))
        .await
        .expect("search");
    assert_eq!(found.results[0].ticket.id, raw.id, "{found:#?}");
    // An edit that changes the meaning is seen by the very next search.
    f.store
        .update_ticket(
            ACTOR,
            &ids[3],
            TicketPatch {
                title: Some("Rotate the database backup encryption keys".into()),
                description: Some(String::new()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    let found = search
        .search(request(&f.workflow_id, "backup key rotation", SearchType::Semantic))
        .await
        .expect("search");
    assert_eq!(found.results[0].ticket.id, ids[3]);
    assert!(found.warning.is_none());
}

#[tokio::test]
async fn filters_and_id_queries() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let Some(search) = with_model(&f).await else { return };
    let ids = seed(&f).await;
    f.store.resolve(ACTOR, &ids[0], None).await.expect("resolve");
    let mut req = request(&f.workflow_id, "login crash", SearchType::Hybrid);
    req.filter.resolved = Some(false);
    let found = search.search(req).await.expect("search");
    assert!(found.results.iter().all(|h| h.ticket.id != ids[0]));
    assert!(!found.results.is_empty());
    // The id (or a prefix of it) comes first.
    let prefix = &ids[2][..ids[2].len() - 2];
    for query in [ids[2].as_str(), prefix] {
        let found = search
            .search(request(&f.workflow_id, query, SearchType::Hybrid))
            .await
            .expect("search");
        assert_eq!(found.results[0].ticket.id, ids[2]);
        assert_eq!(found.results[0].matched_in[0], MatchedIn::Id);
    }
}

#[tokio::test]
async fn lookalikes_of_a_new_text_and_related_tickets() {
    let f = fixture(DuplicatePolicy::Refuse).await;
    let Some(search) = with_model(&f).await else { return };
    let ids = seed(&f).await;
    assert!(search.wait_fresh().await.expect("embed the seed"));
    let copy = ticket(
        &f.workflow_id,
        "Login page crashes when the form is submitted",
        "Users see a white screen.",
    );
    let vector = search
        .embed_ticket(&copy.title, &copy.description, &copy.tags)
        .await
        .expect("embed")
        .expect("a model is loaded");
    let lookalikes = search
        .unresolved_lookalikes(&f.workflow_id, &vector.vector, 0.80, 10)
        .await
        .expect("look-alikes");
    assert_eq!(lookalikes[0].id, ids[0], "{lookalikes:?}");
    assert!(lookalikes[0].similarity >= DUPLICATE_THRESHOLD);
    // Stored with the copy, the vector is found at once (no re-embedding).
    let forced = f.store.create_ticket(ACTOR, copy).await.expect("create");
    search.store_vector(&forced.id, vector.clone()).await.expect("store");
    assert_eq!(search.index_stats().0, TICKETS.len() + 1, "the copy is indexed");
    // Related: the copy is a duplicate of the original.
    let related = search.related(&ids[0], None).await.expect("related");
    assert_eq!(related.related[0].id, forced.id);
    assert_eq!(related.related[0].relation, Relation::Duplicate);
    assert!(related.related.iter().all(|r| r.similarity >= 0.6));
    // Resolved tickets are not offered as look-alikes.
    f.store.resolve(ACTOR, &ids[0], None).await.expect("resolve");
    f.store.resolve(ACTOR, &forced.id, None).await.expect("resolve");
    let lookalikes = search
        .unresolved_lookalikes(&f.workflow_id, &vector.vector, 0.80, 10)
        .await
        .expect("look-alikes");
    assert!(lookalikes.is_empty(), "{lookalikes:?}");
}

#[tokio::test]
async fn reindex_embeds_everything_with_progress() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let Some(search) = with_model(&f).await else { return };
    seed(&f).await;
    let mut seen = Vec::new();
    let n = search.reindex(|p| seen.push(p)).await.expect("reindex");
    assert_eq!(n, TICKETS.len() as u64);
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((4, 4)));
    assert_eq!(search.index_stats().0, TICKETS.len());
}

#[tokio::test]
async fn without_a_model_search_is_keyword_only() {
    let f = fixture(DuplicatePolicy::Refuse).await;
    let missing = f._dir.path().join("no-model-here");
    let search = Search::start(
        f.store.clone(),
        SearchConfig {
            freshness_timeout: Duration::from_secs(1),
            ..SearchConfig::new(EmbedderConfig::Local { model_dir: missing })
        },
    )
    .await
    .expect("starts without a model");
    assert!(!search.semantic_available());
    assert!(search
        .unavailable_reason()
        .unwrap_or_default()
        .contains("model files missing"));
    let created = f
        .store
        .create_ticket(ACTOR, ticket(&f.workflow_id, "Login crash", ""))
        .await
        .expect("create");
    let nothing = search.embed_ticket("Login crash", "", &[]).await.expect("no embedder");
    assert_eq!(nothing, None);
    for search_type in [SearchType::Hybrid, SearchType::Semantic, SearchType::Keyword] {
        let found = search
            .search(request(&f.workflow_id, "login", search_type))
            .await
            .expect("search");
        assert!(!found.semantic_available);
        assert_eq!(found.search_type, SearchType::Keyword);
        assert_eq!(found.results[0].ticket.id, created.id);
        assert_eq!(found.results[0].semantic_score, None);
        assert_eq!(found.warning.is_some(), search_type != SearchType::Keyword);
    }
    let related = search.related(&created.id, None).await.expect("related");
    assert!(!related.semantic_available);
    assert!(search.reindex(|_| {}).await.is_err());
}

#[tokio::test]
async fn bad_requests_are_validation_errors() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let search = Search::start(f.store.clone(), SearchConfig::new(EmbedderConfig::Disabled))
        .await
        .expect("start");
    for req in [
        request(&f.workflow_id, "  ", SearchType::Hybrid),
        SearchRequest {
            limit: Some(0),
            ..request(&f.workflow_id, "x", SearchType::Hybrid)
        },
        SearchRequest {
            limit: Some(1000),
            ..request(&f.workflow_id, "x", SearchType::Hybrid)
        },
        SearchRequest {
            weights: Some(Weights {
                semantic: -1.0,
                keyword: 0.5,
            }),
            ..request(&f.workflow_id, "x", SearchType::Hybrid)
        },
    ] {
        let err = search.search(req).await.unwrap_err();
        assert!(matches!(err, tix_store::Error::Domain(_)), "{err}");
    }
    let err = search
        .search(request("wf-nope", "x", SearchType::Keyword))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

#[tokio::test]
async fn vectors_written_by_another_process_are_picked_up() {
    let f = fixture(DuplicatePolicy::Warn).await;
    let Some(model) = common::model() else { return };
    let one_shot = || SearchConfig {
        background_worker: false,
        ..SearchConfig::new(EmbedderConfig::Disabled)
    };
    // "The server": vectors in memory, loaded at start.
    let server = Search::with_embedder(f.store.clone(), Some(model.clone()), None, one_shot())
        .await
        .expect("start");
    let ids = seed(&f).await;
    // "A local CLI" on the same file edits a ticket and embeds it itself.
    let other_store = SqliteStore::open(&f._dir.path().join("tix.db")).expect("open again");
    let other = Search::with_embedder(other_store.clone(), Some(model), None, one_shot())
        .await
        .expect("start");
    other_store
        .update_ticket(
            ACTOR,
            &ids[2],
            TicketPatch {
                title: Some("Kubernetes pods restart under memory pressure".into()),
                description: Some(String::new()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("edit");
    assert!(other.wait_fresh().await.expect("drain"));
    assert_eq!(
        f.store.embedding_queue_len().await.expect("len"),
        0,
        "the other process drained the queue"
    );
    // The server's next search uses the new vector.
    let found = server
        .search(request(
            &f.workflow_id,
            "containers killed for using too much RAM",
            SearchType::Semantic,
        ))
        .await
        .expect("search");
    assert_eq!(found.results[0].ticket.id, ids[2], "{found:#?}");
}

#[tokio::test]
async fn a_failing_embedding_server_degrades_to_keywords() {
    let f = fixture(DuplicatePolicy::Refuse).await;
    // Nothing listens on port 1: every embedding request fails at once.
    let down = tix_search::embed::OpenAiEmbedder::new("http://127.0.0.1:1", "m", None).expect("embedder");
    let search = Search::with_embedder(
        f.store.clone(),
        Some(std::sync::Arc::new(down)),
        None,
        SearchConfig {
            freshness_timeout: Duration::from_secs(2),
            ..SearchConfig::new(EmbedderConfig::Disabled)
        },
    )
    .await
    .expect("start");
    let created = f
        .store
        .create_ticket(ACTOR, ticket(&f.workflow_id, "Login crash", ""))
        .await
        .expect("create");
    assert!(search.embed_ticket("Login crash", "", &[]).await.is_err());
    let found = search
        .search(request(&f.workflow_id, "login", SearchType::Hybrid))
        .await
        .expect("search");
    assert_eq!(found.search_type, SearchType::Keyword);
    assert!(found.warning.is_some());
    assert_eq!(found.results[0].ticket.id, created.id);
}
