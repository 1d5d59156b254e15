//! retro: blameless, metrics-driven retrospectives in the terminal.
//!
//! Data flows one way, and each module uses only those before it in this list (a test,
//! `tests/it/layers.rs`, keeps it so):
//!
//! - [`text`], [`domain`]: terminal-safe text, and the plain types every layer shares.
//! - [`store`]: the SQLite store; [`import`] and [`synth`] feed it.
//! - [`metrics`]: DORA metrics, trends and signals, pure over an event set.
//! - [`query`]: reads that combine the store and the metric engine (metric and signal
//!   tables, where each action stands, the period a view ends with).
//! - [`retro`]: the guided retro as a state machine, and its session against the store.
//! - [`export`] (a retro's summary), [`report`] (metrics and signals for the command
//!   line), [`tui`] (the terminal app), [`demo`] (a seeded demo team).
//! - [`cli`], [`commands`]: the command line; the binary is a thin shell over
//!   [`commands::run`].

pub mod cli;
pub mod commands;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod metrics;
pub mod query;
pub mod report;
pub mod retro;
pub mod store;
pub mod synth;
pub mod text;
pub mod tui;
