//! The only code that talks to the engine (bollard). Streams in, commands out, over channels.

pub mod build;
pub mod build_context;
pub mod client;
pub mod convert;
pub mod credentials;
pub mod dockerignore;
pub mod engine;
pub mod exec;
pub mod images;
pub mod logs;
pub mod progress;
pub mod resources;
pub mod stats;
pub mod task;
pub mod views;

pub use engine::spawn;
