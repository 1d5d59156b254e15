//! The guided retro, with no terminal code: how metrics moved in the window, which
//! prompts to ask, and the flow through the stages as a state machine.

pub mod flow;
pub mod hold;
pub mod movement;
pub mod prompts;
pub mod session;
