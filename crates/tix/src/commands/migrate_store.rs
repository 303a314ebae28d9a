//! `tix migrate-store --from sqlite://tix.db --to postgres://…`: copy every
//! table into PostgreSQL with a progress bar, then verify the counts.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use tix_store::{copy_sqlite_to_postgres, CopyProgress, DatabaseUrl, PgOptions, PgStore};

use crate::cli::MigrateStoreArgs;
use crate::error::Failure;

pub async fn run(args: MigrateStoreArgs, json: bool) -> Result<()> {
    let from = match DatabaseUrl::parse(&args.from)? {
        DatabaseUrl::SqliteFile(path) => path,
        other => {
            return Err(
                Failure::new("invalid_source", format!("--from must be a SQLite file, not {other}"))
                    .with_hint("Copy from e.g. --from sqlite://./tix.db.")
                    .into(),
            )
        }
    };
    if !from.exists() {
        return Err(
            Failure::new("invalid_source", format!("{} does not exist", from.display()))
                .with_hint("Name the SQLite file `tix serve` used (default ./tix.db).")
                .into(),
        );
    }
    let to = match DatabaseUrl::parse(&args.to)? {
        DatabaseUrl::Postgres(url) => url,
        other => {
            return Err(
                Failure::new("invalid_target", format!("--to must be a PostgreSQL URL, not {other}"))
                    .with_hint("Copy into e.g. --to postgres://tix@localhost/tix.")
                    .into(),
            )
        }
    };
    let target = PgStore::connect(
        &to,
        PgOptions {
            max_connections: 2,
            schema: None,
        },
    )
    .await?;
    let bar = if json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    if let Ok(style) = ProgressStyle::with_template("{msg:>16} {bar:40.cyan/blue} {pos}/{len} rows  {per_sec}") {
        bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
    }
    let report = copy_sqlite_to_postgres(&from, &target, args.force, |progress| match progress {
        CopyProgress::Table { table, rows } => {
            bar.set_message(table);
            bar.set_length(rows);
            bar.set_position(0);
        }
        CopyProgress::Rows { done } => bar.set_position(done),
    })
    .await?;
    bar.finish_and_clear();
    if json {
        let tables: serde_json::Map<String, serde_json::Value> =
            report.tables.iter().map(|(t, n)| (t.clone(), json!(n))).collect();
        println!("{}", json!({ "copied": tables }));
    } else {
        for (table, rows) in &report.tables {
            println!("{table:>16}  {rows} rows");
        }
        println!("copied and verified; point `tix serve --database` at the PostgreSQL URL");
    }
    Ok(())
}
