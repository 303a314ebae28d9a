//! The use cases over a real SQLite store (in memory), with a tiny
//! deterministic embedder so the duplicate rules run without the model.

use std::sync::Arc;

use tix_app::{App, CreateOptions, CreatedTicket, NewClaim, WorkflowChoice, SIMILAR_THRESHOLD};
use tix_core::board::DuplicatePolicy;
use tix_core::guardian::Rule;
use tix_core::task::{NewTask, TaskStatus};
use tix_core::ticket::TicketFilter;
use tix_core::DomainError;
use tix_search::embed::{EmbedError, Embedder, EmbedderConfig, OpenAiEmbedder};
use tix_search::{Search, SearchConfig, DUPLICATE_THRESHOLD};
use tix_store::conformance::{new_ticket, seed_workflow, ACTOR};
use tix_store::{Error, SqliteStore, Store, TaskStore};

/// Bag of words hashed into 256 dimensions, L2-normalised: the same words
/// give cosine 1, disjoint words 0 (barring collisions), so a test picks
/// exactly how alike two tickets are.
struct WordsEmbedder;

const DIMS: usize = 256;

impl Embedder for WordsEmbedder {
    fn model_id(&self) -> &str {
        "test-words-256"
    }

    fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        Ok(texts.iter().map(|text| words_vector(text)).collect())
    }
}

fn words_vector(text: &str) -> Vec<f32> {
    let mut vector = vec![0f32; DIMS];
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let hash = word.to_lowercase().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        vector[(hash % DIMS as u64) as usize] += 1.0;
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt().max(f32::EPSILON);
    vector.iter().map(|x| x / norm).collect()
}

struct Fixture {
    app: App<SqliteStore>,
    store: SqliteStore,
    workflow_id: String,
}

async fn start(embedder: Option<Arc<dyn Embedder>>, policy: DuplicatePolicy) -> Fixture {
    let store = SqliteStore::open_in_memory().expect("open");
    let mut new = seed_workflow(None, "use cases");
    new.board_config.duplicate_policy = policy;
    let workflow = store.create_workflow(ACTOR, new).await.expect("workflow");
    let config = SearchConfig {
        background_worker: false,
        ..SearchConfig::new(EmbedderConfig::Disabled)
    };
    let search = Search::with_embedder(store.clone(), embedder, None, config)
        .await
        .expect("start the search service");
    Fixture {
        app: App::new(search),
        store,
        workflow_id: workflow.id,
    }
}

impl Fixture {
    async fn create(&self, actor: &str, title: &str, options: CreateOptions) -> tix_store::Result<CreatedTicket> {
        self.app
            .create_ticket(actor, new_ticket(&self.workflow_id, title), options)
            .await
    }
}

/// How an MCP session creates: it knows whether the agent searched first.
fn in_a_session(searched_first: bool) -> CreateOptions {
    CreateOptions {
        force: false,
        searched_first: Some(searched_first),
    }
}

const FORCED: CreateOptions = CreateOptions {
    force: true,
    searched_first: None,
};

async fn with_words(policy: DuplicatePolicy) -> Fixture {
    start(Some(Arc::new(WordsEmbedder)), policy).await
}

const LOGIN: &str = "Login page crashes when the form is submitted";

fn code(err: &Error) -> &'static str {
    match err {
        Error::Domain(domain) => domain.code(),
        other => panic!("not a domain error: {other}"),
    }
}

fn field(err: &Error) -> String {
    match err {
        Error::Domain(domain) => domain.details()["field"].as_str().unwrap_or_default().to_string(),
        other => panic!("not a domain error: {other}"),
    }
}

async fn ticket_count(f: &Fixture) -> usize {
    let filter = TicketFilter {
        workflow_id: Some(f.workflow_id.clone()),
        ..TicketFilter::default()
    };
    f.store
        .list_tickets(filter, Some(500), None)
        .await
        .expect("list")
        .tickets
        .len()
}

// ------------------------------------------------------------ creating

