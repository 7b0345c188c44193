//! User configuration: `assets/config.toml` documents the defaults; a user file overrides them.

use serde::Deserialize;

use crate::app::State;
use crate::app::logs::LogsView;

pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
#[derive(Default)]
pub struct Config {
    pub logs: LogsConfig,
    pub containers: ContainersConfig,
    pub ui: UiConfig,
    pub freshness: FreshnessConfig,
    /// Registries to browse (the registries view), besides those of `~/.docker/config.json`.
    pub registries: Vec<crate::app::registry::RegistryConfig>,
    /// Engines to show at once when none is given on the command line.
    pub engines: Vec<EngineConfig>,
    /// Settings a deploy applies by name (`[environments.beta]`).
    pub environments: std::collections::BTreeMap<String, EnvironmentConfig>,
    /// The environments with their env files read, when the config was loaded.
    #[serde(skip)]
    pub resolved_environments: Vec<crate::app::engines::Environment>,
    /// The colours `ui.theme` names, resolved when the config is loaded.
    #[serde(skip)]
    pub palette: crate::app::palette::Palette,
}

/// `[environments.NAME]`: what a deploy with this environment applies.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct EnvironmentConfig {
    /// `KEY=VALUE` each.
    pub env: Vec<String>,
    /// A file of `KEY=VALUE` lines (`#` comments), as `docker run --env-file` reads it;
    /// relative to the config file.
    pub env_file: Option<std::path::PathBuf>,
    /// `key=value` each.
    pub labels: Vec<String>,
    /// As `-p` takes them: `8080:80`, `127.0.0.1:8443:443/tcp`.
    pub ports: Vec<String>,
}

impl EnvironmentConfig {
    /// The environment named `name`, its env file read (from `base` when relative). An
    /// error names the environment, and the file and line.
    pub fn resolve(
        &self,
        name: &str,
        base: Option<&std::path::Path>,
    ) -> Result<crate::app::engines::Environment, String> {
        let mut env = Vec::new();
        if let Some(f) = &self.env_file {
            let path = match base {
                Some(b) if f.is_relative() => b.join(f),
                _ => f.clone(),
            };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("environments.{name}.env_file: {}: {e}", path.display()))?;
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if line
                    .split_once('=')
                    .is_none_or(|(k, _)| k.trim().is_empty())
                {
                    return Err(format!(
                        "{}:{}: not KEY=VALUE: `{line}`",
                        path.display(),
                        i + 1
                    ));
                }
                env.push(line.to_string());
            }
        }
        for e in &self.env {
            if e.split_once('=').is_none_or(|(k, _)| k.is_empty()) {
                return Err(format!("environments.{name}.env: not KEY=VALUE: `{e}`"));
            }
            env.push(e.clone());
        }
        let mut labels = Vec::new();
        for l in &self.labels {
            match l.split_once('=') {
                Some((k, v)) if !k.is_empty() => labels.push((k.to_string(), v.to_string())),
                _ => return Err(format!("environments.{name}.labels: not key=value: `{l}`")),
            }
        }
        Ok(crate::app::engines::Environment {
            name: name.to_string(),
            env,
            labels,
            ports: self.ports.clone(),
        })
    }
}

/// An engine of `[[engines]]`: its address, what to call it, and its TLS material (a
/// directory with `ca.pem`, `cert.pem` and `key.pem`, or each file).
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    pub name: Option<String>,
    /// `unix:///…sock`, `tcp://host:2376`, `ssh://user@host:port`.
    pub host: String,
    pub tls_dir: Option<std::path::PathBuf>,
    pub tls_ca: Option<std::path::PathBuf>,
    pub tls_cert: Option<std::path::PathBuf>,
    pub tls_key: Option<std::path::PathBuf>,
    /// Nothing that changes this engine is sent (the others stay writable).
    pub readonly: bool,
}

impl EngineConfig {
    /// CA, certificate and key, when given.
    pub fn tls(&self) -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)> {
        if let Some(d) = &self.tls_dir {
            return Some((d.join("ca.pem"), d.join("cert.pem"), d.join("key.pem")));
        }
        Some((
            self.tls_ca.clone()?,
            self.tls_cert.clone()?,
            self.tls_key.clone()?,
        ))
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Clicks select rows and tabs, the wheel scrolls. Off: the terminal keeps the mouse
    /// (plain text selection without holding shift).
    pub mouse: bool,
    /// A built-in theme (`dark`, `light`, `high-contrast`) or a theme file (`.toml`).
    pub theme: String,
    /// Nothing that changes the engine is sent (`--readonly` turns it on for one run).
    pub readonly: bool,
    /// The actions that ask before they are carried out, by keymap name.
    pub confirm: Vec<String>,
}

