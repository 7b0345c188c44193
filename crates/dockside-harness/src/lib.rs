//! Tooling around dockside that is not part of the product: the pseudo-terminal driver the
//! integration tests and `dockside-bench` share ([`pty`]), and what they read from dockside
//! itself ([`keys`]).
//!
//! The root crate uses this one as a dev-dependency only, so `portable-pty` and the rest of
//! the harness are never linked into the `dockside` binary.

pub mod keys;
pub mod pty;
