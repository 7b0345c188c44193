//! dockside: a fast, event-driven terminal UI for Docker engines.
//!
//! Three rooms:
//! - [`docker`]: the only code that talks to the engine (bollard). Streams in, commands out.
//! - [`app`]: the state and its pure update function. No I/O.
//! - [`views`]: one folder per view (its state, update and drawing) behind one shape.
//! - [`ui`]: drawing from `&State` only.

pub mod app;
pub mod config;
pub mod docker;
pub mod editor;
pub mod runtime;
pub mod scratch;
pub mod term;
pub mod ui;
pub mod views;