/// The actions that ask first unless the config says otherwise.
pub const DEFAULT_CONFIRM: &[crate::app::action::Action] = {
    use crate::app::action::Action;
    &[
        Action::Kill,
        Action::Remove,
        Action::Prune,
        Action::SystemPrune,
    ]
};

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            mouse: true,
            theme: "dark".into(),
            readonly: false,
            confirm: DEFAULT_CONFIRM
                .iter()
                .map(|a| a.name().to_string())
                .collect(),
        }
    }
}

/// The colours of theme `name`: a built-in one, or a file (`~/` is the home directory; a
/// relative path is taken from `base`, the config file's directory).
pub fn theme_palette(
    name: &str,
    base: Option<&std::path::Path>,
) -> Result<crate::app::palette::Palette, String> {
    use crate::app::palette::{BUILT_IN, Palette};
    if let Some(p) = Palette::built_in(name) {
        return Ok(p);
    }
    if !(name.contains('/') || name.ends_with(".toml")) {
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "theme `{name}`: not a built-in theme ({}) nor a file (a path ending in .toml)",
            names.join(", ")
        ));
    }
    let path = match name.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .ok_or_else(|| format!("theme {name}: no home directory"))?,
        None => {
            let p = std::path::PathBuf::from(name);
            match base {
                Some(b) if p.is_relative() => b.join(p),
                _ => p,
            }
        }
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("theme {}: {e}", path.display()))?;
    Palette::parse(&text).map_err(|e| format!("theme {}: {e}", path.display()))
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogsConfig {
    pub tail: u64,
    pub max_lines: usize,
    pub timestamps: bool,
    pub wrap: bool,
}

/// The outdated badges: how often the registries are asked on their own.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct FreshnessConfig {
    /// Minutes between checks of every local tag against its registry; 0: only when asked
    /// (`U` in the images or registries view).
    pub check_minutes: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ContainersConfig {
    pub show_all: bool,
    pub live_stats: bool,
}

impl Default for LogsConfig {
    fn default() -> Self {
        LogsConfig {
            tail: crate::app::logs::DEFAULT_TAIL,
            max_lines: crate::app::logs::DEFAULT_MAX_LINES,
            timestamps: false,
            wrap: false,
        }
    }
}

