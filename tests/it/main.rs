//! One integration-test binary: every module links the library (and SQLite) once, not once per file.

mod actions;
mod cli;
mod cli_retro;
mod common;
mod effect;
mod export;
mod git_import;
mod hostile;
mod import;
mod incident_links;
mod metrics_oracle;
mod prompts;
mod retro_flow;
mod retro_hold;
mod signals;
mod store_upgrade;
mod terminal_restore;
mod tmux_e2e;
mod tool_import;
mod tui_actions;
mod tui_hostile;
mod tui_render;
mod tui_retro_render;
mod tui_sizes;
mod tui_state;
