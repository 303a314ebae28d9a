//! `tix work`: a dispatcher for the spec's phases. It takes a phase's best
//! queued task (or, without phases, the best ready ticket), runs a command
//! for it with the ticket in its environment and the instructions on its
//! standard input, keeps the claim alive while the command runs, and
//! finishes the run and the task with the command's exit code. Between
//! tasks it waits for work the way `tix claim --wait` does: the server
//! wakes it when a task is queued or a ticket becomes ready.

use std::collections::VecDeque;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;
use tix_core::claim::Claimed;
use tix_core::run::{FinishRun, RunOutcome};
use tix_core::task::TaskStatus;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{watch, Mutex};

use crate::cli::WorkArgs;
use crate::client::{ClaimOptions, Client};
use crate::commands::Ctx;
use crate::error::{Exit, Failure};

/// How much of the command's output becomes the run's summary.
const SUMMARY_TAIL: usize = 4 * 1024;
/// How long one claim waits for work before it asks again.
const CLAIM_WAIT: Duration = Duration::from_secs(60);
/// How long a command gets to exit after an interrupt before it is killed.
const GRACE: Duration = Duration::from_secs(3);
/// Exit code of `--once` when nothing was queued.
pub const NOTHING_QUEUED: u8 = 3;

/// How the worker reaches Tix, passed on to the commands it runs.
#[derive(Debug, Clone)]
pub struct WorkerEnv {
    pub server: Option<String>,
    pub database: String,
    pub token: Option<String>,
}

/// What each task's handling needs.
struct Worker {
    client: Client,
    env: WorkerEnv,
    workflow_id: String,
    phase: Option<u32>,
    lease: Duration,
    command: Vec<String>,
    json: bool,
    /// Becomes the signal's exit code (130, 143) on SIGINT / SIGTERM.
    stop: watch::Receiver<Option<u8>>,
    /// Keeps lines from several tasks whole on stderr.
    print: Mutex<()>,
}

pub async fn run(ctx: &Ctx, args: WorkArgs, env: &WorkerEnv) -> Result<()> {
    let workflow = ctx.workflow().await?;
    let phase = match args.phase {
        Some(phase) if workflow.phases.is_empty() => {
            eprintln!(
                "note: workflow {} has no phases; taking ready tickets instead of phase {phase}'s tasks",
                workflow.id
            );
            None
        }
        phase => phase,
    };
    if args.concurrency == 0 {
        return Err(Failure::new("validation_failed", "--concurrency must be at least 1").into());
    }
    let lease_seconds = args.lease.as_secs();
    tix_core::validate::lease(Some(lease_seconds))?;
    if lease_seconds < 3 {
        return Err(Failure::new(
            "validation_failed",
            "--lease must be at least 3s (it is renewed every third)",
        )
        .into());
    }
    let worker = std::sync::Arc::new(Worker {
        client: ctx.client.clone(),
        env: env.clone(),
        workflow_id: workflow.id.clone(),
        phase,
        lease: args.lease,
        command: args.command,
        json: ctx.json,
        stop: interrupts(),
        print: Mutex::new(()),
    });
    let what = match phase {
        Some(phase) => format!("phase {phase} tasks"),
        None => "ready tickets".to_string(),
    };
    worker
        .say(format!(
            "{} works on {what} of {} (concurrency {})",
            worker.client.agent(),
            workflow.id,
            if args.once { 1 } else { args.concurrency }
        ))
        .await;
    if args.once {
        return match worker.claim(None).await? {
            Some(claimed) => {
                worker.handle(claimed).await?;
                worker.exit_if_stopped()
            }
            None => {
                worker.say(format!("nothing is queued ({what})")).await;
                Err(Exit(NOTHING_QUEUED).into())
            }
        };
    }
    let mut loops = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let worker = worker.clone();
        loops.spawn(async move { worker.work_loop().await });
    }
    let mut first_error = None;
    while let Some(joined) = loops.join_next().await {
        if let Ok(Err(err)) = joined {
            first_error.get_or_insert(err);
        }
    }
    if let Some(err) = first_error {
        return Err(err);
    }
    worker.exit_if_stopped()
}

/// Watches SIGINT and SIGTERM; the value becomes the exit code to use.
fn interrupts() -> watch::Receiver<Option<u8>> {
    let (sender, receiver) = watch::channel(None);
    tokio::spawn(async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
            130u8
        };
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                    143u8
                }
                Err(_) => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<u8>();
        let code = tokio::select! {
            code = ctrl_c => code,
            code = terminate => code,
        };
        let _ = sender.send(Some(code));
    });
    receiver
}