#[tokio::test]
async fn a_create_lists_unresolved_lookalikes_best_first() {
    let f = with_words(DuplicatePolicy::Warn).await;
    let original = f.create(ACTOR, LOGIN, CreateOptions::default()).await.expect("create");
    assert!(original.similar_tickets.is_empty());
    f.create(ACTOR, "Export invoices as CSV", CreateOptions::default())
        .await
        .expect("create");
    let copy = f
        .create(ACTOR, LOGIN, CreateOptions::default())
        .await
        .expect("a warn board creates look-alikes");
    assert_eq!(copy.similar_tickets.len(), 1, "{:?}", copy.similar_tickets);
    assert_eq!(copy.similar_tickets[0].id, original.ticket_id);
    assert!(copy.similar_tickets[0].similarity >= SIMILAR_THRESHOLD);
    assert!(copy.violations.is_empty(), "no session, no duplicate_ticket finding");
    // The vector was stored with the create: the next create sees both.
    let third = f.create(ACTOR, LOGIN, CreateOptions::default()).await.expect("create");
    assert_eq!(third.similar_tickets.len(), 2);
    // Resolved tickets are not offered.
    for id in [&original.ticket_id, &copy.ticket_id, &third.ticket_id] {
        f.store.resolve(ACTOR, id, None).await.expect("resolve");
    }
    let again = f.create(ACTOR, LOGIN, CreateOptions::default()).await.expect("create");
    assert!(again.similar_tickets.is_empty(), "{:?}", again.similar_tickets);
}

