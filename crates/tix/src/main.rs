//! `tix`: the Tix command line. One binary that runs the server
//! (`tix serve`) and talks to it (`--server URL`), or, when no server is
//! named, opens the database directly through the same store code.
//!
//! Exit codes: 0 on success, 1 when the operation failed (the error and a
//! hint go to stderr; with `--json` the error body also goes to stdout),
//! 2 for usage errors (clap).

mod cli;
mod client;
mod commands;
mod demo;
mod error;
mod git;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Exit, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(matches!(cli.command, Command::Serve(_)));
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match err.downcast_ref::<Exit>() {
            Some(Exit(code)) => ExitCode::from(*code),
            None => {
                report(&err, json);
                ExitCode::FAILURE
            }
        },
    }
}

/// Prints `error: …` and `hint: …` to stderr; with `--json` also the
/// error body (`{"error": {"code", "message", "hint", …}}`) to stdout.
fn report(err: &anyhow::Error, json: bool) {
    let failure = match err.downcast_ref::<Failure>() {
        Some(failure) => failure.clone(),
        None => Failure::new("cli_error", format!("{err:#}")),
    };
    if json {
        println!("{}", output::to_json_string(&failure.body()));
    }
    eprintln!("error: {}", failure.message);
    if let Some(hint) = &failure.hint {
        eprintln!("hint: {hint}");
    }
}

/// Logs go to stderr. `RUST_LOG` wins; otherwise the server logs at info
/// and the other commands only warn.
fn init_logging(serving: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if serving { "info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
