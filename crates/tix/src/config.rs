//! The configuration file, `tix.toml`: every setting the flags and the
//! environment have, with the precedence flag > environment variable >
//! file > default. The file is the one `--config FILE` or `TIX_CONFIG`
//! names, else `tix.toml` in the working directory when there is one. An
//! unknown key, or a value of the wrong type, is an error naming it and
//! the file.
//!
//! clap parses the flags and the environment as always; a setting whose
//! value came from neither (its default, or nothing) then takes the file's
//! value ([`Config::apply`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::ArgMatches;
use serde::Deserialize;

use crate::cli::{Cli, Command, EmbedArgs, EmbedderArg};

/// The file looked for in the working directory.
pub const FILE_NAME: &str = "tix.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `--server`, `TIX_SERVER`.
    pub server: Option<String>,
    /// `--database`, `TIX_DATABASE_URL`.
    pub database: Option<String>,
    /// `--agent`, `TIX_AGENT_ID`.
    pub agent: Option<String>,
    /// `--workflow`, `TIX_WORKFLOW`.
    pub workflow: Option<String>,
    /// `--token`, `TIX_TOKEN`.
    pub token: Option<String>,
    /// `--claim`, `TIX_CLAIM`.
    pub claim: Option<String>,
    /// `--json`.
    pub json: Option<bool>,
    /// `RUST_LOG`.
    pub log: Option<String>,
    #[serde(default)]
    pub serve: Serve,
    #[serde(default)]
    pub mcp: Mcp,
    #[serde(default)]
    pub embedding: Embedding,
    #[serde(default)]
    pub webhooks: Webhooks,
    /// The file it came from, for messages.
    #[serde(skip)]
    pub path: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Serve {
    pub addr: Option<String>,
    pub demo: Option<bool>,
    /// Also `tix mcp --board`.
    pub board: Option<PathBuf>,
    pub pool_size: Option<u32>,
    pub graph_cache_nodes: Option<usize>,
    pub auth: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    /// `30s`, `2m`, or seconds.
    pub max_wait: Option<String>,
    pub metrics_public: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mcp {
    pub toolset: Option<String>,
    pub phase: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Embedding {
    /// `local`, `openai` or `none`.
    pub embedder: Option<String>,
    pub model_dir: Option<PathBuf>,
    pub url: Option<String>,
    pub model: Option<String>,
    pub api_key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// `tix webhook add --secret`, `TIX_WEBHOOK_SECRET`.
    pub secret: Option<String>,
}

/// The value `--config` names on the command line, if any (read before
/// clap, which needs the file's values to finish).
fn named_on_command_line(args: &[OsString]) -> Option<PathBuf> {
    let mut args = args.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            return None;
        }
        if text == "--config" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

/// The file to read: `--config`, `TIX_CONFIG`, or `./tix.toml` when it
/// exists; `None` when none applies.
pub fn locate(args: &[OsString]) -> Option<(PathBuf, bool)> {
    if let Some(path) = named_on_command_line(args) {
        return Some((path, true));
    }
    if let Some(path) = std::env::var_os("TIX_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    let local = PathBuf::from(FILE_NAME);
    local.is_file().then_some((local, false))
}

/// Reads and checks the file the command line, the environment or the
/// working directory names.
pub fn load(args: &[OsString]) -> Result<Option<Config>, String> {
    let Some((path, named)) = locate(args) else {
        return Ok(None);
    };
    if !named && !path.is_file() {
        return Ok(None);
    }
    read(&path).map(Some)
}

pub fn read(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
    let mut config: Config = toml::from_str(&text).map_err(|e| {
        let message = e.message().trim().replace("unknown field", "unknown key");
        let at = e
            .span()
            .map(|span| {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        format!("{}{at}: {message}", path.display())
    })?;
    config.path = path.to_path_buf();
    Ok(config)
}

/// Whether clap found no value for `id` on the command line or in the
/// environment (so the file's value applies).
fn unset(matches: &ArgMatches, id: &str) -> bool {
    !matches!(
        matches
            .try_get_raw(id)
            .ok()
            .flatten()
            .and_then(|_| matches.value_source(id)),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    )
}

fn set<T>(field: &mut T, matches: &ArgMatches, id: &str, value: Option<T>) {
    if let Some(value) = value {
        if unset(matches, id) {
            *field = value;
        }
    }
}

fn set_some<T>(field: &mut Option<T>, matches: &ArgMatches, id: &str, value: Option<T>) {
    if value.is_some() && unset(matches, id) {
        *field = value;
    }
}

impl Config {
    fn bad(&self, key: &str, message: impl std::fmt::Display) -> String {
        format!("{}: invalid value for `{key}`: {message}", self.path.display())
    }

    fn embed(&self, embed: &mut EmbedArgs, matches: &ArgMatches) -> Result<(), String> {
        let e = &self.embedding;
        if let Some(name) = &e.embedder {
            let chosen = match name.as_str() {
                "local" => EmbedderArg::Local,
                "openai" => EmbedderArg::Openai,
                "none" => EmbedderArg::None,
                other => return Err(self.bad("embedding.embedder", format!("'{other}'; use local, openai or none"))),
            };
            set(&mut embed.embedder, matches, "embedder", Some(chosen));
        }
        set_some(&mut embed.model_dir, matches, "model_dir", e.model_dir.clone());
        set_some(&mut embed.embedding_url, matches, "embedding_url", e.url.clone());
        set_some(&mut embed.embedding_model, matches, "embedding_model", e.model.clone());
        set_some(
            &mut embed.embedding_api_key,
            matches,
            "embedding_api_key",
            e.api_key.clone(),
        );
        Ok(())
    }

    /// Gives every setting clap left at its default the file's value.
    pub fn apply(&self, cli: &mut Cli, matches: &ArgMatches) -> Result<(), String> {
        let g = &mut cli.global;
        set_some(&mut g.server, matches, "server", self.server.clone());
        set(&mut g.database, matches, "database", self.database.clone());
        set(&mut g.agent, matches, "agent", self.agent.clone());
        set_some(&mut g.workflow, matches, "workflow", self.workflow.clone());
        set_some(&mut g.token, matches, "token", self.token.clone());
        set_some(&mut g.claim, matches, "claim", self.claim.clone());
        set(&mut g.json, matches, "json", self.json);
        let sub = match matches.subcommand() {
            Some((_, sub)) => sub,
            None => return Ok(()),
        };
        match &mut cli.command {
            Command::Serve(args) => {
                let s = &self.serve;
                set(&mut args.addr, sub, "addr", s.addr.clone());
                set(&mut args.demo, sub, "demo", s.demo);
                set_some(&mut args.board, sub, "board", s.board.clone());
                set(&mut args.pool_size, sub, "pool_size", s.pool_size);
                set(
                    &mut args.graph_cache_nodes,
                    sub,
                    "graph_cache_nodes",
                    s.graph_cache_nodes,
                );
                set(&mut args.auth, sub, "auth", s.auth.clone());
                set(&mut args.allowed_hosts, sub, "allowed_hosts", s.allowed_hosts.clone());
                if let Some(text) = &s.max_wait {
                    let wait = crate::cli::duration(text).map_err(|e| self.bad("serve.max_wait", e))?;
                    set(&mut args.max_wait, sub, "max_wait", Some(wait));
                }
                set(&mut args.metrics_public, sub, "metrics_public", s.metrics_public);
                self.embed(&mut args.embed, sub)?;
            }
            Command::Mcp(args) => {
                set_some(&mut args.toolset, sub, "toolset", self.mcp.toolset.clone());
                set_some(&mut args.phase, sub, "phase", self.mcp.phase);
                set_some(&mut args.board, sub, "board", self.serve.board.clone());
                self.embed(&mut args.embed, sub)?;
            }
            Command::Create(args) => self.embed(&mut args.embed, sub)?,
            Command::Search(args) => self.embed(&mut args.embed, sub)?,
            Command::Reindex(args) => self.embed(&mut args.embed, sub)?,
            Command::Webhook(crate::cli::WebhookCommand::Add(args)) => {
                let nested = sub.subcommand().map(|(_, m)| m).unwrap_or(sub);
                set_some(&mut args.secret, nested, "secret", self.webhooks.secret.clone());
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_found_on_the_command_line_first() {
        let args: Vec<OsString> = ["tix", "--config", "a.toml", "list"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(named_on_command_line(&args), Some(PathBuf::from("a.toml")));
        let args: Vec<OsString> = ["tix", "list", "--config=b.toml"].iter().map(OsString::from).collect();
        assert_eq!(named_on_command_line(&args), Some(PathBuf::from("b.toml")));
        let args: Vec<OsString> = ["tix", "work", "--", "cmd", "--config", "c"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(
            named_on_command_line(&args),
            None,
            "a worker command's own flags are not ours"
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_key_and_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("tix.toml");
        std::fs::write(&path, "agent = \"a\"\n[serve]\nadress = \"x\"\n").expect("write");
        let err = read(&path).expect_err("unknown key");
        assert!(
            err.contains("adress") && err.contains("tix.toml") && err.contains("line 3"),
            "{err}"
        );
        std::fs::write(&path, "[serve]\npool_size = \"many\"\n").expect("write");
        let err = read(&path).expect_err("wrong type");
        assert!(err.contains("tix.toml"), "{err}");
        std::fs::write(
            &path,
            "database = \"sqlite://x.db\"\n[serve]\nallowed_hosts = [\"a\"]\n",
        )
        .expect("write");
        let config = read(&path).expect("valid");
        assert_eq!(config.serve.allowed_hosts, Some(vec!["a".to_string()]));
    }
}
