//! Search benchmark: embedding throughput, hybrid search latency at 10k and
//! 100k tickets (including the query's embedding), memory of the vectors.
//! Needs the model (scripts/setup-model). `TIX_BENCH_SIZES=10000` for a
//! quick run.
//!
//! Embedding 100k tickets would take longer than a benchmark should, so the
//! big stores use real embeddings of 1,000 generated tickets, each reused
//! with a little noise (ticket i gets the vector of text i mod 1,000); the
//! keyword index holds every ticket's own text.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tix_core::ticket::NewTicket;
use tix_search::embed::{self, content_hash, normalise, ticket_text, Embedder, EmbedderConfig, MiniLm};
use tix_search::{Search, SearchConfig, SearchRequest, SearchType};
use tix_store::conformance::{seed_workflow, ACTOR};
use tix_store::search::NewEmbedding;
use tix_store::{SearchFilter, SearchStore, SqliteStore, Store};

const POOL: usize = 1_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    /// Roughly normal, mean 0, sd 1 (sum of uniforms).
    fn gauss(&mut self) -> f32 {
        (0..6).map(|_| (self.next() % 10_000) as f32 / 10_000.0).sum::<f32>() - 3.0
    }
}

const ACTIONS: &[&str] = &[
    "Fix", "Add", "Refactor", "Speed up", "Document", "Remove", "Migrate", "Test", "Harden", "Redesign",
];
const THINGS: &[&str] = &[
    "login form",
    "checkout flow",
    "invoice export",
    "search bar",
    "product images",
    "order history",
    "password reset",
    "webhook delivery",
    "database backups",
    "payment retries",
    "cart merge",
    "shipping labels",
    "admin audit log",
    "TLS certificates",
    "mobile push notifications",
    "CSV import",
    "rate limiter",
    "session cookies",
    "kanban drag and drop",
    "API pagination",
];
const PLACES: &[&str] = &[
    "on the storefront",
    "in the admin panel",
    "in the iOS app",
    "in the Android app",
    "in the public API",
    "for EU customers",
    "under load",
    "in the warehouse tool",
    "in the staging cluster",
    "for guest users",
];
const DETAILS: &[&str] = &[
    "Users report errors and a blank screen.",
    "It is slow and times out at peak traffic.",
    "Finance needs this before the quarterly close.",
    "Security review flagged it as high risk.",
    "The current behaviour confuses support staff.",
    "Logs show repeated retries and duplicate events.",
    "Accessibility audit found missing labels.",
    "Customers asked for it in the last survey.",
];
const TAGS: &[&str] = &[
    "frontend", "api", "payments", "infra", "mobile", "auth", "database", "docs",
];

fn ticket(rng: &mut Rng) -> (String, String, Vec<String>) {
    let title = format!("{} {} {}", rng.pick(ACTIONS), rng.pick(THINGS), rng.pick(PLACES));
    let description = format!("{} {}", rng.pick(DETAILS), rng.pick(DETAILS));
    (title, description, vec![rng.pick(TAGS).to_string()])
}

