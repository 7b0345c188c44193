//! The only code that talks to the engine (bollard). Streams in, commands out, over channels.

pub mod client;
pub mod convert;
pub mod engine;
pub mod exec;
pub mod images;
pub mod logs;
pub mod resources;
pub mod stats;
pub mod views;

pub use engine::spawn;
