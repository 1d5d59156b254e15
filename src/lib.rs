//! retro: blameless, metrics-driven retrospectives in the terminal.
//!
//! Data flows one way: [`import`] -> [`store`] -> [`metrics`] -> [`report`]. The binary
//! is a thin shell over [`commands::run`].

pub mod actions;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod metrics;
pub mod report;
pub mod retro;
pub mod store;
pub mod synth;
pub mod text;
pub mod tui;
