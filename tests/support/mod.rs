//! Shared helpers for dockside's integration tests.
//!
//! Use from a test crate with `mod support;`.
//!
//! - [`engine`]: reach the Docker engine through the `docker` CLI, create
//!   labelled throw-away containers and clean them up.
//! - [`pty`]: run a program (normally the `dockside` binary) in a
//!   pseudo-terminal, type keys at it and read back the screen it drew.
//!
//! Every integration test is its own crate and uses only part of this module,
//! hence the blanket `dead_code` allowance.
#![allow(dead_code)]

pub mod engine;
pub mod pty;

pub use engine::wait_until;
pub mod driver;
