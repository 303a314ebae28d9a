//! Whole-process figures of the `tix` binary (the scale issue's last two):
//!
//! - the local CLI: `tix ready`, `tix list` and `tix show` on a SQLite file
//!   of 1,000 and 10,000 tickets, wall time of the whole process (p50 of 30
//!   runs), beside `tix --version` (process start alone);
//! - a server holding many tickets: `tix serve --embedder none` on a SQLite
//!   file of 1,000 workflows × 1,000 tickets (1M tickets, about 2M edges)
//!   and on one workflow of 100,000: time until it listens, `ready` p50/p99
//!   over HTTP on random workflows, and its resident memory after those
//!   readies and again after every workflow's graph was asked for (the
//!   graph cache's bound holding).
//!
//! `cargo bench -p tix --bench processes` (or `scripts/bench`).
//! `TIX_BENCH_CLI_SIZES=1000,10000` and `TIX_BENCH_SERVER_SHAPES=1000x1000,1x100000`
//! choose what is measured (an empty value skips that part).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tix_store::conformance::synthetic::{self, Rng};
use tix_store::SqliteStore;

const TIX: &str = env!("CARGO_BIN_EXE_tix");

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Wall time of `tix ARGS` run to the end, p50 of `runs`.
fn whole_process(args: &[&str], runs: usize) -> Duration {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(TIX)
            .args(args)
            .env_remove("TIX_SERVER")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run tix");
        samples.push(started.elapsed());
        assert!(
            out.status.success(),
            "tix {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    percentile(&mut samples, 0.5)
}

/// Builds a SQLite file of `workflows` × `tickets` synthetic tickets;
/// answers the workflow ids.
fn build(path: &Path, workflows: usize, tickets: usize) -> Vec<String> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(path).expect("store");
        // The builder's own cache need not hold what it wrote.
        store.limit_graph_cache(tickets);
        let started = Instant::now();
        let mut ids = Vec::with_capacity(workflows);
        for w in 0..workflows {
            let prefix = format!("ticket-w{w:04}-");
            ids.push(
                synthetic::fill(&store, &format!("bench {w}"), &prefix, tickets)
                    .await
                    .expect("fill"),
            );
        }
        println!(
            "[build {workflows}x{tickets}] {} tickets imported in {:.1} s",
            workflows * tickets,
            started.elapsed().as_secs_f64()
        );
        ids
    })
}

fn cli(size: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("cli.db");
    let wf = build(&db, 1, size).remove(0);
    let db = db.to_str().expect("utf-8 path");
    let show_id = format!("ticket-w0000-{:06}", size / 2);
    let base = ["--database", db, "--workflow", wf.as_str()];
    let with = |extra: &[&'static str]| -> Vec<String> {
        base.iter()
            .map(|s| s.to_string())
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    // One run first so the file is in the page cache, as on a working machine.
    whole_process(&["--database", db, "ready"], 1);
    let version = whole_process(&["--version"], 30);
    let figures = [
        ("ready", with(&["ready"])),
        ("ready --json", with(&["ready", "--json"])),
        ("list", with(&["list"])),
        ("show", with(&["show"]).into_iter().chain([show_id.clone()]).collect()),
    ];
    let mut line = format!("[cli {size:>6} tickets] whole process p50: --version {}", ms(version));
    for (name, args) in figures {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        line.push_str(&format!(", {name} {}", ms(whole_process(&args, 30))));
    }
    println!("{line}");
}

/// The resident and peak memory of a process, from /proc.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `tix serve` on the file; answers it and the time until it listened.
fn serve(db: &Path) -> (Server, Duration) {
    let started = Instant::now();
    let mut child = Command::new(TIX)
        .args(["serve", "--addr", "127.0.0.1:0", "--embedder", "none", "--database"])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tix serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the address");
    let elapsed = started.elapsed();
    let base = line
        .trim()
        .strip_prefix("tix listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    (Server { child, base }, elapsed)
}

fn server(shape: &str) {
    let (workflows, tickets) = shape
        .split_once('x')
        .and_then(|(w, t)| Some((w.parse::<usize>().ok()?, t.parse::<usize>().ok()?)))
        .unwrap_or_else(|| panic!("a server shape is WORKFLOWSxTICKETS, not {shape}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("server.db");
    let ids = build(&db, workflows, tickets);
    let (server, start) = serve(&db);
    let pid = server.child.id();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let get = |path: String| {
            let client = client.clone();
            let url = format!("{}{path}", server.base);
            async move {
                let response = client.get(url).header("X-Agent-ID", "bench").send().await.expect("get");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.expect("body").len()
            }
        };
        let mut rng = Rng(0x5EED);
        let mut samples = Vec::new();
        for i in 0..600 {
            let wf = &ids[rng.below(ids.len() as u64) as usize];
            let t = Instant::now();
            get(format!("/api/workflows/{wf}/ready?limit=50")).await;
            if i >= 100 {
                samples.push(t.elapsed());
            }
        }
        let (rss_ready, _) = memory(pid);
        let graphs = Instant::now();
        for wf in &ids {
            get(format!("/api/workflows/{wf}/graph?include_resolved=true")).await;
        }
        let graphs = graphs.elapsed();
        let (rss_graphs, peak) = memory(pid);
        println!(
            "[serve {workflows}x{tickets}] started in {}; ready over HTTP p50 {}, p99 {}; RSS {} MB after readies, {} MB after every graph ({} graphs in {:.1} s), peak {} MB",
            ms(start),
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 0.99)),
            rss_ready,
            rss_graphs,
            ids.len(),
            graphs.as_secs_f64(),
            peak
        );
    });
}

fn main() {
    for size in list("TIX_BENCH_CLI_SIZES", "1000,10000") {
        cli(size.parse().expect("a CLI size is a number"));
    }
    for shape in list("TIX_BENCH_SERVER_SHAPES", "1x100000,1000x1000") {
        server(&shape);
    }
}
