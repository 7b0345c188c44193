//! The images view: one row per tag like `docker images`, inspect and layer history, and the
//! long jobs (pull, push, build) that run while the user keeps working.

mod draw;
pub mod jobs;

use crate::app::action::{Action, Handled};
use crate::app::images::{Image, ImageDetail, ImageSort, Progress, compare};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::{Overlay, PromptKind, StatusKind};
use crate::app::runform::RunForm;

use super::list::{ListView, rank};
use super::{Cx, Shape};
use jobs::Jobs;

#[derive(Default)]
pub struct ImagesView {
    /// None until the engine listed them.
    pub images: Option<Vec<Image>>,
    pub list: ListView,
    pub sort: ImageSort,
    pub sort_rev: bool,
    pub show_dangling: bool,
    /// The inspected image (enter).
    pub detail: Option<ImageDetail>,
    /// Why the last listing failed.
    pub error: Option<String>,
    pub jobs: Jobs,
    /// The detail pane shows the jobs instead of the inspected image.
    pub show_jobs: bool,
    /// Rows marked (their reference: the tag, or the id of an untagged image).
    pub marked: std::collections::BTreeSet<String>,
    /// What the registries say of the tags here (the outdated badges).
    pub fresh: crate::app::freshness::Freshness,
    /// The engines' names (for `host:NAME`).
    pub hosts: super::list::HostNames,
}

impl ImagesView {
    pub fn selected(&self) -> Option<&Image> {
        let images = self.images.as_ref()?;
        self.list.selected().and_then(|i| images.get(i))
    }

    /// The reference to act on: the row's tag, or the id of an untagged image.
    pub fn selected_ref(&self) -> Option<String> {
        self.selected().map(row_ref)
    }

    /// What a save acts on: the marked rows, else the selected one; and their size (each
    /// image once).
    pub fn save_targets(&self) -> (Vec<String>, u64) {
        let refs: Vec<String> = if self.marked.is_empty() {
            self.selected_ref().into_iter().collect()
        } else {
            self.marked.iter().cloned().collect()
        };
        let mut sizes = std::collections::BTreeMap::new();
        for img in self.images.iter().flatten() {
            if refs.contains(&row_ref(img)) {
                sizes.insert(img.id.as_str(), img.size.max(0) as u64);
            }
        }
        (refs, sizes.values().sum())
    }

    pub fn on_list(&mut self, r: Result<Vec<Image>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(list) => {
                // Marks of rows that went (removed, untagged) go too.
                self.marked
                    .retain(|m| list.iter().any(|img| row_ref(img) == *m));
                self.fresh.recompute(&list);
                // A check asked for before the images were listed.
                if self.fresh.wanted
                    && let Some((cmd, n)) = crate::app::freshness::start(&mut self.fresh, &list)
                {
                    cx.send(cmd);
                    cx.status(
                        StatusKind::Progress,
                        format!("asking the registries about {n} tags…"),
                    );
                }
                self.images = Some(list);
                self.error = None;
                self.refilter(cx.filter, cx.page);
            }
            Err(e) => self.error = Some(e),
        }
        Handled::Redraw
    }

    /// The registries' answer about the tags here.
    pub fn on_digests(
        &mut self,
        results: Vec<(String, Result<String, String>)>,
        cx: &mut Cx,
    ) -> Handled {
        if let Some((kind, line)) = self.fresh.answered(results, self.images.as_deref()) {
            cx.status(kind, line);
        }
        Handled::Redraw
    }

    pub fn on_detail(&mut self, r: Result<Box<ImageDetail>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(d) => self.detail = Some(*d),
            Err(e) => cx.status(StatusKind::Error, format!("inspect: {e}")),
        }
        Handled::Redraw
    }

    pub fn on_job(&mut self, id: u64, progress: Progress, cx: &mut Cx) -> Handled {
        if let Some(true) = self.jobs.progress(id, progress)
            && let Some(job) = self.jobs.get(id)
        {
            let last = job.progress.lines().last().filter(|_| job.summarised);
            match (job.progress.error(), last) {
                (Some(e), _) => cx.status(StatusKind::Error, format!("{}: {e}", job.title)),
                (None, Some(line)) => cx.status(StatusKind::Info, line.to_string()),
                (None, None) => cx.status(StatusKind::Info, format!("done: {}", job.title)),
            }
        }
        Handled::Redraw
    }

    /// Start a pull, push or build job and show the jobs.
    pub fn start_job(&mut self, title: String) -> u64 {
        self.show_jobs = true;
        self.jobs.start(title)
    }

    /// Start a job whose last line is the status said when it ends (save, load).
    pub fn start_summarised_job(&mut self, title: String) -> u64 {
        let id = self.start_job(title);
        if let Some(job) = self.jobs.list.iter_mut().find(|j| j.id == id) {
            job.summarised = true;
        }
        id
    }
}