impl Worker {
    async fn say(&self, line: String) {
        let _guard = self.print.lock().await;
        eprintln!("tix work: {line}");
    }

    fn stopped(&self) -> Option<u8> {
        *self.stop.borrow()
    }

    fn exit_if_stopped(&self) -> Result<()> {
        match self.stopped() {
            Some(code) => Err(Exit(code).into()),
            None => Ok(()),
        }
    }

    /// Claims the next task (or ticket), waiting up to `wait`; `None` when
    /// nothing came (or an interrupt did).
    async fn claim(&self, wait: Option<Duration>) -> Result<Option<Claimed>> {
        let options = ClaimOptions {
            phase: self.phase,
            lease_seconds: Some(self.lease.as_secs()),
            wait,
            ..ClaimOptions::default()
        };
        let claimed = tokio::select! {
            claimed = self.client.claim(&self.workflow_id, options) => claimed,
            () = interrupted(self.stop.clone()) => return Ok(None),
        };
        match claimed {
            Ok(claimed) => {
                if self.stopped().is_some() {
                    // Interrupted while the claim was on its way: give it back.
                    self.give_back(&claimed).await;
                    return Ok(None);
                }
                Ok(Some(claimed))
            }
            Err(failure) if matches!(failure.code(), "nothing_ready" | "nothing_queued") => Ok(None),
            Err(failure) => Err(failure.into()),
        }
    }

    async fn work_loop(&self) -> Result<()> {
        while self.stopped().is_none() {
            if let Some(claimed) = self.claim(Some(CLAIM_WAIT)).await? {
                self.handle(claimed).await?;
            }
        }
        Ok(())
    }

    /// Ends the run as abandoned (which gives the claim back) and queues
    /// the task again.
    async fn give_back(&self, claimed: &Claimed) {
        let client = self.client.with_claim(&claimed.claim_token);
        let finish = FinishRun {
            outcome: RunOutcome::Abandoned,
            summary: Some("tix work was interrupted".into()),
            ..FinishRun::default()
        };
        if let Err(err) = client.finish_run(&claimed.run_id, finish).await {
            eprintln!("tix work: could not end run {}: {}", claimed.run_id, err.message);
        }
        if let Some(task) = &claimed.task {
            let note = Some("tix work was interrupted; the task is queued again".to_string());
            // The claim is given back, its token spent: queue the task without it.
            if let Err(err) = self
                .client
                .set_task_status(&task.task_id, TaskStatus::Queued, note)
                .await
            {
                eprintln!("tix work: could not queue task {} again: {}", task.task_id, err.message);
            }
        }
    }

    /// What the command reads on its standard input.
    async fn instructions(&self, claimed: &Claimed) -> Result<String> {
        let mut text = String::new();
        if let Some(task) = &claimed.task {
            if let Some(phase) = self.client.phase_instructions(&self.workflow_id, task.phase_id).await? {
                text.push_str(&phase);
                text.push('\n');
            }
            text.push_str(&format!("# Task {}\n\n{}\n", task.task_id, task.description));
        }
        let ticket = &claimed.ticket;
        text.push_str(&format!("\n# Ticket {}: {}\n", ticket.id, ticket.title));
        if !ticket.description.trim().is_empty() {
            text.push_str(&format!("\n{}\n", ticket.description.trim()));
        }
        if !claimed.handoffs.is_empty() {
            text.push_str("\n# What earlier attempts left (most recent first)\n");
            for prior in &claimed.handoffs {
                let outcome = prior.outcome.map(|o| o.to_string()).unwrap_or_else(|| "open".into());
                text.push_str(&format!("\n## {} by {} ({outcome})\n", prior.run_id, prior.agent_id));
                if let Some(summary) = &prior.summary {
                    text.push_str(&format!("{summary}\n"));
                }
                if let Some(handoff) = &prior.handoff {
                    for (label, value) in [
                        ("Done", &handoff.done),
                        ("Remaining", &handoff.remaining),
                        ("Decisions", &handoff.decisions),
                        ("Risks", &handoff.risks),
                    ] {
                        if let Some(value) = value {
                            text.push_str(&format!("{label}: {value}\n"));
                        }
                    }
                }
            }
        }
        Ok(text)
    }

