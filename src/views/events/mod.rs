//! The events view: what the engine reported, newest first, like `docker events`; enter goes
//! to the container, image, volume or network an event is about.

mod draw;
mod log;

pub use log::{EventsView, History};

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Cmd, Req};
use crate::app::overlay::StatusKind;

use super::list::ListView;
use super::{Cx, Goto, Shape, View};

impl Shape for EventsView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Events, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        if self.history == History::NotAsked {
            self.history = History::Loading;
            cx.out.push(Cmd::Engine(Req::EventHistory));
        }
    }

    fn reconnected(&mut self, shown: bool, cx: &mut Cx) {
        // A history request of the old connection died with it: asked again when shown.
        if matches!(self.history, History::Loading | History::Failed(_)) {
            self.history = History::NotAsked;
            if shown {
                self.enter(cx);
            }
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        self.set_filter(filter, page);
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::Open => {
                let Some(ev) = self.selected() else {
                    return Handled::Quiet;
                };
                let view = match ev.typ.as_str() {
                    "container" => {
                        cx.goto = Some(Goto::Container(ev.id.clone()));
                        return Handled::Redraw;
                    }
                    "image" => View::Images,
                    "volume" => View::Volumes,
                    "network" => View::Networks,
                    "service" => View::Services,
                    "node" => View::Nodes,
                    _ => {
                        cx.status(
                            StatusKind::Info,
                            format!("a {} event has nothing to go to", ev.typ),
                        );
                        return Handled::Redraw;
                    }
                };
                cx.goto = Some(Goto::Item(view, ev.id.clone()));
                Handled::Redraw
            }
            Action::Clear => Handled::Quiet,
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
