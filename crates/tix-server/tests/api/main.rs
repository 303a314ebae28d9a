//! The server's tests, one binary: each module drives a real server on
//! port 0 (started by [`harness::Server`]) over HTTP or MCP.
//!
//! - `board_rules`: what the web UI reads instead of copying rules (the
//!   effective board, `is_ready`, the latest events, the critical path);
//! - `coordination`: claim tokens and `lease_lost`, idempotency keys,
//!   runs and hand-offs, waiting for work, over REST and MCP;
//! - `webhooks`: signed deliveries to a receiver on 127.0.0.1, retries;
//! - `contract`: the edges of the HTTP contract (Host/Origin policy, limits,
//!   the error envelope, the OpenAPI document's shape);
//! - `interop`: hierarchy over REST and MCP, export and import over HTTP,
//!   on SQLite and (with `TIX_TEST_POSTGRES_URL`) PostgreSQL;
//! - `http`: the REST API (tickets, blocking, claims, tasks, the Guardian,
//!   commits, the OpenAPI document);
//! - `live`: what the web UI uses beyond it (the event stream, statistics,
//!   the embedded UI's files);
//! - `metrics`: `GET /metrics` (the Prometheus text format, what it
//!   counts, who may read it), on SQLite and PostgreSQL;
//! - `mcp`: MCP over streamable HTTP (the spec's three phases, toolsets,
//!   errors, tokens);
//! - `search`: search, duplicates and related tickets over HTTP and MCP.

mod board_rules;
mod contract;
mod coordination;
mod harness;
mod http;
mod interop;
mod live;
mod mcp;
mod metrics;
mod search;
mod webhooks;
