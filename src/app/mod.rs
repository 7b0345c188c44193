//! Application state and its pure update function: no I/O here.

pub mod action;
pub mod cli;
pub mod command_palette;
pub mod containers;
pub mod dialogs;
pub mod events;
pub mod exec;
pub mod files;
pub mod files_tab;
#[doc(hidden)]
pub mod fixtures;
pub mod from_engine;
pub mod images;
pub mod keymap;
pub mod keys;
pub mod layout;
pub mod logbuf;
pub mod logs;
pub mod model;
pub mod mouse;
pub mod msg;
pub mod notty;
pub mod overlay;
pub mod palette;
pub mod palette_entries;
pub mod prompts;
pub mod registry;
pub mod resources;
pub mod router;
pub mod runform;
pub mod sanitize;
pub mod state;
pub mod stats;
pub mod swarm;
pub mod switch;
pub mod top;
pub mod update;

pub use msg::{Cmd, Msg};
pub use state::State;
pub use update::update;
