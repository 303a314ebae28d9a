//! `tix hooks install` / `tix hooks uninstall`: a `post-commit` hook that
//! links each new commit to the tickets it references. An existing hook is
//! never overwritten: it is kept as `post-commit.tix-orig` and run first;
//! uninstalling puts it back.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tix_store::DatabaseUrl;

use crate::cli::{GlobalArgs, HooksArgs, HooksCommand};
use crate::error::Failure;
use crate::git;

const HOOK: &str = "post-commit";
const CHAINED: &str = "post-commit.tix-orig";
const MARKER: &str = "# tix-hook: post-commit";

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// How the hook reaches Tix: the server, or the database as an absolute URL.
fn connection(global: &GlobalArgs) -> Result<String> {
    if let Some(server) = &global.server {
        return Ok(format!("--server {}", quote(server)));
    }
    match DatabaseUrl::parse(&global.database).map_err(Failure::from)? {
        DatabaseUrl::SqliteFile(path) => {
            let absolute = if path.is_absolute() {
                path
            } else {
                std::env::current_dir()?.join(path)
            };
            Ok(format!(
                "--database {}",
                quote(&format!("sqlite://{}", absolute.display()))
            ))
        }
        _ => Ok(format!("--database {}", quote(&global.database))),
    }
}

fn script(tix: &Path, connection: &str) -> String {
    format!(
        "#!/bin/sh\n\
         {MARKER}\n\
         # Links each new commit to the tickets its message references (TICKET: / Refs / Fixes\n\
         # ticket-xxx). Installed by `tix hooks install`; `tix hooks uninstall` removes it and\n\
         # restores the hook it chains to ({CHAINED}), if any.\n\
         status=0\n\
         chained=\"$(dirname \"$0\")/{CHAINED}\"\n\
         if [ -x \"$chained\" ]; then\n    \"$chained\" \"$@\" || status=$?\nfi\n\
         {} {connection} commits link HEAD --hook || echo \"tix: this commit was not linked; run 'tix commits scan' later\" >&2\n\
         exit $status\n",
        quote(&tix.display().to_string())
    )
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| text.contains(MARKER))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}

fn hooks_dir(repo: Option<PathBuf>) -> Result<PathBuf> {
    let start = match repo {
        Some(path) => path,
        None => std::env::current_dir()?,
    };
    let top = git::toplevel(&start)?;
    Ok(git::hooks_dir(&top)?)
}

pub fn run(command: HooksCommand, global: &GlobalArgs) -> Result<()> {
    match command {
        HooksCommand::Install(args) => install(args, global),
        HooksCommand::Uninstall(args) => uninstall(args),
    }
}

fn install(args: HooksArgs, global: &GlobalArgs) -> Result<()> {
    let dir = hooks_dir(args.repo)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let hook = dir.join(HOOK);
    let chained = dir.join(CHAINED);
    let mut note = String::new();
    if hook.exists() && !is_ours(&hook) {
        if chained.exists() {
            return Err(Failure::new(
                "hook_conflict",
                format!("{} exists and so does {}", hook.display(), chained.display()),
            )
            .with_hint("Move one of them away by hand, then install again.")
            .into());
        }
        std::fs::rename(&hook, &chained).with_context(|| format!("keeping {}", hook.display()))?;
        note = format!(" (the existing hook is kept as {CHAINED} and runs first)");
    }
    let tix = std::env::current_exe().context("finding the tix binary")?;
    std::fs::write(&hook, script(&tix, &connection(global)?)).with_context(|| format!("writing {}", hook.display()))?;
    make_executable(&hook)?;
    println!("installed {}{note}", hook.display());
    Ok(())
}

fn uninstall(args: HooksArgs) -> Result<()> {
    let dir = hooks_dir(args.repo)?;
    let hook = dir.join(HOOK);
    let chained = dir.join(CHAINED);
    if !is_ours(&hook) {
        return Err(
            Failure::new("hook_not_installed", format!("{} is not tix's hook", hook.display()))
                .with_hint("Nothing to uninstall; `tix hooks install` adds it.")
                .into(),
        );
    }
    std::fs::remove_file(&hook).with_context(|| format!("removing {}", hook.display()))?;
    if chained.exists() {
        std::fs::rename(&chained, &hook).with_context(|| format!("restoring {}", chained.display()))?;
        println!("removed tix's hook; restored the original {}", hook.display());
    } else {
        println!("removed {}", hook.display());
    }
    Ok(())
}
