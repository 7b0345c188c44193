//! The registries view: the registries of the config and of the docker CLI's `config.json`,
//! a registry's repositories, a repository's tags and what each tag points at (digest, size,
//! created, platforms, labels). Pull a tag onto the engine, delete one (asks), compare two.

mod draw;

use std::collections::HashMap;

use crate::app::action::{Action, Handled};
use crate::app::images::Progress;
use crate::app::keymap::Context;
use crate::app::model::EngineId;
use crate::app::msg::{ResCmd, ResMsg};
use crate::app::overlay::{PromptKind, StatusKind};
use crate::app::registry::{Registry, RegistryConfig, TagInfo, compare, short_digest};

use super::list::{Cursor, ListView, natural_cmp};
use super::{Cx, Shape};

/// Pull jobs of this view are numbered from here (the images view's are below).
pub const FIRST_JOB: u64 = 1 << 40;

/// How deep the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    #[default]
    Registries,
    Repos,
    Tags,
}

#[derive(Default)]
pub struct RegistriesView {
    /// The config's `[[registries]]`.
    configured: Vec<Registry>,
    /// Those of `config.json`: None until read.
    found: Option<Result<Vec<Registry>, String>>,
    /// Both, the config's first.
    pub registries: Vec<Registry>,
    pub level: Level,
    /// The registry open (index in `registries`).
    pub reg: Option<usize>,
    pub repos: Option<Result<Vec<String>, String>>,
    pub repo: Option<String>,
    pub tags: Option<Result<Vec<String>, String>>,
    /// What each tag of the open repository points at.
    pub info: HashMap<String, Result<TagInfo, String>>,
    /// The tag marked for a comparison.
    pub marked: Option<String>,
    /// The comparison shown in the detail pane.
    pub compared: Option<Vec<String>>,
    pub list: ListView,
    /// The cursors of the levels above.
    above: Vec<Cursor>,
    next_job: u64,
    /// The reference of each pull under way.
    pulls: HashMap<u64, String>,
}

impl RegistriesView {
    /// The config's registries (at start).
    pub fn configure(&mut self, regs: &[RegistryConfig]) {
        self.configured = regs.iter().map(Registry::from_config).collect();
        self.merge();
    }

    fn merge(&mut self) {
        let mut all = self.configured.clone();
        if let Some(Ok(found)) = &self.found {
            for r in found {
                if !all.iter().any(|c| c.host == r.host) {
                    all.push(r.clone());
                }
            }
        }
        self.registries = all;
    }

    pub fn registry(&self) -> Option<&Registry> {
        self.reg.and_then(|i| self.registries.get(i))
    }

    /// The names listed at this level.
    pub fn names(&self) -> Vec<String> {
        match self.level {
            Level::Registries => self.registries.iter().map(|r| r.name.clone()).collect(),
            Level::Repos => match &self.repos {
                Some(Ok(r)) => r.clone(),
                _ => Vec::new(),
            },
            Level::Tags => match &self.tags {
                Some(Ok(t)) => t.clone(),
                _ => Vec::new(),
            },
        }
    }

    /// The name of the selected row.
    pub fn selected(&self) -> Option<String> {
        let names = self.names();
        self.list.selected().and_then(|i| names.get(i).cloned())
    }

    /// The error of this level, if it failed.
    pub fn error(&self) -> Option<&str> {
        match self.level {
            Level::Registries => self.found.as_ref().and_then(|r| r.as_ref().err()),
            Level::Repos => self.repos.as_ref().and_then(|r| r.as_ref().err()),
            Level::Tags => self.tags.as_ref().and_then(|r| r.as_ref().err()),
        }
        .map(String::as_str)
    }

    /// Whether this level is still waiting for its list.
    pub fn loading(&self) -> bool {
        match self.level {
            Level::Registries => self.found.is_none() && self.registries.is_empty(),
            Level::Repos => self.repos.is_none(),
            Level::Tags => self.tags.is_none(),
        }
    }

    fn ask_level(&mut self, cx: &mut Cx) {
        let Some(reg) = self.registry().cloned() else {
            cx.send(ResCmd::Registries);
            return;
        };
        match (self.level, &self.repo) {
            (Level::Registries, _) => cx.send(ResCmd::Registries),
            (Level::Repos, _) | (Level::Tags, None) => cx.send(ResCmd::Catalog(reg)),
            (Level::Tags, Some(repo)) => cx.send(ResCmd::RegistryTags {
                registry: reg,
                repo: repo.clone(),
            }),
        }
    }

