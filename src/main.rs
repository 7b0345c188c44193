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
    /// Engine address (unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host:port).
    /// Give it several times to show several engines at once.
    /// Default: the config's [[engines]], else DOCKER_HOST, the current docker context, the
    /// local socket.
    #[arg(short = 'H', long = "host")]
    host: Vec<String>,
    /// Use this docker context (see `docker context ls`); several times for several engines.
    #[arg(long)]
    context: Vec<String>,
    /// Show every docker context's engine at once (and the default one).
    #[arg(long)]
    all_contexts: bool,
    /// Bring up this compose file's project at start (`docker compose -f FILE up -d`, its
    /// output in the projects view).
    #[arg(short = 'f', long = "file")]
    file: Option<String>,
    /// The project name for `--file` (default: its folder's name, as compose names it).
    #[arg(short = 'p', long = "project-name", requires = "file")]
    project_name: Option<String>,
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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Print a shell completion script: `dockside completions bash > /etc/bash_completion.d/dockside`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `dockside man | man -l -`.
    Man,
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

/// The engines to show: `-H` and `--context` (each as often as given) and `--all-contexts`;
/// else the config's `[[engines]]`; else the one the docker CLI would use. An address
/// dockside cannot use is an error naming it.
fn engines(cli: &Cli, config: &Config) -> Result<Vec<dockside::app::fleet::HostSpec>, String> {
    let mut targets: Vec<(Option<String>, client::Target)> = Vec::new();
    for h in &cli.host {
        targets.push((None, client::resolve(Some(h), None)));
    }
    for c in &cli.context {
        let t = client::resolve(None, Some(c));
        if client::context_of(&t).is_none() && c != "default" {
            return Err(format!(
                "--context {c}: no such docker context (see `docker context ls`)"
            ));
        }
        targets.push((Some(c.clone()), t));
    }
    if cli.all_contexts {
        for e in client::engine_choices() {
            let t = if e.name == "default" {
                client::resolve(None, None)
            } else {
                client::resolve(None, Some(&e.name))
            };
            targets.push((Some(e.name), t));
        }
    }
    if targets.is_empty() {
        for (i, e) in config.engines.iter().enumerate() {
            let t = client::Target {
                addr: e.host.clone(),
                source: "config".into(),
                tls: e
                    .tls()
                    .map(|(ca, cert, key)| client::TlsFiles { ca, cert, key }),
            };
            let name = e.name.clone().unwrap_or_else(|| t.name());
            if e.host.is_empty() {
                return Err(format!("config: engines[{i}] ({name}) has no host"));
            }
            targets.push((Some(name), t));
        }
    }
    if targets.is_empty() {
        targets.push((None, client::resolve(None, None)));
    }
    let mut specs: Vec<dockside::app::fleet::HostSpec> = Vec::new();
    for (name, t) in targets {
        client::validate(&t.addr).map_err(|e| format!("{} ({}): {e}", t.addr, t.source))?;
        // The same engine twice would list its containers twice.
        if specs.iter().any(|s| s.addr == t.addr) {
            continue;
        }
        let name = name.unwrap_or_else(|| t.name());
        let mut spec = t.spec(name);
        // Read-only in the config stays read-only however the engine was named (`-H` with
        // its address, `--context` with its name).
        spec.readonly = config
            .engines
            .iter()
            .any(|e| e.readonly && (e.host == spec.addr || e.name.as_deref() == Some(&spec.name)));
        specs.push(spec);
    }
    Ok(specs)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "dockside", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            return match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("dockside: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        None => {}
    }
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
    let hosts = match engines(&cli, &config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dockside: {e}");
            return ExitCode::from(2);
        }
    };
    // The first lists are asked before anything else is done: the engines answer while the
    // runtime is built, the keymap read and the terminal set up.
    let asked = runtime::ask(&hosts);
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
    // Connect first: the engine tasks read the lists asked while the keymap is read and the
    // terminal set up (a keymap error still ends here, before the terminal is touched).
    let connecting = {
        let _in_rt = rt.enter();
        runtime::connect(hosts, asked)
    };
    let keymap = match load_keymap(cli.keymap.as_ref()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("dockside: {e}");
            return ExitCode::from(2);
        }
    };
    let result = rt.block_on(runtime::run(runtime::Options {
        connecting,
        compose_file: cli.file.map(|f| (f, cli.project_name)),
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
