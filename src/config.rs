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
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// Clicks select rows and tabs, the wheel scrolls. Off: the terminal keeps the mouse
    /// (plain text selection without holding shift).
    pub mouse: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig { mouse: true }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogsConfig {
    pub tail: u64,
    pub max_lines: usize,
    pub timestamps: bool,
    pub wrap: bool,
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
        let c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.logs.max_lines == 0 {
            return Err("logs.max_lines must be at least 1".into());
        }
        Ok(c)
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
            Ok(text) => Config::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    pub fn apply(&self, state: &mut State) {
        let mut logs = LogsView::new(self.logs.max_lines, self.logs.tail);
        logs.timestamps = self.logs.timestamps;
        logs.wrap = self.logs.wrap;
        state.logs = logs;
        state.show_all = self.containers.show_all;
        state.live_stats = self.containers.live_stats;
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
    fn malformed_config_is_explained() {
        let e = Config::parse("[logs]\ntail = \"many\"\n").expect_err("bad type");
        assert!(e.contains("tail"), "{e}");
        let e = Config::parse("[logs]\ntails = 3\n").expect_err("unknown key");
        assert!(e.contains("tails"), "{e}");
        let e = Config::parse("[logs]\nmax_lines = 0\n").expect_err("zero");
        assert!(e.contains("max_lines"), "{e}");
    }
}