    /// Runs the command for one claimed task or ticket, then finishes the
    /// run and the task.
    async fn handle(&self, claimed: Claimed) -> Result<()> {
        let started = Instant::now();
        let ticket_id = claimed.ticket.id.clone();
        let task_id = claimed.task.as_ref().map(|t| t.task_id.clone());
        let label = match &task_id {
            Some(task) => format!("{ticket_id} {task}"),
            None => ticket_id.clone(),
        };
        self.say(format!("▶ {label}: {} (run {})", claimed.ticket.title, claimed.run_id))
            .await;
        let client = self.client.with_claim(&claimed.claim_token);
        let stdin_text = self.instructions(&claimed).await?;
        let mut command = tokio::process::Command::new(&self.command[0]);
        command
            .args(&self.command[1..])
            .env("TIX_TICKET_ID", &ticket_id)
            .env("TIX_RUN_ID", &claimed.run_id)
            .env("TIX_CLAIM", &claimed.claim_token)
            .env("TIX_AGENT_ID", self.client.agent())
            .env("TIX_WORKFLOW", &self.workflow_id)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Its own process group, so stopping it stops what it started too.
        #[cfg(unix)]
        command.process_group(0);
        match &task_id {
            Some(task) => command.env("TIX_TASK_ID", task),
            None => command.env_remove("TIX_TASK_ID"),
        };
        match &self.env.server {
            Some(server) => command.env("TIX_SERVER", server).env_remove("TIX_DATABASE_URL"),
            None => command
                .env("TIX_DATABASE_URL", &self.env.database)
                .env_remove("TIX_SERVER"),
        };
        if let Some(token) = &self.env.token {
            command.env("TIX_TOKEN", token);
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                let summary = format!("could not start `{}`: {err}", self.command[0]);
                self.say(summary.clone()).await;
                self.finish(&client, &claimed, RunOutcome::Failed, summary.clone(), None, started)
                    .await;
                return Err(Failure::new("command_failed", summary)
                    .with_hint("Check the command after `--`: is it on PATH and executable?")
                    .into());
            }
        };
        let tail = std::sync::Arc::new(std::sync::Mutex::new(VecDeque::<u8>::new()));
        let mut pumps = tokio::task::JoinSet::new();
        if let Some(mut stdin) = child.stdin.take() {
            pumps.spawn(async move {
                let _ = stdin.write_all(stdin_text.as_bytes()).await;
                // Dropping stdin closes it: the command sees the end of input.
            });
        }
        if let Some(stdout) = child.stdout.take() {
            let tail = tail.clone();
            if self.json {
                pumps.spawn(pump(stdout, tokio::io::stderr(), tail));
            } else {
                pumps.spawn(pump(stdout, tokio::io::stdout(), tail));
            }
        }
        if let Some(stderr) = child.stderr.take() {
            pumps.spawn(pump(stderr, tokio::io::stderr(), tail.clone()));
        }
        let mut beat = tokio::time::interval(self.lease / 3);
        beat.tick().await;
        let mut lease_lost = None;
        let status = loop {
            tokio::select! {
                status = child.wait() => break Some(status),
                () = interrupted(self.stop.clone()) => break None,
                _ = beat.tick() => {
                    match client.heartbeat(&ticket_id).await {
                        Ok(_) => {}
                        Err(failure) if failure.code() == "lease_lost" => {
                            lease_lost = Some(failure.message.clone());
                            break None;
                        }
                        Err(failure) => self.say(format!("heartbeat for {ticket_id} failed: {} (will retry)", failure.message)).await,
                    }
                }
            }
        };
        let status = match status {
            Some(status) => status.ok(),
            None => {
                // Interrupted, or the claim is gone: end the command (and
                // its children), politely first.
                signal_group(child.id(), false);
                match tokio::time::timeout(GRACE, child.wait()).await {
                    Ok(status) => status.ok(),
                    Err(_) => {
                        signal_group(child.id(), true);
                        let _ = child.start_kill();
                        child.wait().await.ok()
                    }
                }
            }
        };
        while pumps.join_next().await.is_some() {}
        let summary = {
            let tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            let bytes: Vec<u8> = tail.iter().copied().collect();
            String::from_utf8_lossy(&bytes).trim().to_string()
        };
        if let Some(reason) = lease_lost {
            self.say(format!(
                "✗ {label}: the claim was lost ({reason}); the command was stopped"
            ))
            .await;
            self.report(&claimed, "lease_lost", status.and_then(|s| s.code()), started);
            return Ok(());
        }
        if self.stopped().is_some() {
            self.give_back(&claimed).await;
            self.say(format!(
                "■ {label}: interrupted; the run is abandoned and the task queued again"
            ))
            .await;
            self.report(&claimed, "abandoned", status.and_then(|s| s.code()), started);
            return Ok(());
        }
        let code = status.and_then(|s| s.code());
        let outcome = if code == Some(0) {
            RunOutcome::Succeeded
        } else {
            RunOutcome::Failed
        };
        self.finish(&client, &claimed, outcome, summary, code, started).await;
        Ok(())
    }

    /// Finishes the run (unless the command already did) and the task.
    async fn finish(
        &self,
        client: &Client,
        claimed: &Claimed,
        outcome: RunOutcome,
        summary: String,
        code: Option<i32>,
        started: Instant,
    ) {
        let summary = (!summary.is_empty()).then_some(summary);
        let finish = FinishRun {
            outcome,
            summary,
            exit_code: code,
            ..FinishRun::default()
        };
        let mut reported = outcome.to_string();
        match client.finish_run(&claimed.run_id, finish).await {
            Ok(run) => {
                if let Some(ended) = run.outcome {
                    reported = ended.to_string();
                }
            }
            // The command finished the run itself: its word stands.
            Err(failure) if failure.code() == "run_ended" => {
                if let Ok(run) = client.get_run(&claimed.run_id).await {
                    reported = run.outcome.map(|o| o.to_string()).unwrap_or(reported);
                }
            }
            Err(failure) => {
                self.say(format!("could not finish run {}: {}", claimed.run_id, failure.message))
                    .await
            }
        }
        if let Some(task) = &claimed.task {
            let (status, note) = match outcome {
                RunOutcome::Succeeded => (TaskStatus::Done, format!("done by tix work (run {})", claimed.run_id)),
                _ => (
                    TaskStatus::Failed,
                    format!(
                        "the command exited with {} (run {})",
                        code.map_or("a signal".into(), |c| c.to_string()),
                        claimed.run_id
                    ),
                ),
            };
            // The finished run gave the claim back, so its token is spent:
            // the task is marked without it, if it is still ours to mark.
            let worker = &self.client;
            match worker.get_task(&task.task_id).await {
                Ok(current)
                    if current.status == TaskStatus::InProgress
                        && current.assigned_agent_id.as_deref() == Some(worker.agent()) =>
                {
                    if let Err(failure) = worker.set_task_status(&task.task_id, status, Some(note)).await {
                        self.say(format!(
                            "could not mark task {} {status}: {}",
                            task.task_id, failure.message
                        ))
                        .await;
                    }
                }
                // The command moved its task itself (or it is no longer ours).
                Ok(_) => {}
                Err(failure) => {
                    self.say(format!("could not read task {}: {}", task.task_id, failure.message))
                        .await
                }
            }
        }
        let mark = if reported == "succeeded" { "✓" } else { "✗" };
        let exit = code.map_or("killed by a signal".into(), |c| format!("exit {c}"));
        self.say(format!(
            "{mark} {}: {reported} in {:.1}s ({exit})",
            claimed.task.as_ref().map_or(claimed.ticket.id.clone(), |t| format!(
                "{} {}",
                claimed.ticket.id, t.task_id
            )),
            started.elapsed().as_secs_f64()
        ))
        .await;
        self.report(claimed, &reported, code, started);
    }

    /// With `--json`: one line per finished run on stdout.
    fn report(&self, claimed: &Claimed, outcome: &str, code: Option<i32>, started: Instant) {
        if self.json {
            let line = json!({
                "run_id": claimed.run_id,
                "ticket_id": claimed.ticket.id,
                "task_id": claimed.task.as_ref().map(|t| &t.task_id),
                "outcome": outcome,
                "exit_code": code,
                "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            });
            println!("{line}");
        }
    }
}

/// Sends SIGTERM (or SIGKILL) to the command's process group.
fn signal_group(pid: Option<u32>, kill: bool) {
    #[cfg(unix)]
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        use nix::sys::signal::{killpg, Signal};
        let signal = if kill { Signal::SIGKILL } else { Signal::SIGTERM };
        let _ = killpg(nix::unistd::Pid::from_raw(pid), signal);
    }
    #[cfg(not(unix))]
    let _ = (pid, kill);
}

/// Resolves once an interrupt arrived.
async fn interrupted(mut stop: watch::Receiver<Option<u8>>) {
    let _ = stop.wait_for(Option::is_some).await.map(|_| ());
}

/// Copies a child's output to ours, keeping its last [`SUMMARY_TAIL`] bytes.
async fn pump<R, W>(mut from: R, mut to: W, tail: std::sync::Arc<std::sync::Mutex<VecDeque<u8>>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = [0u8; 8192];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let _ = to.write_all(&buffer[..n]).await;
        let _ = to.flush().await;
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.extend(&buffer[..n]);
        let excess = tail.len().saturating_sub(SUMMARY_TAIL);
        tail.drain(..excess);
    }
}