    fn open(&mut self, cx: &mut Cx) -> Handled {
        let Some(name) = self.selected() else {
            return Handled::Quiet;
        };
        match self.level {
            Level::Registries => {
                self.reg = self.registries.iter().position(|r| r.name == name);
                self.level = Level::Repos;
                self.repos = None;
            }
            Level::Repos => {
                self.repo = Some(name);
                self.level = Level::Tags;
                self.tags = None;
                self.info.clear();
                self.marked = None;
                self.compared = None;
            }
            Level::Tags => {
                // Ask again for the selected tag.
                if let (Some(reg), Some(repo)) = (self.registry().cloned(), self.repo.clone()) {
                    self.info.remove(&name);
                    cx.send(ResCmd::RegistryTag {
                        registry: Box::new(reg),
                        repo,
                        tag: name,
                    });
                }
                return Handled::Redraw;
            }
        }
        self.above.push(self.list.cur);
        self.list = ListView::default();
        self.ask_level(cx);
        Handled::Redraw
    }

    fn back(&mut self, cx: &mut Cx) -> Handled {
        match self.level {
            Level::Registries => return Handled::Quiet,
            Level::Repos => {
                self.level = Level::Registries;
                self.reg = None;
                self.repos = None;
            }
            Level::Tags => {
                self.level = Level::Repos;
                self.repo = None;
                self.tags = None;
                self.info.clear();
                self.compared = None;
                self.marked = None;
            }
        }
        self.refilter(cx.filter, cx.page);
        if let Some(cur) = self.above.pop() {
            self.list.cur = cur;
            self.list.clamp(cx.page);
        }
        Handled::Redraw
    }

    pub fn on_msg(&mut self, msg: ResMsg, cx: &mut Cx) -> Handled {
        let host = self.registry().map(|r| r.host.clone());
        let here = |h: &str| host.as_deref() == Some(h);
        match msg {
            ResMsg::Registries(r) => {
                self.found = Some(r);
                self.merge();
            }
            ResMsg::Catalog { host, result } if here(&host) => self.repos = Some(result),
            ResMsg::RegistryTags { host, repo, result }
                if here(&host) && self.repo.as_deref() == Some(&repo) =>
            {
                // What each tag points at, asked for at once (the registry answers in parallel).
                if let (Ok(tags), Some(reg)) = (&result, self.registry().cloned()) {
                    for tag in tags.iter().take(200) {
                        cx.send(ResCmd::RegistryTag {
                            registry: Box::new(reg.clone()),
                            repo: repo.clone(),
                            tag: tag.clone(),
                        });
                    }
                }
                self.tags = Some(result);
            }
            ResMsg::RegistryTag {
                host,
                repo,
                tag,
                result,
            } if here(&host) && self.repo.as_deref() == Some(&repo) => {
                self.info.insert(tag, result.map(|b| *b));
            }
            ResMsg::Retagged {
                host,
                repo,
                tag,
                to,
                result,
            } => match result {
                Ok(digest) => {
                    cx.status(
                        StatusKind::Info,
                        format!(
                            "tagged {repo}:{tag} as {to} in {host} ({})",
                            short_digest(&digest)
                        ),
                    );
                    if here(&host) && self.repo.as_deref() == Some(&repo) {
                        if let Some(Ok(tags)) = &mut self.tags
                            && !tags.contains(&to)
                        {
                            tags.push(to.clone());
                            tags.sort();
                        }
                        if let Some(reg) = self.registry().cloned() {
                            self.info.remove(&to);
                            cx.send(ResCmd::RegistryTag {
                                registry: Box::new(reg),
                                repo,
                                tag: to,
                            });
                        }
                    }
                }
                Err(e) => cx.status(StatusKind::Error, format!("tag {repo}:{tag} as {to}: {e}")),
            },
            ResMsg::TagDeleted {
                host,
                repo,
                tag,
                result,
            } => match result {
                Ok(()) => {
                    cx.status(StatusKind::Info, format!("deleted {host}/{repo}:{tag}"));
                    if here(&host) && self.repo.as_deref() == Some(&repo) {
                        self.info.remove(&tag);
                        if let Some(Ok(tags)) = &mut self.tags {
                            tags.retain(|t| *t != tag);
                        }
                    }
                }
                Err(e) => cx.status(StatusKind::Error, format!("delete {repo}:{tag}: {e}")),
            },
            // For a registry or repository no longer open.
            _ => return Handled::Quiet,
        }
        self.refilter(cx.filter, cx.page);
        Handled::Redraw
    }

    pub fn on_job(&mut self, id: u64, progress: Progress, cx: &mut Cx) -> Handled {
        match progress {
            Progress::Error(e) => {
                let what = self.pulls.remove(&id).unwrap_or_default();
                cx.status(StatusKind::Error, format!("pull {what}: {e}"));
                Handled::Redraw
            }
            Progress::Done { .. } => {
                let what = self.pulls.remove(&id).unwrap_or_default();
                cx.status(StatusKind::Info, format!("pulled {what}"));
                Handled::Redraw
            }
            _ => Handled::Quiet,
        }
    }