impl Default for ContainersConfig {
    fn default() -> Self {
        ContainersConfig {
            show_all: true,
            live_stats: true,
        }
    }
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        Config::parse_in(text, None)
    }

    /// Parse a config file's text; a theme file named in it is found from `base`.
    pub fn parse_in(text: &str, base: Option<&std::path::Path>) -> Result<Config, String> {
        let mut c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.logs.max_lines == 0 {
            return Err("logs.max_lines must be at least 1".into());
        }
        c.palette = theme_palette(&c.ui.theme, base)?;
        c.resolved_environments = c
            .environments
            .iter()
            .map(|(n, e)| e.resolve(n, base))
            .collect::<Result<_, _>>()?;
        c.confirm_actions()?;
        Ok(c)
    }

    /// Use another theme (`--theme`), found from the current directory.
    pub fn set_theme(&mut self, name: &str) -> Result<(), String> {
        self.palette = theme_palette(name, None)?;
        self.ui.theme = name.to_string();
        Ok(())
    }

    /// The user's config: `path` if given (must exist), else the default location if present.
    pub fn load(path: Option<&std::path::Path>) -> Result<Config, String> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match directories::ProjectDirs::from("", "", "dockside") {
                Some(d) => (d.config_dir().join("config.toml"), false),
                None => return Ok(Config::default()),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse_in(&text, path.parent())
                .map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// `ui.confirm` as actions; an unknown name is an error.
    pub fn confirm_actions(&self) -> Result<Vec<crate::app::action::Action>, String> {
        use crate::app::action::Action;
        self.ui
            .confirm
            .iter()
            .map(|n| {
                Action::from_name(n).filter(|a| a.mutates()).ok_or_else(|| {
                    format!("ui.confirm: `{n}` is not an action that changes the engine")
                })
            })
            .collect()
    }

    pub fn apply(&self, state: &mut State) {
        let mut logs = LogsView::new(self.logs.max_lines, self.logs.tail);
        logs.timestamps = self.logs.timestamps;
        logs.wrap = self.logs.wrap;
        state.logs = logs;
        state.show_all = self.containers.show_all;
        state.live_stats = self.containers.live_stats;
        state.palette = self.palette;
        state.readonly = self.ui.readonly;
        state.confirm = self
            .confirm_actions()
            .unwrap_or_else(|_| DEFAULT_CONFIRM.to_vec());
        state.views.registries.configure(&self.registries);
        state.fleet.environments = self.resolved_environments.clone();
        state.views.images.fresh.every = i64::from(self.freshness.check_minutes) * 60;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_config_is_the_default() {
        assert_eq!(Config::parse(DEFAULT_CONFIG), Ok(Config::default()));
    }

    #[test]
    fn an_engine_is_read_only_by_its_entry_and_a_bad_value_names_file_and_line() {
        let text = "[[engines]]\nname = \"prod\"\nhost = \"tcp://10.0.0.5:2376\"\nreadonly = true\n\n[[engines]]\nname = \"beta\"\nhost = \"ssh://beta\"\n";
        let c = Config::parse(text).expect("parses");
        let ro: Vec<_> = c.engines.iter().map(|e| e.readonly).collect();
        assert_eq!(ro, [true, false], "writable unless said");
        let dir = std::env::temp_dir().join(format!("dockside-ro-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("config.toml");
        std::fs::write(
            &file,
            "[[engines]]\nname = \"prod\"\nhost = \"tcp://10.0.0.5:2376\"\nreadonly = \"yes\"\n",
        )
        .expect("write");
        let e = Config::load(Some(&file)).expect_err("a string is not a boolean");
        assert!(e.contains(&file.display().to_string()), "{e}");
        assert!(e.contains("line 4") && e.contains("readonly"), "{e}");
        assert!(e.contains("bool"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn environments_read_their_env_file_and_name_a_bad_line() {
        let dir = std::env::temp_dir().join(format!("dockside-envs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("beta.env"), "# beta\nDB=beta-db\n\nMODE=beta\n").expect("w");
        let text = "[environments.beta]\nenv_file = \"beta.env\"\nenv = [\"TIER=2\"]\nlabels = [\"env=beta\"]\nports = [\"8080:80\"]\n";
        let c = Config::parse_in(text, Some(&dir)).expect("parses");
        let e = &c.resolved_environments[0];
        assert_eq!(e.name, "beta");
        assert_eq!(e.env, ["DB=beta-db", "MODE=beta", "TIER=2"]);
        assert_eq!(e.labels, [("env".to_string(), "beta".to_string())]);
        assert_eq!(e.ports, ["8080:80"]);
        std::fs::write(dir.join("bad.env"), "A=1\nnonsense\n").expect("w");
        let e = Config::parse_in("[environments.x]\nenv_file = \"bad.env\"\n", Some(&dir))
            .expect_err("bad line");
        assert!(e.contains("bad.env:2") && e.contains("nonsense"), "{e}");
        let e = Config::parse_in("[environments.x]\nlabels = [\"oops\"]\n", None)
            .expect_err("bad label");
        assert!(e.contains("environments.x.labels"), "{e}");
    }

    #[test]
    fn the_freshness_schedule_is_off_unless_set() {
        let mut s = crate::app::fixtures::state(80, 24);
        Config::default().apply(&mut s);
        assert_eq!(s.views.images.fresh.every, 0);
        let c = Config::parse("[freshness]\ncheck_minutes = 30\n").expect("valid");
        c.apply(&mut s);
        assert_eq!(s.views.images.fresh.every, 1800);
    }

    #[test]
    fn malformed_config_is_explained() {
        let e = Config::parse("[logs]\ntail = \"many\"\n").expect_err("bad type");
        assert!(e.contains("tail"), "{e}");
        let e = Config::parse("[logs]\ntails = 3\n").expect_err("unknown key");
        assert!(e.contains("tails"), "{e}");
        let e = Config::parse("[logs]\nmax_lines = 0\n").expect_err("zero");
        assert!(e.contains("max_lines"), "{e}");
        let e = Config::parse("[ui]\ntheme = \"neon\"\n").expect_err("no such theme");
        assert!(e.contains("neon") && e.contains("light"), "{e}");
    }

    #[test]
    fn themes_are_built_in_or_files_next_to_the_config() {
        use crate::app::palette::Palette;
        let c = Config::parse("[ui]\ntheme = \"light\"\n").expect("light");
        assert_eq!(Some(c.palette), Palette::built_in("light"));
        let dir = std::env::temp_dir().join(format!("dockside-theme-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mine = crate::app::palette::BUILT_IN[0]
            .1
            .replace("#50c878", "#123456");
        std::fs::write(dir.join("mine.toml"), mine).expect("write");
        let c = Config::parse_in("[ui]\ntheme = \"mine.toml\"\n", Some(&dir)).expect("file");
        assert_eq!(
            c.palette.ok.full,
            ratatui::style::Color::Rgb(0x12, 0x34, 0x56)
        );
        std::fs::write(dir.join("broken.toml"), "ok = \"nocolour\"").expect("write");
        let e = Config::parse_in("[ui]\ntheme = \"broken.toml\"\n", Some(&dir))
            .expect_err("broken theme");
        assert!(e.contains("broken.toml"), "{e}");
        let e = Config::parse_in("[ui]\ntheme = \"gone.toml\"\n", Some(&dir))
            .expect_err("missing theme");
        assert!(e.contains("gone.toml"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
