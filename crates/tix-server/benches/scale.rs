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

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
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
    postgres_url: Option<&str>,
) {
    if std::env::var_os("TIX_BENCH_HTTP_ONLY").is_some() {
        let wf = synthetic::fill(&store, "bench", "ticket-b", 1000)
            .await
            .expect("import");
        direct_writes(backend, &store, &wf).await;
        replica_rounds(backend, store, replicas, &wf, groups, postgres_url).await;
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
        replica_rounds(backend, store, replicas, &wf, groups, postgres_url).await;
    }
}

/// HTTP writes through one server, and, with replicas, through one server
/// per store as well. The rounds run in the order 1, 2, 2, 1 and each
/// figure is the mean of its two rounds: a later round runs on a larger
/// database with more background work behind it (measured: whichever
/// setup ran second was about 15% slower, either way round).
async fn replica_rounds<S: tix_server::ServedStore>(
    backend: &str,
    store: S,
    replicas: Vec<S>,
    wf: &str,
    groups: Option<&(dyn Fn() -> (u64, u64) + Sync)>,
    postgres_url: Option<&str>,
) {
    if replicas.is_empty() {
        http(backend, vec![store], wf, groups, postgres_url).await;
        return;
    }
    let mut all = vec![store.clone()];
    all.extend(replicas);
    let mut rates = [Vec::new(), Vec::new()];
    for spread in [false, true, true, false] {
        let stores = if spread { all.clone() } else { vec![store.clone()] };
        rates[usize::from(spread)].push(http(backend, stores, wf, None, postgres_url).await);
    }
    let mean = |r: &[f64]| r.iter().sum::<f64>() / r.len() as f64;
    println!(
        "[{backend} HTTP, 32 clients] 1 vs {} replicas (rounds 1, {n}, {n}, 1; mean of two each): {:.0} vs {:.0} writes/s",
        all.len(),
        mean(&rates[0]),
        mean(&rates[1]),
        n = all.len(),
    );
}

/// The part of a create's answer the HTTP clients use (they skip the
/// rest unparsed: the clients share the server's two cores).
#[derive(serde::Deserialize)]
struct Created {
    ticket_id: String,
}

/// 32 clients writing through one server per store (spread evenly);
/// answers writes/s. The servers stop when the round ends, so none of them
/// follows the event log behind a later round. `groups` answers the SQLite
/// group commit's (transactions, writes) so far.
async fn http<S: tix_server::ServedStore>(
    backend: &str,
    stores: Vec<S>,
    wf: &str,
    groups: Option<&(dyn Fn() -> (u64, u64) + Sync)>,
    postgres_url: Option<&str>,
) -> f64 {
    let requests: usize = std::env::var("TIX_BENCH_HTTP_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let replicas = stores.len();
    let mut bases = Vec::new();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut servers = Vec::new();
    for store in stores {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        bases.push(format!("http://{}", listener.local_addr().expect("addr")));
        let mut stopped = stopped.clone();
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        servers.push(tokio::spawn(tix_server::launch(store, listener, shutdown)));
    }
    let wf = wf.to_string();
    let clients = 32;
    let per_client = requests / clients / 2;
    let client = reqwest::Client::new();
    let bases = Arc::new(bases);
    read_ceiling(backend, &client, &bases, &wf, requests).await;
    let groups_before = groups.map(|g| g());
    let sampler = postgres_url.map(|url| {
        let stop = Arc::new(AtomicBool::new(false));
        (stop.clone(), tokio::spawn(sample_waits(url.to_string(), stop)))
    });
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
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();
    println!(
        "[{backend} HTTP, 32 clients, {replicas} replica(s)] {} writes (create + status) in {:.2} s: {rate:.0} writes/s, p50 {}, p99 {}",
        latencies.len(),
        elapsed.as_secs_f64(),
        ms(percentile(&mut latencies, 0.5)),
        ms(percentile(&mut latencies, 0.99)),
    );
    if let Some((sampling, sampler)) = sampler {
        sampling.store(true, Relaxed);
        let waits = sampler.await.expect("sampler");
        let total: u64 = waits.values().sum::<u64>().max(1);
        let share = |n: u64| 100.0 * n as f64 / total as f64;
        let locks: u64 = waits
            .iter()
            .filter(|(k, _)| k.starts_with("Lock:"))
            .map(|(_, n)| n)
            .sum();
        let mut top: Vec<(&String, &u64)> = waits.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1));
        let top: Vec<String> = top
            .iter()
            .take(5)
            .map(|(kind, n)| format!("{kind} {:.0}%", share(**n)))
            .collect();
        println!(
            "[{backend} HTTP, 32 clients, {replicas} replica(s)] busy backends (pg_stat_activity, every 10 ms): \
             {:.1}% waiting on a lock; {}",
            share(locks),
            top.join(", ")
        );
    }
    if let (Some(groups), Some((transactions, writes))) = (groups, groups_before) {
        let (transactions_after, writes_after) = groups();
        println!(
            "[{backend} HTTP, 32 clients, {replicas} replica(s)] group commit: {:.1} writes per transaction",
            (writes_after - writes) as f64 / (transactions_after - transactions).max(1) as f64
        );
    }
    // Idle keep-alive connections would hold a graceful shutdown open.
    drop(client);
    stop.send_replace(true);
    for server in servers {
        match tokio::time::timeout(Duration::from_secs(10), server).await {
            Ok(joined) => joined.expect("server task").expect("server"),
            Err(_) => panic!("a bench server did not stop within 10 s"),
        }
    }
    rate
}

/// What PostgreSQL's busy backends were doing while the clients wrote
/// (`pg_stat_activity` every 10 ms until `stop`): `running` (on a CPU or
/// ready to run) or the wait event's type and name. A write that waits on
/// another's lock shows as `Lock:…`; waits for the disk as `IO:WALSync`
/// and `LWLock:WALWrite`.
async fn sample_waits(url: String, stop: Arc<AtomicBool>) -> BTreeMap<String, u64> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("sampler connection");
    let mut counts = BTreeMap::new();
    while !stop.load(Relaxed) {
        let busy: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT wait_event_type::text, wait_event::text FROM pg_stat_activity \
             WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut conn)
        .await
        .expect("sample pg_stat_activity");
        for (kind, event) in busy {
            let key = match (kind, event) {
                (Some(kind), Some(event)) => format!("{kind}:{event}"),
                _ => "running".to_string(),
            };
            *counts.entry(key).or_insert(0) += 1;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    counts
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
            scale("sqlite", sqlite, n, Vec::new(), Some(&groups), None).await;
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
            scale("postgres", store, n, vec![second], None, Some(&schema.url)).await;
            if std::env::var_os("TIX_BENCH_KEEP_SCHEMA").is_some() {
                // For EXPLAIN afterwards; drop it by hand.
                println!("kept the PostgreSQL schema: {}", schema.url);
                std::mem::forget(schema);
            }
        });
    }
}
