//! Arguments of export and import: the Tix format, plain ticket lines, and
//! other trackers' files.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format: JSON Lines (the Tix export format, version 1).
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,

    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Jsonl,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["file", "foreign_file"]))]
pub struct ImportArgs {
    /// A Tix export (`tix export`: its workflow is created), or JSON Lines of plain tickets
    /// ({title, ticket_type, description?, priority?, tags?, blocked_by_ticket_ids?,
    /// assigned_agent_id?, id?, workflow_id?}; blockers may name earlier lines), told apart by
    /// the export's header line.
    #[arg(long, short = 'f', value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Import another tracker's file into the workflow (--workflow, or the only one): `beads`
    /// (.beads/issues.jsonl) or `github` (the JSON of `gh issue list --state all --json
    /// number,title,body,labels,state,assignees,createdAt,closedAt,comments,url`).
    #[arg(long, value_enum, value_name = "SOURCE", requires = "foreign_file")]
    pub from: Option<ImportSource>,

    /// The file of --from.
    #[arg(value_name = "FILE", requires = "from")]
    pub foreign_file: Option<PathBuf>,

    /// Keep the export's ids (workflow, tickets, tasks, runs) instead of new ones; refused when
    /// any is taken. Export → import --keep-ids into an empty database → export gives the same
    /// file.
    #[arg(long, conflicts_with = "from")]
    pub keep_ids: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportSource {
    Beads,
    Github,
}