    fn tag_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let (Some(reg), Some(repo), Some(tag)) =
            (self.registry().cloned(), self.repo.clone(), self.selected())
        else {
            return Handled::Quiet;
        };
        match action {
            Action::Pull => {
                let reference = reg.reference(&repo, &tag);
                // Onto the engines marked in the hosts view, else the primary.
                let targets: Vec<(Option<EngineId>, String)> = if cx.marked_hosts.is_empty() {
                    cx.status(StatusKind::Progress, format!("pulling {reference}…"));
                    vec![(None, reference.clone())]
                } else {
                    let names: Vec<&str> =
                        cx.marked_hosts.iter().map(|(_, n)| n.as_str()).collect();
                    cx.status(
                        StatusKind::Progress,
                        format!("pulling {reference} onto {}…", names.join(", ")),
                    );
                    cx.marked_hosts
                        .iter()
                        .map(|(id, name)| (Some(*id), format!("{reference} onto {name}")))
                        .collect()
                };
                for (host, what) in targets {
                    self.next_job += 1;
                    let job = FIRST_JOB + self.next_job;
                    self.pulls.insert(job, what);
                    let reference = reference.clone();
                    cx.send_on(host, ResCmd::Pull { job, reference });
                }
                Handled::Redraw
            }
            Action::Remove => match self.info.get(&tag) {
                Some(Ok(info)) if !info.digest.is_empty() => {
                    let question = format!(
                        "Delete {repo}:{tag} ({}) from {}? Every tag of this manifest goes. (y/n)",
                        short_digest(&info.digest),
                        reg.host
                    );
                    let digest = info.digest.clone();
                    cx.ask(
                        question,
                        ResCmd::DeleteTag {
                            registry: Box::new(reg),
                            repo,
                            tag,
                            digest,
                        },
                        None,
                    )
                }
                _ => {
                    cx.status(
                        StatusKind::Error,
                        format!("the digest of {tag} is not known yet"),
                    );
                    Handled::Redraw
                }
            },
            Action::Tag => cx.prompt(
                PromptKind::RegistryRetag {
                    registry: Box::new(reg),
                    repo,
                    tag,
                },
                String::new(),
            ),
            Action::Mark => {
                self.marked = if self.marked.as_deref() == Some(&tag) {
                    None
                } else {
                    Some(tag)
                };
                Handled::Redraw
            }
            Action::Compare => {
                let Some(marked) = self.marked.clone().filter(|m| *m != tag) else {
                    cx.status(StatusKind::Error, "mark a tag (space), then select another");
                    return Handled::Redraw;
                };
                match (self.info.get(&marked), self.info.get(&tag)) {
                    (Some(Ok(a)), Some(Ok(b))) => {
                        let a_name = format!("{repo}:{marked}");
                        let b_name = format!("{repo}:{tag}");
                        self.compared = Some(compare(&a_name, a, &b_name, b));
                    }
                    _ => cx.status(StatusKind::Error, "both tags must be read first"),
                }
                Handled::Redraw
            }
            _ => Handled::No,
        }
    }
}

impl Shape for RegistriesView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Registries, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        if self.found.is_none() {
            cx.send(ResCmd::Registries);
        }
    }

    fn reconnected(&mut self, _shown: bool, cx: &mut Cx) {
        if matches!(self.found, Some(Err(_))) {
            self.found = None;
            cx.send(ResCmd::Registries);
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        let names = self.names();
        // Tags newest-looking last is natural order; keep it for every level.
        self.list.refilter(
            &names,
            filter,
            page,
            |n, s| s.push_str(n),
            |a, b| natural_cmp(a, b),
            |n| n.clone(),
        );
    }

    fn selection_changed(&mut self) {
        self.compared = None;
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let names = self.names();
        self.list
            .select_where(page, |i| names.get(i).is_some_and(|n| n == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::Open => self.open(cx),
            Action::Close => self.back(cx),
            Action::Refresh => {
                match self.level {
                    Level::Registries => self.found = None,
                    Level::Repos => self.repos = None,
                    Level::Tags => {
                        self.tags = None;
                        self.info.clear();
                    }
                }
                self.ask_level(cx);
                Handled::Redraw
            }
            Action::Pull | Action::Remove | Action::Mark | Action::Compare | Action::Tag => {
                if self.level == Level::Tags {
                    self.tag_action(action, cx)
                } else {
                    Handled::Quiet
                }
            }
            Action::Clear => {
                self.compared = None;
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

#[cfg(test)]
mod tests;