const QUERIES: &[&str] = &[
    "sign-in screen goes blank",
    "customer billed twice",
    "containers run out of memory",
    "https certificates expire",
    "speed up the build",
    "export invoices for accounting",
    "cart lost after login",
    "slow order history page",
    "ticket-abc12",
    "auth:jwt tokens",
];

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = embed::model_dir(None);
    if !MiniLm::files_present(&dir) {
        eprintln!("no model files in {}; run scripts/setup-model first", dir.display());
        std::process::exit(1);
    }
    let model: Arc<dyn Embedder> = Arc::new(MiniLm::load(&dir).expect("load the model"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sizes: Vec<usize> = std::env::var("TIX_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();

    // Embedding throughput on realistic ticket texts.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pool_texts: Vec<String> = (0..POOL)
        .map(|_| {
            let (t, d, tags) = ticket(&mut rng);
            ticket_text(&t, &d, &tags)
        })
        .collect();
    let started = Instant::now();
    let mut pool = Vec::with_capacity(POOL);
    for chunk in pool_texts.chunks(64) {
        pool.extend(model.embed(chunk).expect("embed"));
    }
    let elapsed = started.elapsed();
    println!(
        "embedding throughput: {:.0} tickets/s ({POOL} tickets in {:.1}s, batches of 64, {} threads)",
        POOL as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let mut single = Vec::new();
    for q in QUERIES {
        let t = Instant::now();
        model.embed(&[q.to_string()]).expect("embed");
        single.push(t.elapsed());
    }
    println!("query embedding p50: {:.1} ms", ms(percentile(&mut single, 0.5)));

    for size in sizes {
        runtime.block_on(run_size(size, model.clone(), &pool));
    }
}

async fn run_size(size: usize, model: Arc<dyn Embedder>, pool: &[Vec<f32>]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("bench.db")).expect("open");
    let workflow = store
        .create_workflow(ACTOR, seed_workflow(None, "bench"))
        .await
        .expect("workflow");
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let started = Instant::now();
    let mut texts = Vec::with_capacity(size);
    for chunk_start in (0..size).step_by(5_000) {
        let n = 5_000.min(size - chunk_start);
        let batch: Vec<NewTicket> = (0..n)
            .map(|_| {
                let (title, description, tags) = ticket(&mut rng);
                texts.push(ticket_text(&title, &description, &tags));
                NewTicket {
                    workflow_id: workflow.id.clone(),
                    title,
                    description,
                    ticket_type: "feature".into(),
                    tags,
                    ..Default::default()
                }
            })
            .collect();
        store.import_tickets(ACTOR, &workflow.id, batch).await.expect("import");
    }
    let imported = started.elapsed();
    let queued = store
        .embedding_batch(model.model_id(), size as u32)
        .await
        .expect("queue");
    let mut noise = Rng(7);
    for (chunk_index, chunk) in queued.chunks(5_000).enumerate() {
        let embeddings: Vec<NewEmbedding> = chunk
            .iter()
            .enumerate()
            .map(|(i, source)| {
                let n = chunk_index * 5_000 + i;
                let mut v: Vec<f32> = pool[n % pool.len()].iter().map(|x| x + 0.01 * noise.gauss()).collect();
                normalise(&mut v);
                NewEmbedding {
                    ticket_id: source.ticket_id.clone(),
                    content_hash: content_hash(&texts[n]),
                    vector: v,
                }
            })
            .collect();
        let processed = chunk.iter().map(|s| (s.ticket_id.clone(), s.queue_seq)).collect();
        store
            .save_embeddings(model.model_id(), embeddings, processed)
            .await
            .expect("save");
    }
    let loading = Instant::now();
    let search = Search::with_embedder(
        store.clone(),
        Some(model),
        None,
        SearchConfig::new(EmbedderConfig::Disabled),
    )
    .await
    .expect("start");
    let loaded = loading.elapsed();
    let (vectors, bytes) = search.index_stats();
    println!(
        "\n{size} tickets: import {:.1}s (with the FTS index and queue triggers), vectors loaded in {:.2}s",
        imported.as_secs_f64(),
        loaded.as_secs_f64()
    );
    println!(
        "  memory: {vectors} vectors, {:.1} MiB in memory = {:.1} MiB per 100k vectors (384 × f32 = 150 MiB of raw floats per 100k)",
        bytes as f64 / (1 << 20) as f64,
        bytes as f64 / (1 << 20) as f64 * 100_000.0 / vectors.max(1) as f64
    );
    for (name, search_type, filter) in [
        ("hybrid", SearchType::Hybrid, SearchFilter::default()),
        (
            "hybrid, filtered (resolved=false, tag)",
            SearchType::Hybrid,
            SearchFilter {
                resolved: Some(false),
                tags: vec!["payments".into()],
                ..Default::default()
            },
        ),
        ("semantic", SearchType::Semantic, SearchFilter::default()),
        ("keyword", SearchType::Keyword, SearchFilter::default()),
    ] {
        let mut samples = Vec::new();
        for round in 0..4 {
            for q in QUERIES {
                let t = Instant::now();
                let found = search
                    .search(SearchRequest {
                        workflow_id: workflow.id.clone(),
                        query: q.to_string(),
                        search_type,
                        limit: Some(10),
                        filter: filter.clone(),
                        weights: None,
                    })
                    .await
                    .expect("search");
                if round > 0 {
                    samples.push(t.elapsed());
                }
                std::hint::black_box(found);
            }
        }
        let p50 = percentile(&mut samples, 0.5);
        let p95 = percentile(&mut samples, 0.95);
        println!(
            "  {name:<40} p50 {:>7.1} ms   p95 {:>7.1} ms   (limit 10; hybrid and semantic include the query embedding)",
            ms(p50),
            ms(p95)
        );
    }
}
