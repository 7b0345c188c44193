//! Application state and its pure update function: no I/O here.

pub mod keys;
pub mod logbuf;
pub mod sanitize;
pub mod stats;
