//! The engine view: `docker system df`, engine info, system prune.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::StatusKind;
use crate::app::resources::DiskUsage;

use super::{Cx, Shape};

#[derive(Default)]
pub struct EngineView {
    pub disk: Option<DiskUsage>,
    pub info: Option<Vec<(String, String)>>,
    /// Why the last disk usage failed.
    pub error: Option<String>,
}

impl EngineView {
    pub fn on_disk(&mut self, r: Result<DiskUsage, String>) -> Handled {
        match r {
            Ok(d) => {
                self.disk = Some(d);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        Handled::Redraw
    }

    pub fn on_info(&mut self, r: Result<Vec<(String, String)>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(i) => self.info = Some(i),
            Err(e) => cx.status(StatusKind::Error, format!("engine info: {e}")),
        }
        Handled::Redraw
    }
}

impl Shape for EngineView {
    fn contexts(&self) -> &'static [Context] {
        // Not a list: its own keys and the global ones.
        &[Context::Engine, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        // Disk usage changes without events that say so: asked on every visit.
        cx.send(ResCmd::Watch(Kind::DiskUsage));
        if self.info.is_none() {
            cx.send(ResCmd::Info);
        }
    }

    fn reconnected(&mut self, _shown: bool, cx: &mut Cx) {
        if self.disk.is_some() || self.error.take().is_some() {
            cx.send(ResCmd::Watch(Kind::DiskUsage));
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::SystemPrune => {
                let summary = self
                    .disk
                    .as_ref()
                    .map_or_else(String::new, |d| format!(" {}.", d.system_prune_text()));
                cx.ask(
                    format!(
                        "System prune: stopped containers, unused networks, dangling images, build cache.{summary} (y/n)"
                    ),
                    ResCmd::SystemPrune,
                    None,
                )
            }
            Action::Refresh => {
                cx.send(ResCmd::Watch(Kind::DiskUsage));
                cx.send(ResCmd::Info);
                Handled::Redraw
            }
            _ => Handled::No,
        }
    }

    fn draw_list(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::list(self, f, area, dx);
    }

    fn draw_detail(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::detail(self, f, area, dx);
    }
}
