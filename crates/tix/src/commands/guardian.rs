//! `tix guardian`: the rules in effect and the violations recorded.

use anyhow::Result;
use tix_core::guardian::{Mode, Rule, Violation, ViolationFilter};

use crate::cli::GuardianArgs;
use crate::commands::Ctx;
use crate::error::Failure;
use crate::output::{self, Table};

pub async fn run(ctx: &Ctx, args: GuardianArgs) -> Result<()> {
    let rule = match args.rule.as_deref() {
        None => None,
        Some(text) => Some(Rule::parse(text).ok_or_else(|| {
            let names: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
            Failure::new("validation_failed", format!("'{text}' is not a Guardian rule"))
                .with_hint(format!("Use one of: {}.", names.join(", ")))
        })?),
    };
    let workflow_id = ctx.workflow_id().await?;
    let filter = ViolationFilter {
        rule,
        agent_id: args.by,
        after: 0,
        limit: args.limit,
    };
    let report = ctx.client.guardian(&workflow_id, filter).await?;
    if ctx.json {
        output::print_json(&report);
        return Ok(());
    }
    let modes: Vec<String> = report
        .rules
        .iter()
        .map(|(rule, mode)| format!("{rule}={}", mode.as_str()))
        .collect();
    println!("rules: {}", modes.join("  "));
    if report.violations.is_empty() {
        println!("no violations");
        return Ok(());
    }
    let mut table = Table::new(&["WHEN", "RULE", "MODE", "AGENT", "OBJECT", "MESSAGE"]);
    for v in &report.violations {
        table.row(vec![
            output::time(&v.created_at),
            v.rule.to_string(),
            if v.mode == Mode::Enforce { "refused" } else { "warned" }.to_string(),
            v.agent_id.clone(),
            v.object_id.clone(),
            output::truncate(&v.message, 90),
        ]);
    }
    table.print();
    Ok(())
}

/// Prints the warnings a write came back with (stderr, so stdout stays the result).
pub fn print_warnings(violations: &[Violation]) {
    for v in violations {
        eprintln!("guardian [{}]: {}", v.rule, v.message);
        eprintln!("  fix: {}", v.fix);
    }
}
