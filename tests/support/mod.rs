//! Shared helpers for dockside's integration tests.
//!
//! Use from a test crate with `mod support;`.
//!
//! - [`engine`]: reach the Docker engine through the `docker` CLI, create
//!   labelled throw-away containers and clean them up.
//! - [`pty`]: run a program (normally the `dockside` binary) in a
//!   pseudo-terminal, type keys at it and read back the screen it drew. It lives in
//!   the `dockside-harness` workspace member (`crates/dockside-harness`), shared
//!   with `dockside-bench`.
//!
//! Every integration test is its own crate and uses only part of this module,
//! hence the blanket `dead_code` allowance.
#![allow(dead_code)]

pub mod compose;
pub mod engine;
pub mod registry;
// Not every test crate drives a pty.
#[allow(unused_imports)]
pub use dockside_harness::pty;

/// Polls `f` every 20 ms until it holds (`true`) or `timeout` passes
/// (`false`). Same as [`engine::wait_until`].
pub fn wait_until(timeout: std::time::Duration, f: impl FnMut() -> bool) -> bool {
    engine::wait_until(timeout, f)
}
pub mod driver;
pub mod screen;