/// A row's reference: its tag, or the id of an untagged image.
fn row_ref(img: &Image) -> String {
    img.tags.first().cloned().unwrap_or_else(|| img.id.clone())
}

/// `~/Downloads/busybox_latest.tar` for one image, `images.tar` for several.
fn default_tar(refs: &[String]) -> String {
    let name = match refs {
        [one] => one
            .rsplit('/')
            .next()
            .unwrap_or(one)
            .trim_start_matches("sha256:")
            .chars()
            .take(40)
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect(),
        _ => "images".to_string(),
    };
    format!("{}/{name}.tar", crate::app::files::DEFAULT_DOWNLOAD_DIR)
}

impl Shape for ImagesView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Images, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        super::watch_once(self.images.is_some(), Kind::Images, cx);
    }

    fn reconnected(&mut self, _shown: bool, cx: &mut Cx) {
        if self.images.is_some() || self.error.take().is_some() {
            cx.send(ResCmd::Watch(Kind::Images));
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        let Some(images) = self.images.as_ref() else {
            return;
        };
        let before = self
            .selected()
            .map(|i| (i.host, i.id.clone(), i.tags.first().cloned()));
        let (by, rev, dangling) = (self.sort, self.sort_rev, self.show_dangling);
        let (filter, keep) = self.hosts.split(filter);
        self.list.rows = rank(
            images
                .iter()
                .enumerate()
                .filter(|(_, i)| dangling || !i.dangling)
                .filter(|(_, i)| super::list::host_kept(&keep, i.host)),
            &filter,
            |img, s| {
                for t in &img.tags {
                    s.push_str(t);
                    s.push(' ');
                }
                s.push_str(img.short_id());
            },
            |a, b| {
                let o = compare(a, b, by);
                if rev { o.reverse() } else { o }
            },
        );
        if let Some(key) = before {
            self.list.select_where(page, |i| {
                images
                    .get(i)
                    .is_some_and(|im| (im.host, im.id.clone(), im.tags.first().cloned()) == key)
            });
        }
        self.list.clamp(page);
    }

    fn selection_changed(&mut self) {
        self.detail = None;
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let Some(images) = self.images.as_ref() else {
            return false;
        };
        self.list.select_where(page, |i| {
            images.get(i).is_some_and(|im| {
                im.id == key
                    || im.id.trim_start_matches("sha256:") == key
                    || im.tags.iter().any(|t| t == key)
            })
        })
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let host = self.selected().and_then(|i| i.host);
        let what = match action {
            Action::Push => Some("push"),
            Action::Tag => Some("tag"),
            Action::RunForm | Action::Run => Some("run"),
            Action::SaveImages => Some("save"),
            _ => None,
        };
        if let Some(what) = what
            && cx.elsewhere(host, what)
        {
            return Handled::Redraw;
        }
        match action {
            Action::Clear => self.show_jobs = false,
            Action::SortNext => self.sort = self.sort.next(),
            Action::SortReverse => self.sort_rev = !self.sort_rev,
            Action::ToggleDangling => self.show_dangling = !self.show_dangling,
            Action::Inspect => {
                if let Some(img) = self.selected() {
                    let id = img.id.clone();
                    self.show_jobs = false;
                    cx.send_on(host, ResCmd::ImageDetail(id));
                }
                return Handled::Redraw;
            }
            Action::Pull => return cx.prompt(PromptKind::Pull, String::new()),
            Action::Build => return cx.prompt(PromptKind::Build, String::new()),
            Action::Push => {
                let default = self
                    .selected()
                    .and_then(|i| i.tags.first().cloned())
                    .unwrap_or_default();
                return cx.prompt(PromptKind::Push, default);
            }
            Action::Tag => {
                if let Some(img) = self.selected() {
                    let (id, name) = (img.id.clone(), img.name().to_string());
                    return cx.prompt(PromptKind::Tag { id, name }, String::new());
                }
                return Handled::Quiet;
            }
            Action::RunForm => {
                if let Some(image) = self.selected_ref() {
                    cx.overlay = Some(Overlay::RunForm {
                        form: Box::new(RunForm::for_image(&image)),
                        field: 1,
                        purpose: Default::default(),
                    });
                }
                return Handled::Redraw;
            }
            Action::Run => {
                if let Some(image) = self.selected_ref() {
                    return cx.prompt(PromptKind::Run { image }, "-d ".into());
                }
                return Handled::Quiet;
            }
            Action::Remove => {
                if let (Some(id), Some(img)) = (self.selected_ref(), self.selected()) {
                    // A tagged row removes that tag (the image goes with its last tag).
                    let name = img.name().to_string();
                    return cx.ask_on(
                        host,
                        format!("Remove image {name}? (y: remove, f: force, n: cancel)"),
                        ResCmd::RemoveImage {
                            id: id.clone(),
                            force: false,
                        },
                        Some(ResCmd::RemoveImage { id, force: true }),
                    );
                }
                return Handled::Quiet;
            }
            Action::Prune => {
                // One image per id (rows are per tag), its size once; prune leaves an image a
                // container uses, so does the count.
                let mut ids = std::collections::BTreeMap::new();
                let prunable = |i: &&Image| i.dangling && i.containers <= 0;
                for i in self.images.iter().flatten().filter(prunable) {
                    ids.insert(i.id.as_str(), i.size.max(0));
                }
                let (n, size) = (ids.len(), ids.values().sum::<i64>());
                let question = if n == 0 {
                    "Prune dangling images? None is listed: nothing would go. (y/n)".to_string()
                } else {
                    format!(
                        "Prune {n} dangling image{} (untagged, {})? (y/n)",
                        if n == 1 { "" } else { "s" },
                        crate::app::images::human_size(size)
                    )
                };
                return cx.ask(question, ResCmd::PruneImages { all: false }, None);
            }
            Action::Jobs => {
                self.show_jobs = !self.show_jobs;
                return Handled::Redraw;
            }
            Action::Mark => {
                if let Some(r) = self.selected_ref()
                    && !self.marked.remove(&r)
                {
                    self.marked.insert(r);
                }
                return Handled::Redraw;
            }
            Action::SaveImages => {
                let (refs, estimate) = self.save_targets();
                if refs.is_empty() {
                    cx.status(StatusKind::Error, "no image selected");
                    return Handled::Redraw;
                }
                let path = default_tar(&refs);
                return cx.prompt(PromptKind::SaveImages { refs, estimate }, path);
            }
            Action::LoadImages => {
                let dir = crate::app::files::DEFAULT_DOWNLOAD_DIR;
                return cx.prompt(PromptKind::LoadImages, format!("{dir}/"));
            }
            Action::Cancel => {
                if let Some(job) = self.jobs.current()
                    && !job.progress.is_finished()
                {
                    cx.send(ResCmd::CancelJob(job.id));
                }
                return Handled::Redraw;
            }
            _ => return Handled::No,
        }
        self.refilter(cx.filter, cx.page);
        Handled::Redraw
    }

    fn draw_list(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::list(self, f, area, dx);
    }

    fn draw_detail(&self, f: &mut ratatui::Frame, area: ratatui::layout::Rect, dx: &super::Dx) {
        draw::detail(self, f, area, dx);
    }
}
