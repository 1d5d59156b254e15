//! Connecting to DevLake's MySQL database from a URL, and reading in one read-only,
//! consistent snapshot.

use super::DevlakeError;
use crate::domain::{Timestamp, parse_timestamp};
use chrono::NaiveDate;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Value};
use std::time::Duration;

/// Where the database is, for messages: the URL without its password.
#[derive(Debug, Clone)]
pub struct Target {
    pub shown: String,
    pub database: String,
    opts: Opts,
}

/// Reads `mysql://user:pass@host:port/db`. DevLake's own `DB_URL` ends in Go driver
/// options (`?charset=utf8mb4&parseTime=True&loc=UTC`) that mean nothing here: the query
/// part is dropped. No message repeats the password.
pub fn target(url: &str) -> Result<Target, DevlakeError> {
    let url = url.trim();
    let usage = "expected mysql://USER:PASSWORD@HOST:PORT/DATABASE";
    let Some(rest) = url.strip_prefix("mysql://") else {
        let scheme = url.split_once("://").map_or("no scheme", |(s, _)| s);
        return Err(DevlakeError::Url(format!("the DevLake URL must start with mysql:// (found {scheme}); {usage}")));
    };
    let without_query = rest.split_once('?').map_or(rest, |(r, _)| r);
    let opts = Opts::from_url(&format!("mysql://{without_query}"))
        .map_err(|e| DevlakeError::Url(format!("the DevLake URL cannot be read ({e}); {usage}")))?;
    let Some(database) = opts.get_db_name().filter(|d| !d.is_empty()).map(str::to_owned) else {
        return Err(DevlakeError::Url(format!(
            "the DevLake URL names no database (DevLake's is usually lake); {usage}"
        )));
    };
    let user = opts.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    let shown = format!("mysql://{user}{}:{}/{database}", opts.get_ip_or_hostname(), opts.get_tcp_port());
    Ok(Target { shown, database, opts })
}

/// An open snapshot of the database.
pub struct Snapshot {
    conn: Conn,
}

impl Snapshot {
    /// Connects and starts a read-only transaction that sees one consistent state of every
    /// table for as long as it lasts, whatever DevLake writes meanwhile.
    pub fn open(target: &Target) -> Result<Self, DevlakeError> {
        let opts = OptsBuilder::from_opts(target.opts.clone())
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .read_timeout(Some(Duration::from_secs(600)))
            // Keep to the TCP address given, even on the server's own machine.
            .prefer_socket(false);
        let conn = Conn::new(opts)
            .map_err(|e| DevlakeError::Connect { at: target.shown.clone(), message: one_line(&e.to_string()) })?;
        let mut snapshot = Snapshot { conn };
        for statement in [
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "SET SESSION time_zone = '+00:00'",
            "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
        ] {
            snapshot.conn.query_drop(statement).map_err(|e| query_error("the snapshot", &e))?;
        }
        Ok(snapshot)
    }

    /// Runs `sql` with `params` and hands each row to `each`.
    pub fn each_row(
        &mut self,
        table: &'static str,
        sql: &str,
        params: Vec<Value>,
        mut each: impl FnMut(mysql::Row) -> Result<(), DevlakeError>,
    ) -> Result<(), DevlakeError> {
        let result = self.conn.exec_iter(sql, params).map_err(|e| query_error(table, &e))?;
        for row in result {
            each(row.map_err(|e| query_error(table, &e))?)?;
        }
        Ok(())
    }

    /// Ends the snapshot. It wrote nothing, so nothing is lost if this fails.
    pub fn close(mut self) {
        let _ = self.conn.query_drop("COMMIT");
    }
}

/// A failed query as one line naming the table; a missing table or column says the
/// database is not (this version of) DevLake's.
fn query_error(table: &str, e: &mysql::Error) -> DevlakeError {
    match e {
        mysql::Error::MySqlError(m) if m.code == 1146 => {
            DevlakeError::MissingTable { table: table.to_owned(), message: one_line(&m.message) }
        }
        mysql::Error::MySqlError(m) if m.code == 1054 => {
            DevlakeError::MissingColumn { table: table.to_owned(), message: one_line(&m.message) }
        }
        e => DevlakeError::Query { table: table.to_owned(), message: one_line(&e.to_string()) },
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Column `i` as text; NULL is `None`.
pub fn text(row: &mysql::Row, i: usize) -> Option<String> {
    match row.as_ref(i)? {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        other => Some(other.as_sql(true).trim_matches('\'').to_owned()),
    }
}

/// Column `i`, a DATETIME in UTC (DevLake connects with `loc=UTC`); NULL and MySQL's zero
/// date are `None`. `Err` holds the text of a value that is no date.
pub fn instant(row: &mysql::Row, i: usize) -> Result<Option<Timestamp>, String> {
    match row.as_ref(i) {
        None | Some(Value::NULL) => Ok(None),
        Some(&Value::Date(y, mo, d, h, mi, s, _)) => {
            if y == 0 || mo == 0 || d == 0 {
                return Ok(None);
            }
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
                .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)))
                .map(|t| Some(t.and_utc().timestamp()))
                .ok_or_else(|| format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
        }
        Some(Value::Bytes(b)) => {
            let t = String::from_utf8_lossy(b);
            if t.starts_with("0000-00-00") {
                return Ok(None);
            }
            parse_timestamp(&t).map(Some).ok_or_else(|| t.into_owned())
        }
        Some(other) => Err(other.as_sql(true)),
    }
}
