//! The volumes view: who uses each volume, sizes on request, create, remove, prune.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::{PromptKind, StatusKind};
use crate::app::resources::Volume;

use super::list::{ListView, natural_cmp};
use super::{Cx, Shape};

#[derive(Default)]
pub struct VolumesView {
    /// None until the engine listed them.
    pub volumes: Option<Vec<Volume>>,
    pub list: ListView,
    pub error: Option<String>,
    /// The engines' names (for `host:NAME`).
    pub hosts: super::list::HostNames,
}

impl VolumesView {
    pub fn selected(&self) -> Option<&Volume> {
        let vols = self.volumes.as_ref()?;
        self.list.selected().and_then(|i| vols.get(i))
    }

    pub fn on_list(&mut self, r: Result<Vec<Volume>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(list) => {
                self.volumes = Some(list);
                self.error = None;
                self.refilter(cx.filter, cx.page);
            }
            Err(e) => self.error = Some(e),
        }
        Handled::Redraw
    }
}

/// What a prune removes: the volumes no container uses, by count, names and size (as far
/// as the sizes were measured).
fn prune_question(volumes: &[Volume]) -> String {
    let unused: Vec<&Volume> = volumes.iter().filter(|v| !v.in_use()).collect();
    if unused.is_empty() {
        return "Prune unused volumes? None is unused now: nothing would go. (y/n)".into();
    }
    let names: Vec<&str> = unused.iter().take(4).map(|v| v.display_name()).collect();
    let more = if unused.len() > names.len() {
        ", …"
    } else {
        ""
    };
    let sizes: Vec<i64> = unused
        .iter()
        .filter_map(|v| v.size)
        .filter(|s| *s >= 0)
        .collect();
    let size = if sizes.len() == unused.len() {
        format!(
            ", {}",
            crate::app::resources::human_size(sizes.iter().sum::<i64>() as u64)
        )
    } else {
        String::new()
    };
    format!(
        "Prune {} unused volume{} ({}{more}{size})? Their data is lost. (y/n)",
        unused.len(),
        if unused.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

impl Shape for VolumesView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Volumes, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        super::watch_once(self.volumes.is_some(), Kind::Volumes, cx);
    }

    fn reconnected(&mut self, _shown: bool, cx: &mut Cx) {
        if self.volumes.is_some() || self.error.take().is_some() {
            cx.send(ResCmd::Watch(Kind::Volumes));
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        if let Some(vols) = &self.volumes {
            let (filter, keep) = self.hosts.split(filter);
            self.list.refilter_where(
                vols,
                &filter,
                page,
                |v, s| {
                    // Name, driver, labels and the containers using it.
                    s.push_str(&v.name);
                    s.push(' ');
                    s.push_str(&v.driver);
                    for (k, val) in &v.labels {
                        s.push(' ');
                        s.push_str(k);
                        s.push('=');
                        s.push_str(val);
                    }
                    for c in &v.used_by {
                        s.push(' ');
                        s.push_str(c);
                    }
                },
                |a, b| natural_cmp(&a.name, &b.name).then(a.host.cmp(&b.host)),
                |v| format!("{:?}/{}", v.host, v.name),
                |v| super::list::host_kept(&keep, v.host),
            );
        }
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let Some(vols) = &self.volumes else {
            return false;
        };
        self.list
            .select_where(page, |i| vols.get(i).is_some_and(|v| v.name == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::Sizes => {
                cx.status(StatusKind::Progress, "Measuring volume sizes…");
                cx.send(ResCmd::VolumeSizes);
                Handled::Redraw
            }
            Action::Create => cx.prompt(PromptKind::CreateVolume, String::new()),
            Action::Remove => match self.selected() {
                Some(v) => {
                    let (name, host) = (v.name.clone(), v.host);
                    cx.ask_on(
                        host,
                        format!("Remove volume {name}? (y/n)"),
                        ResCmd::RemoveVolume(name),
                        None,
                    )
                }
                None => Handled::Quiet,
            },
            Action::Prune => {
                let question = prune_question(self.volumes.as_deref().unwrap_or_default());
                cx.ask(question, ResCmd::PruneVolumes, None)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(name: &str, used_by: &[&str], size: Option<i64>) -> Volume {
        Volume {
            host: None,
            name: name.into(),
            used_by: used_by.iter().map(|s| s.to_string()).collect(),
            size,
            ..Volume::default()
        }
    }

    #[test]
    fn the_prune_question_names_exactly_what_goes() {
        let q = prune_question(&[
            vol("data", &["db"], Some(10)),
            vol("old", &[], Some(2_000_000)),
            vol("cache", &[], Some(1_000_000)),
        ]);
        assert!(
            q.starts_with("Prune 2 unused volumes (old, cache, 3MB)"),
            "{q}"
        );
        let q = prune_question(&[vol("data", &["db"], None)]);
        assert!(q.contains("nothing would go"), "{q}");
        let q = prune_question(&[vol("old", &[], None)]);
        assert!(q.starts_with("Prune 1 unused volume (old)?"), "{q}");
    }
}
