//! Runs the built `tix` binary, one test binary for all its surfaces:
//! the CLI against a temporary database, directly (local mode) and through
//! `tix serve` on port 0 (remote mode); `tix mcp` over stdio; replicas of
//! `tix serve` on one PostgreSQL database. [`harness`] runs the binary.

mod commits;
mod config;
mod flow;
mod harness;
mod interop;
mod mcp_stdio;
mod replicas;
mod search;
mod tasks;
mod tickets;
mod tokens;
mod usage;
mod use_cases;
mod webhooks;
mod work;
