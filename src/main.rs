use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use dockside::app::keymap::{DEFAULT_KEYMAP, Keymap};
use dockside::config::Config;
use dockside::docker::client;
use dockside::runtime;

/// A fast, event-driven terminal UI for Docker engines.
#[derive(Parser, Debug)]
#[command(name = "dockside", version, about, long_about = None)]
struct Cli {
    /// Engine address (unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host).
    /// Default: DOCKER_HOST, then the current docker context, then the local socket.
    #[arg(short = 'H', long = "host")]
    host: Option<String>,
    /// Use this docker context (see `docker context ls`).
    #[arg(long)]
    context: Option<String>,
    /// Configuration file (default: ~/.config/dockside/config.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Key bindings file (default: ~/.config/dockside/keymap.toml, else built in).
    #[arg(long)]
    keymap: Option<PathBuf>,
    /// Colour theme: dark, light, high-contrast, or a theme file (.toml).
    #[arg(long)]
    theme: Option<String>,
    /// Read-only: refuse every action that would change the engine (also `ui.readonly`).
    #[arg(long)]
    readonly: bool,
    /// Print the default configuration and exit.
    #[arg(long)]
    print_config: bool,
    /// Print the default key bindings and exit.
    #[arg(long)]
    print_keymap: bool,
}

/// The built-in keymap, with the user's file (given, or in the config directory) layered over
/// it. Any mistake in the file is an error naming the file and line.
fn load_keymap(path: Option<&PathBuf>) -> Result<Keymap, String> {
    let (path, required) = match path {
        Some(p) => (p.clone(), true),
        None => match directories::ProjectDirs::from("", "", "dockside") {
            Some(d) => (d.config_dir().join("keymap.toml"), false),
            None => return Keymap::parse(DEFAULT_KEYMAP),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Keymap::with_user(&text, &path.display().to_string()),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            Keymap::parse(DEFAULT_KEYMAP)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.print_config {
        print!("{}", dockside::config::DEFAULT_CONFIG);
        return ExitCode::SUCCESS;
    }
    if cli.print_keymap {
        print!("{DEFAULT_KEYMAP}");
        return ExitCode::SUCCESS;
    }
    let mut config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("dockside: config: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(theme) = &cli.theme
        && let Err(e) = config.set_theme(theme)
    {
        eprintln!("dockside: {e}");
        return ExitCode::from(2);
    }
    if cli.readonly {
        config.ui.readonly = true;
    }
    let keymap = match load_keymap(cli.keymap.as_ref()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("dockside: {e}");
            return ExitCode::from(2);
        }
    };
    let target = client::resolve(cli.host.as_deref(), cli.context.as_deref());
    if let Err(e) = client::validate(&target.addr) {
        eprintln!("dockside: {} ({}): {e}", target.addr, target.source);
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("dockside: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(runtime::run(runtime::Options {
        target,
        keymap,
        config,
    }));
    // Exec'd shells do not end with their connection: end them, briefly.
    rt.block_on(dockside::docker::exec::reap_all(
        std::time::Duration::from_millis(1500),
    ));
    // Streams may still be open; don't wait for them.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(runtime::Exit::Quit) => ExitCode::SUCCESS,
        Ok(runtime::Exit::Signal(n)) => ExitCode::from(128u8.saturating_add(n as u8)),
        Err(e) => {
            eprintln!("dockside: {e}");
            ExitCode::FAILURE
        }
    }
}
