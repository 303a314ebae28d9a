//! `tix migrate-store`: copies a SQLite database into PostgreSQL, table by
//! table, in one target transaction, then verifies the row counts.
//!
//! Tables and columns are discovered from both schemas (the tables present
//! in both, the columns present in both), so tables added by later
//! migrations copy without code changes. Values are bound as text (or bytes)
//! and cast to the target column's type by PostgreSQL.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sqlx::{Connection as _, PgConnection, Postgres, QueryBuilder, Row};

use crate::PgStore;
use crate::{Error, Result};

/// Copied first, in this order, for foreign keys; other shared tables follow
/// alphabetically.
const ORDER: &[&str] = &[
    "workflows",
    "tickets",
    "ticket_edges",
    "ticket_comments",
    "ticket_history",
    "events",
    "webhooks",
];
/// Tables that are bookkeeping, not data, and tables the target's triggers
/// fill while the tickets and embeddings are copied (the embedding queue and
/// change log): copying those too would collide with what the triggers wrote.
const SKIP: &[&str] = &[
    "schema_migrations",
    "sqlite_sequence",
    "embedding_queue",
    "embedding_changes",
];
const ROWS_PER_STATEMENT: usize = 500;

/// Progress of a copy, for a progress bar.
#[derive(Debug, Clone)]
pub enum CopyProgress {
    /// About to copy `rows` rows of `table`.
    Table { table: String, rows: u64 },
    /// `done` rows of the current table are copied.
    Rows { done: u64 },
}

/// What was copied.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// (table, rows), in copy order; each count verified in the target.
    pub tables: Vec<(String, u64)>,
}

struct Column {
    name: String,
    pg_type: String,
}

enum Value {
    Null,
    Text(String),
    Bytes(Vec<u8>),
}

async fn target_tables(conn: &mut PgConnection) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut *conn)
    .await?)
}

async fn target_columns(conn: &mut PgConnection, table: &str) -> Result<Vec<Column>> {
    let rows = sqlx::query(
        "SELECT column_name::text, format_type(a.atttypid, a.atttypmod) FROM information_schema.columns c \
         JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass \
              AND a.attname = c.column_name \
         WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Column {
                name: r.try_get(0)?,
                pg_type: r.try_get(1)?,
            })
        })
        .collect()
}

fn source_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
    let tables = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tables)
}

fn source_columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let columns = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(columns)
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

async fn count(conn: &mut PgConnection, table: &str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {}", quote(table));
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?)
}

/// Copies every Tix table of the SQLite file at `from` into `to`. Refuses a
/// target that already holds data unless `replace` is set, in which case
/// the target's rows are deleted first (in the same transaction).
pub async fn copy_sqlite_to_postgres(
    from: &Path,
    to: &PgStore,
    replace: bool,
    mut progress: impl FnMut(CopyProgress),
) -> Result<CopyReport> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::Storage(format!("cannot open {}: {e}", from.display())))?;
    let mut conn = to.pool().acquire().await?;
    let mut tx = conn.begin().await?;

    let in_target = target_tables(&mut tx).await?;
    let mut tables: Vec<String> = source_tables(&source)?
        .into_iter()
        .filter(|t| !SKIP.contains(&t.as_str()) && in_target.contains(t))
        .collect();
    tables.sort_by_key(|t| (ORDER.iter().position(|o| o == t).unwrap_or(ORDER.len()), t.clone()));

    let mut non_empty = Vec::new();
    for table in &tables {
        if count(&mut tx, table).await? > 0 {
            non_empty.push(table.clone());
        }
    }
    if !non_empty.is_empty() {
        if !replace {
            return Err(tix_core::DomainError::validation(
                "to",
                format!(
                    "the target database already holds data (tables {}); pass --force to replace it",
                    non_empty.join(", ")
                ),
            )
            .into());
        }
        // Every Tix table of the target, trigger-filled ones included, in
        // one statement (TRUNCATE is transactional in PostgreSQL).
        let all: Vec<String> = in_target
            .iter()
            .filter(|t| t.as_str() != "schema_migrations")
            .map(|t| quote(t))
            .collect();
        let sql = format!("TRUNCATE {} RESTART IDENTITY CASCADE", all.join(", "));
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
    }

    let mut report = Vec::new();
    for table in &tables {
        let source_cols = source_columns(&source, table)?;
        let columns: Vec<Column> = target_columns(&mut tx, table)
            .await?
            .into_iter()
            .filter(|c| source_cols.contains(&c.name))
            .collect();
        let total: i64 = source.query_row(&format!("SELECT COUNT(*) FROM {}", quote(table)), [], |r| r.get(0))?;
        progress(CopyProgress::Table {
            table: table.clone(),
            rows: total as u64,
        });
        let select = format!(
            "SELECT {} FROM {}",
            columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", "),
            quote(table)
        );
        let mut stmt = source.prepare(&select)?;
        let mut rows = stmt.query([])?;
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_STATEMENT);
        let mut done = 0u64;
        loop {
            let row = rows.next()?;
            if let Some(row) = row {
                let mut values = Vec::with_capacity(columns.len());
                for i in 0..columns.len() {
                    values.push(match row.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => Value::Text(n.to_string()),
                        ValueRef::Real(x) => Value::Text(x.to_string()),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                    });
                }
                batch.push(values);
            }
            if batch.len() == ROWS_PER_STATEMENT || (row.is_none() && !batch.is_empty()) {
                insert_batch(&mut tx, table, &columns, &batch).await?;
                done += batch.len() as u64;
                batch.clear();
                progress(CopyProgress::Rows { done });
            }
            if row.is_none() {
                break;
            }
        }
        let copied = count(&mut tx, table).await?;
        if copied != total {
            return Err(Error::Storage(format!(
                "{table}: copied {copied} rows of {total}; nothing was committed"
            )));
        }
        // Keep serial columns ahead of the copied ids.
        for column in columns.iter().filter(|c| c.pg_type == "bigint") {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{col}'), COALESCE(MAX({qcol}), 0) + 1, false) \
                 FROM {qtable} WHERE pg_get_serial_sequence('{table}', '{col}') IS NOT NULL",
                col = column.name,
                qcol = quote(&column.name),
                qtable = quote(table),
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        report.push((table.clone(), total as u64));
    }
    tx.commit().await?;
    // Cached graphs of this process may describe the old target.
    to.forget_graphs();
    Ok(CopyReport { tables: report })
}

async fn insert_batch(tx: &mut PgConnection, table: &str, columns: &[Column], rows: &[Vec<Value>]) -> Result<()> {
    let names = columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", ");
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(format!("INSERT INTO {} ({names}) ", quote(table)));
    query.push_values(rows, |mut b, row| {
        for (value, column) in row.iter().zip(columns) {
            match value {
                Value::Null => b.push(format!("NULL::{}", column.pg_type)),
                Value::Text(text) => b
                    .push_bind(text.clone())
                    .push_unseparated(format!("::{}", column.pg_type)),
                Value::Bytes(bytes) => b
                    .push_bind(bytes.clone())
                    .push_unseparated(format!("::{}", column.pg_type)),
            };
        }
    });
    query.build().execute(&mut *tx).await?;
    Ok(())
}
