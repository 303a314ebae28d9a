//! Scale benchmark: prints the figures the foundation and scale issues ask
//! for.
//!
//! `cargo bench -p tix-server --bench scale` (or `scripts/bench`). Sizes can
//! be narrowed with `TIX_BENCH_SIZES=10000` and the HTTP request count with
//! `TIX_BENCH_HTTP_REQUESTS`; `TIX_BENCH_HTTP_ONLY=1` measures only the
//! write paths; `TIX_BENCH_KEEP_SCHEMA=1` keeps the PostgreSQL schema for
//! EXPLAIN. With `TIX_BENCH_POSTGRES_URL` (or `TIX_TEST_POSTGRES_URL`) set,
//! every figure is measured on PostgreSQL too (in a throwaway schema), and
//! HTTP writes on one and on two replicas.
//!
//! - bulk import rate (tickets/s) of a synthetic board (each ticket blocked
//!   by 1–3 earlier ones; see `tix_store::conformance::synthetic`);
//! - `ready` latency p50/p99 (warm; the first, cold call reported apart);
//! - resolve of a ticket with 1,000 dependents;
//! - HTTP single-ticket create + status change with 32 concurrent clients.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tix_core::ticket::NewTicket;
use tix_store::conformance::synthetic::{self, ticket};
use tix_store::{PgOptions, PgStore, SqliteStore, TestSchema};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Runs every measurement on one backend. `replicas` builds extra stores on
/// the same database (PostgreSQL) for the two-replica HTTP figure.
async fn scale<S: tix_server::ServedStore>(
    backend: &str,
    store: S,
    n: usize,
    replicas: Vec<S>,
    groups: Option<&(dyn Fn() -> (u64, u64) + Sync)>,
) {
    if std::env::var_os("TIX_BENCH_HTTP_ONLY").is_some() {
        let wf = synthetic::fill(&store, "bench", "ticket-b", 1000)
            .await
            .expect("import");
        direct_writes(backend, &store, &wf).await;
        let mut all = vec![store];
        all.extend(replicas);
        for count in 1..=all.len() {
            http(backend, all[..count].to_vec(), &wf, groups).await;
        }
        return;
    }
    let started = Instant::now();
    let wf = synthetic::fill(&store, "bench", "ticket-b", n).await.expect("import");
    let import = started.elapsed();
    println!(
        "[{backend} {n:>6} tickets] import: {:.2} s ({:.0} tickets/s)",
        import.as_secs_f64(),
        n as f64 / import.as_secs_f64()
    );

    let cold = Instant::now();
    let ready = store.ready(&wf, Some("bench"), 50).await.expect("ready");
    let cold = cold.elapsed();
    let ready_total = store.ready(&wf, Some("bench"), 500).await.expect("ready").len();
    let mut samples = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        let page = store.ready(&wf, Some("bench"), 50).await.expect("ready");
        samples.push(t.elapsed());
        assert_eq!(page.len(), ready.len());
    }
    println!(
        "[{backend} {n:>6} tickets] ready (limit 50, {}{} ready, top unblocks {}): cold {}, p50 {}, p99 {}",
        if ready_total == 500 { "≥" } else { "" },
        ready_total,
        ready.first().map(|r| r.unblocks_count).unwrap_or(0),
        ms(cold),
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99)),
    );

    // Resolve a ticket with 1,000 dependents, five times.
    let mut resolves = Vec::new();
    for round in 0..5 {
        let hub = store
            .create_ticket(
                "bench",
                NewTicket {
                    workflow_id: wf.clone(),
                    ..ticket(round, vec![])
                },
            )
            .await
            .expect("hub");
        let dependents: Vec<NewTicket> = (0..1000).map(|i| ticket(i, vec![hub.id.clone()])).collect();
        store
            .import_tickets("bench", &wf, dependents)
            .await
            .expect("dependents");
        // Warm the graph cache as a running server would be.
        store.ready(&wf, Some("bench"), 1).await.expect("ready");
        let t = Instant::now();
        let change = store
            .resolve("bench", &hub.id, Some("done".into()))
            .await
            .expect("resolve");
        resolves.push(t.elapsed());
        assert_eq!(change.unblocked_ticket_ids.len(), 1000);
    }
    println!(
        "[{backend} {n:>6} tickets] resolve with 1,000 dependents: p50 {}, max {}",
        ms(percentile(&mut resolves.clone(), 0.5)),
        ms(*resolves.iter().max().expect("samples"))
    );
    if n == 10_000 {
        direct_writes(backend, &store, &wf).await;
        http(backend, vec![store.clone()], &wf, groups).await;
        if !replicas.is_empty() {
            let mut both = vec![store];
            both.extend(replicas);
            http(backend, both, &wf, None).await;
        }
    }
}

/// The part of a create's answer the HTTP clients use (they skip the
/// rest unparsed: the clients share the server's two cores).
#[derive(serde::Deserialize)]
struct Created {
    ticket_id: String,
}