#[tokio::test]
async fn a_refusing_board_refuses_near_duplicates_unless_forced() {
    let f = with_words(DuplicatePolicy::Refuse).await;
    let original = f.create(ACTOR, LOGIN, CreateOptions::default()).await.expect("create");
    let before = ticket_count(&f).await;
    let err = f
        .create(ACTOR, LOGIN, CreateOptions::default())
        .await
        .expect_err("refused");
    assert_eq!(code(&err), "possible_duplicate");
    match &err {
        Error::Domain(DomainError::PossibleDuplicate { matches, .. }) => {
            assert_eq!(matches[0].id, original.ticket_id);
            assert!(matches[0].similarity >= DUPLICATE_THRESHOLD);
        }
        other => panic!("unexpected {other}"),
    }
    assert_eq!(ticket_count(&f).await, before, "a refused create writes nothing");
    let forced = f.create(ACTOR, LOGIN, FORCED).await.expect("forced");
    assert_eq!(forced.similar_tickets[0].id, original.ticket_id);
    // Two words more than the original's eight: cosine √(8/10) ≈ 0.89,
    // similar (≥ 0.80) but no duplicate (< 0.92), so listed, not refused.
    let on_mobile = "Login page crashes when the form is submitted on mobile";
    let similar = f
        .create(ACTOR, on_mobile, CreateOptions::default())
        .await
        .expect("a look-alike below the duplicate threshold is created");
    let closest = &similar.similar_tickets[0];
    assert!(
        (SIMILAR_THRESHOLD..DUPLICATE_THRESHOLD).contains(&closest.similarity),
        "{closest:?}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_embedded() {
    let f = with_words(DuplicatePolicy::Warn).await;
    let err = f
        .create(ACTOR, "   ", CreateOptions::default())
        .await
        .expect_err("empty title");
    assert_eq!((code(&err), field(&err).as_str()), ("validation_failed", "title"));
    let err = f
        .app
        .create_ticket(ACTOR, new_ticket("wf-nope", LOGIN), CreateOptions::default())
        .await
        .expect_err("unknown workflow");
    assert_eq!(code(&err), "workflow_not_found");
    assert_eq!(ticket_count(&f).await, 0);
    assert_eq!(f.app.search().index_stats().0, 0, "nothing was embedded or stored");
}

#[tokio::test]
async fn an_unsearched_create_of_a_lookalike_is_a_guardian_finding() {
    let f = with_words(DuplicatePolicy::Warn).await;
    let original = f.create(ACTOR, LOGIN, CreateOptions::default()).await.expect("create");
    let unsearched = in_a_session(false);
    let hasty = f
        .create("hasty", LOGIN, unsearched)
        .await
        .expect("warn mode lets it through");
    assert_eq!(hasty.violations.len(), 1, "{:?}", hasty.violations);
    assert_eq!(hasty.violations[0].rule, Rule::DuplicateTicket);
    assert!(hasty.violations[0].message.contains(&original.ticket_id));
    let searched = in_a_session(true);
    let careful = f.create("careful", LOGIN, searched).await.expect("create");
    assert!(careful.violations.is_empty());
    // Nothing alike: no finding even without a search.
    let unrelated = f
        .create("hasty", "Dark mode for settings", unsearched)
        .await
        .expect("create");
    assert!(unrelated.violations.is_empty());
}

#[tokio::test]
async fn without_semantic_search_a_create_just_creates() {
    let f = start(None, DuplicatePolicy::Refuse).await;
    for _ in 0..2 {
        let created = f
            .create(ACTOR, LOGIN, CreateOptions::default())
            .await
            .expect("no model, no duplicate check");
        assert!(created.similar_tickets.is_empty());
    }
    let keyword_only = App::keyword_only(f.store.clone(), "no model in this test");
    keyword_only
        .create_ticket(ACTOR, new_ticket(&f.workflow_id, LOGIN), CreateOptions::default())
        .await
        .expect("keyword-only creates");
    assert_eq!(ticket_count(&f).await, 3);
}

#[tokio::test]
async fn a_failing_embedder_does_not_stop_a_create() {
    // Nothing listens on port 1: every embedding request fails at once.
    let down = OpenAiEmbedder::new("http://127.0.0.1:1", "m", None).expect("embedder");
    let f = start(Some(Arc::new(down)), DuplicatePolicy::Refuse).await;
    let created = f
        .create(ACTOR, LOGIN, CreateOptions::default())
        .await
        .expect("the create goes ahead");
    assert!(created.similar_tickets.is_empty());
}

// ------------------------------------------------------------ claiming

#[tokio::test]
async fn claims_check_the_lease_range_before_claiming() {
    let f = start(None, DuplicatePolicy::Warn).await;
    let id = f
        .store
        .create_ticket(ACTOR, new_ticket(&f.workflow_id, LOGIN))
        .await
        .expect("create")
        .id;
    let claim = |lease_seconds| NewClaim {
        workflow_id: f.workflow_id.clone(),
        agent_id: "agent-a".into(),
        ticket_id: None,
        lease_seconds,
        ..NewClaim::default()
    };
    // A lease of 0 is allowed (one that has already run out), as it always was.
    for too_long in [10_000_000, 86_401] {
        let err = f.app.claim(claim(Some(too_long))).await.expect_err("refused");
        assert_eq!(
            (code(&err), field(&err).as_str()),
            ("validation_failed", "lease_seconds")
        );
    }
    let untouched = f.store.get_ticket(&id).await.expect("get").ticket;
    assert_eq!(untouched.assigned_agent_id, None, "a refused claim changes nothing");
    let before = chrono::Utc::now();
    let claimed = f
        .app
        .claim(claim(Some(86_400)))
        .await
        .expect("the cap itself is fine")
        .ticket;
    assert_eq!(claimed.id, id);
    assert_eq!(claimed.assigned_agent_id.as_deref(), Some("agent-a"));
    let lease = claimed.lease_expires_at.expect("a lease") - before;
    assert!((lease.num_seconds() - 86_400).abs() <= 2, "{lease}");
}

#[tokio::test]
async fn a_claim_without_a_lease_gets_the_default() {
    let f = start(None, DuplicatePolicy::Warn).await;
    f.store
        .create_ticket(ACTOR, new_ticket(&f.workflow_id, LOGIN))
        .await
        .expect("create");
    let before = chrono::Utc::now();
    let claimed = f
        .app
        .claim(NewClaim {
            workflow_id: f.workflow_id.clone(),
            agent_id: "agent-a".into(),
            ..NewClaim::default()
        })
        .await
        .expect("claim")
        .ticket;
    let lease = claimed.lease_expires_at.expect("a lease") - before;
    let default = tix_core::validate::DEFAULT_LEASE_SECONDS as i64;
    assert!((lease.num_seconds() - default).abs() <= 2, "{lease}");
}

// ------------------------------------------------------------ statistics

#[tokio::test]
async fn statistics_cover_the_days_asked_within_range() {
    let f = start(None, DuplicatePolicy::Warn).await;
    let stats = f.app.workflow_stats(&f.workflow_id, None).await.expect("stats");
    assert_eq!(stats.days, tix_core::validate::DEFAULT_STATS_DAYS);
    assert_eq!(stats.throughput.len(), stats.days as usize);
    let week = f.app.workflow_stats(&f.workflow_id, Some(7)).await.expect("stats");
    assert_eq!(week.throughput.len(), 7);
    for out_of_range in [0, 366] {
        let err = f
            .app
            .workflow_stats(&f.workflow_id, Some(out_of_range))
            .await
            .expect_err("refused");
        assert_eq!((code(&err), field(&err).as_str()), ("validation_failed", "days"));
    }
    let err = f.app.workflow_stats("wf-nope", None).await.expect_err("unknown");
    assert_eq!(code(&err), "workflow_not_found");
}

// ------------------------------------------------------------ choosing the workflow

#[tokio::test]
async fn the_workflow_is_named_then_the_sessions_then_the_tasks_then_the_only_one() {
    let f = start(None, DuplicatePolicy::Warn).await;
    let only = f
        .app
        .workflow_id(WorkflowChoice::default())
        .await
        .expect("the only one");
    assert_eq!(only, f.workflow_id);
    let blank = WorkflowChoice {
        named: Some("  "),
        ..WorkflowChoice::default()
    };
    assert_eq!(f.app.workflow_id(blank).await.expect("blank is unnamed"), f.workflow_id);

    let other = f
        .store
        .create_workflow(ACTOR, seed_workflow(None, "other"))
        .await
        .expect("workflow")
        .id;
    let err = f
        .app
        .workflow_id(WorkflowChoice::default())
        .await
        .expect_err("two to choose from");
    assert_eq!(code(&err), "workflow_not_chosen");
    let named = WorkflowChoice {
        named: Some(" wf-named "),
        session_default: Some(&other),
        current_task_of: Some("agent-a"),
    };
    assert_eq!(f.app.workflow_id(named).await.expect("named"), "wf-named");
    let session = WorkflowChoice {
        session_default: Some(&other),
        current_task_of: Some("agent-a"),
        ..WorkflowChoice::default()
    };
    assert_eq!(f.app.workflow_id(session).await.expect("session"), other);

    // agent-a has no task yet; then a queued one, in the first workflow.
    let by_task = WorkflowChoice {
        current_task_of: Some("agent-a"),
        ..WorkflowChoice::default()
    };
    let err = f.app.workflow_id(by_task).await.expect_err("no task yet");
    assert_eq!(code(&err), "workflow_not_chosen");
    let ticket_id = f
        .store
        .create_ticket(ACTOR, new_ticket(&f.workflow_id, LOGIN))
        .await
        .expect("create")
        .id;
    let task = |phase_id: u32| NewTask {
        description: tix_core::reference::expected_task_description(phase_id, &ticket_id),
        phase_id,
        ticket_id: ticket_id.clone(),
        workflow_id: None,
        assigned_agent_id: Some("agent-a".into()),
    };
    let queued = f.store.create_task(ACTOR, task(1)).await.expect("task").task;
    assert_eq!(f.app.workflow_id(by_task).await.expect("by task"), f.workflow_id);
    let current = f.app.current_task("agent-a").await.expect("current");
    assert_eq!(current.map(|t| t.task_id), Some(queued.task_id.clone()));

    // A task in progress comes before a queued one.
    let started = f.store.create_task(ACTOR, task(2)).await.expect("task").task;
    f.store
        .set_task_status("agent-a", &started.task_id, TaskStatus::InProgress, None)
        .await
        .expect("start");
    let current = f.app.current_task("agent-a").await.expect("current");
    assert_eq!(current.map(|t| t.task_id), Some(started.task_id));
    assert_eq!(f.app.current_task("agent-b").await.expect("none"), None);
}
