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
mod config;
mod demo;
mod error;
mod git;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command};
use crate::error::{Exit, Failure};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The settings file first: its values fill what flags and variables leave unset.
    let config = match config::load(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("hint: fix the file (its keys are listed in the README's Configuration table), or name another with --config / TIX_CONFIG");
            return ExitCode::from(2);
        }
    };
    let matches = Cli::command().get_matches_from(&args);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Some(config) = &config {
        if let Err(message) = config.apply(&mut cli, &matches) {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    init_logging(
        matches!(cli.command, Command::Serve(_)),
        config.as_ref().and_then(|c| c.log.as_deref()),
    );
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

/// Logs go to stderr. `RUST_LOG` wins, then the settings file's `log`;
/// otherwise the server logs at info and the other commands only warn.
fn init_logging(serving: bool, configured: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let default = configured.unwrap_or(if serving { "info" } else { "warn" });
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