/// 32 clients writing through one server per store (spread evenly).
/// `groups` answers the SQLite group commit's (transactions, writes) so far.
async fn http<S: tix_server::ServedStore>(
    backend: &str,
    stores: Vec<S>,
    wf: &str,
    groups: Option<&(dyn Fn() -> (u64, u64) + Sync)>,
) {
    let requests: usize = std::env::var("TIX_BENCH_HTTP_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let replicas = stores.len();
    let mut bases = Vec::new();
    for store in stores {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        bases.push(format!("http://{}", listener.local_addr().expect("addr")));
        tokio::spawn(tix_server::launch(store, listener, std::future::pending()));
    }
    let wf = wf.to_string();
    let clients = 32;
    let per_client = requests / clients / 2;
    let client = reqwest::Client::new();
    let bases = Arc::new(bases);
    read_ceiling(backend, &client, &bases, &wf, requests).await;
    let groups_before = groups.map(|g| g());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, bases, wf) = (client.clone(), bases.clone(), wf.clone());
        tasks.push(tokio::spawn(async move {
            let base = &bases[c % bases.len()];
            let mut latencies = Vec::with_capacity(per_client * 2);
            for i in 0..per_client {
                let t = Instant::now();
                let created: Created = client
                    .post(format!("{base}/api/tickets"))
                    .header("X-Agent-ID", format!("bench-{c}"))
                    .json(&json!({"workflow_id": wf, "title": format!("http {c}/{i}"), "ticket_type": "bug"}))
                    .send()
                    .await
                    .expect("create")
                    .json()
                    .await
                    .expect("json");
                latencies.push(t.elapsed());
                let id = created.ticket_id;
                let t = Instant::now();
                let status = client
                    .post(format!("{base}/api/tickets/{id}/status"))
                    .header("X-Agent-ID", format!("bench-{c}"))
                    .json(&json!({"new_status": "building", "comment": "Starting"}))
                    .send()
                    .await
                    .expect("status")
                    .status();
                assert!(status.is_success());
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    let elapsed = started.elapsed();
    println!(
        "[{backend} HTTP, 32 clients, {replicas} replica(s)] {} writes (create + status) in {:.2} s: {:.0} writes/s, p50 {}, p99 {}",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&mut latencies, 0.5)),
        ms(percentile(&mut latencies, 0.99)),
    );
    if let (Some(groups), Some((transactions, writes))) = (groups, groups_before) {
        let (transactions_after, writes_after) = groups();
        println!(
            "[{backend} HTTP, 32 clients, {replicas} replica(s)] group commit: {:.1} writes per transaction",
            (writes_after - writes) as f64 / (transactions_after - transactions).max(1) as f64
        );
    }
}

/// The writes of the HTTP figure (create, then a move) from 32 tasks
/// calling the store directly: what the store allows without HTTP.
async fn direct_writes<S: tix_server::ServedStore>(backend: &str, store: &S, wf: &str) {
    let clients = 32;
    let per_client = 300;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (store, wf) = (store.clone(), wf.to_string());
        tasks.push(tokio::spawn(async move {
            for i in 0..per_client {
                let created = store
                    .create_ticket(
                        "bench",
                        NewTicket {
                            workflow_id: wf.clone(),
                            ..ticket(c * 1000 + i, vec![])
                        },
                    )
                    .await
                    .expect("create");
                store
                    .change_status("bench", &created.id, "building", Some("Starting".into()), None)
                    .await
                    .expect("move");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let writes = clients * per_client * 2;
    println!(
        "[{backend} store, 32 tasks] {writes} writes (create + status) without HTTP: {:.0} writes/s",
        writes as f64 / started.elapsed().as_secs_f64()
    );
}

/// The same 32 clients reading one small resource: what the HTTP stack
/// itself allows on this machine (clients and servers share its cores).
async fn read_ceiling(backend: &str, client: &reqwest::Client, bases: &Arc<Vec<String>>, wf: &str, requests: usize) {
    let clients = 32;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, bases, wf) = (client.clone(), bases.clone(), wf.to_string());
        tasks.push(tokio::spawn(async move {
            let base = &bases[c % bases.len()];
            for _ in 0..requests / clients {
                let status = client
                    .get(format!("{base}/api/workflows/{wf}"))
                    .header("X-Agent-ID", format!("bench-{c}"))
                    .send()
                    .await
                    .expect("read")
                    .status();
                assert!(status.is_success());
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    let elapsed = started.elapsed();
    println!(
        "[{backend} HTTP, 32 clients, {} replica(s)] ceiling: {:.0} reads/s of GET /api/workflows/{{id}}",
        bases.len(),
        (requests / clients * clients) as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    let sizes: Vec<usize> = match std::env::var_os("TIX_BENCH_HTTP_ONLY") {
        // One round: the size only shapes the other figures.
        Some(_) => vec![1000],
        None => std::env::var("TIX_BENCH_SIZES")
            .ok()
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![10_000, 100_000]),
    };
    let postgres = std::env::var("TIX_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TIX_TEST_POSTGRES_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Every SQLite round first: PostgreSQL's background work after its own
    // rounds (autovacuum, checkpoints, dropping a schema) shares the two
    // cores and made a SQLite import after it up to 70% slower.
    for &n in &sizes {
        runtime.block_on(async {
            let dir = tempfile::tempdir().expect("tempdir");
            let sqlite = SqliteStore::open(&dir.path().join("bench.db")).expect("store");
            let watched = sqlite.clone();
            let groups = move || {
                let stats = watched.group_commit_stats();
                (stats.groups.load(Relaxed), stats.writes.load(Relaxed))
            };
            scale("sqlite", sqlite, n, Vec::new(), Some(&groups)).await;
        });
    }
    let Some(url) = &postgres else {
        return;
    };
    for &n in &sizes {
        runtime.block_on(async {
            let schema = TestSchema::create(url).await.expect("schema");
            let options = PgOptions {
                max_connections: 16,
                schema: None,
            };
            let store = PgStore::connect(&schema.url, options.clone()).await.expect("postgres");
            let second = PgStore::connect(&schema.url, options).await.expect("postgres");
            scale("postgres", store, n, vec![second], None).await;
            if std::env::var_os("TIX_BENCH_KEEP_SCHEMA").is_some() {
                // For EXPLAIN afterwards; drop it by hand.
                println!("kept the PostgreSQL schema: {}", schema.url);
                std::mem::forget(schema);
            }
        });
    }
}
