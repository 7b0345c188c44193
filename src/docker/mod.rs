//! The only code that talks to the engine (bollard). Streams in, commands out, over channels.
//!
//! [`engine`] keeps a connection up and runs a [`session`] on it, which routes each command
//! to the file of its resource: [`containers`] (and [`container_list`], the list kept from
//! events), [`images`] (with [`build`], [`build_context`], [`dockerignore`], [`progress`],
//! [`credentials`]), [`volumes`], [`networks`], [`system`], [`events`], [`exec`], [`logs`],
//! [`stats`], and [`lists`] for the resource views' lists. [`client`] says which engine and
//! how to reach it; [`task`] and [`query`] are leaves shared by the rest.

pub mod archive;
pub mod build;
pub mod build_context;
pub mod client;
pub mod compose_cli;
pub mod container_list;
pub mod containers;
pub mod credentials;
pub mod deploy;
pub mod dockerignore;
pub mod edit;
pub mod engine;
pub mod events;
pub mod exec;
pub mod files;
pub mod group_logs;
pub mod image_tar;
pub mod images;
pub mod lists;
pub mod logs;
pub mod networks;
pub mod progress;
pub mod projects;
pub mod query;
pub mod recreate;
pub mod refuse;
pub mod registry;
pub mod service_logs;
pub mod session;
pub mod ssh;
pub mod stats;
pub mod swarm;
pub mod system;
pub mod task;
pub mod volumes;

pub use client::Asked;
pub use engine::{Engines, ask_first_list, spawn, spawn_engine};

use crate::app::msg::Req;
use client::Target;

/// What the runtime tells the engine task.
#[derive(Debug, Clone, PartialEq)]
pub enum ToEngine {
    /// A request for the engine.
    Req(Req),
    /// Leave this engine for another; tag its messages with this epoch.
    Switch(Target, u64),
    /// End: close every stream and session.
    Quit,
}
