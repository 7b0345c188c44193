//! The other views: images, volumes, networks and the engine (disk usage, info), plus the
//! long jobs (pull, push, build) that run while the user keeps working.

use super::images::{Image, ImageDetail, ImageSort, Progress, ProgressView};
use super::resources::{DiskUsage, Network, Volume};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Containers,
    Images,
    Volumes,
    Networks,
    Engine,
    Events,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Containers,
        View::Images,
        View::Volumes,
        View::Networks,
        View::Engine,
        View::Events,
    ];

    /// The keymap context of this view's own keys (None: the containers view's panes).
    /// The keymap contexts of this view, most specific first.
    pub fn contexts(self) -> &'static [super::keymap::Context] {
        use super::keymap::Context::*;
        match self {
            View::Containers => &[Containers, List, Global],
            View::Images => &[Images, List, Global],
            View::Volumes => &[Volumes, List, Global],
            View::Networks => &[Networks, List, Global],
            // Not a list: its own keys and the global ones.
            View::Engine => &[Engine, Global],
            View::Events => &[Events, List, Global],
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Containers => "Containers",
            View::Images => "Images",
            View::Volumes => "Volumes",
            View::Networks => "Networks",
            View::Engine => "Engine",
            View::Events => "Events",
        }
    }
}

/// Kinds of resource lists the engine task keeps fresh from the events stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Images,
    Volumes,
    Networks,
    DiskUsage,
}

/// Selection and scroll of a list whose rows are indices into a vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub sel: usize,
    pub off: usize,
}

impl Cursor {
    pub fn go(&mut self, delta: i64, len: usize, page: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        let next = (self.sel as i64 + delta).clamp(0, len as i64 - 1) as usize;
        self.sel = next;
        self.clamp(len, page);
    }

    pub fn clamp(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        self.sel = self.sel.min(len - 1);
        if self.sel < self.off {
            self.off = self.sel;
        } else if self.sel >= self.off + page {
            self.off = self.sel + 1 - page;
        }
        if self.off + page > len {
            self.off = len.saturating_sub(page);
        }
    }
}

/// A long operation with progress.
pub struct Job {
    pub id: u64,
    pub title: String,
    pub progress: ProgressView,
}

#[derive(Default)]
pub struct Views {
    pub images: Option<Vec<Image>>,
    pub image_rows: Vec<usize>,
    pub image_cur: Cursor,
    pub image_sort: ImageSort,
    pub image_sort_rev: bool,
    pub show_dangling: bool,
    pub image_detail: Option<ImageDetail>,
    pub volumes: Option<Vec<Volume>>,
    pub volume_cur: Cursor,
    pub networks: Option<Vec<Network>>,
    pub network_cur: Cursor,
    pub disk: Option<DiskUsage>,
    pub info: Option<Vec<(String, String)>>,
    /// Errors from the last fetch of a list, shown in its pane.
    pub errors: Vec<(Kind, String)>,
    pub jobs: Vec<Job>,
    pub next_job: u64,
    /// The job shown in the detail pane.
    pub job_cur: usize,
    /// The engine's events, newest first.
    pub events: super::events::EventLog,
    /// A container just created from the run prompt: select it when it appears in the list.
    pub select_when_listed: Option<String>,
}

/// Most finished jobs kept.
const MAX_JOBS: usize = 20;

impl Views {
    pub fn error(&self, kind: Kind) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| e.as_str())
    }

    pub fn set_error(&mut self, kind: Kind, e: Option<String>) {
        self.errors.retain(|(k, _)| *k != kind);
        if let Some(e) = e {
            self.errors.push((kind, e));
        }
    }

    /// Recompute the visible image rows (filter, dangling toggle, sort).
    pub fn recompute_images(&mut self, filter: &str, page: usize) {
        let Some(images) = self.images.as_mut() else {
            return;
        };
        let selected_id = self
            .image_rows
            .get(self.image_cur.sel)
            .and_then(|i| images.get(*i))
            .map(|i| i.id.clone());
        super::images::sort_images(images, self.image_sort, self.image_sort_rev);
        self.image_rows = super::images::filter_images(images, filter, self.show_dangling);
        if let Some(id) = selected_id
            && let Some(pos) = self
                .image_rows
                .iter()
                .position(|i| images.get(*i).is_some_and(|im| im.id == id))
        {
            self.image_cur.sel = pos;
        }
        self.image_cur.clamp(self.image_rows.len(), page);
    }

    pub fn selected_image(&self) -> Option<&Image> {
        let images = self.images.as_ref()?;
        self.image_rows
            .get(self.image_cur.sel)
            .and_then(|i| images.get(*i))
    }

    pub fn selected_volume(&self) -> Option<&Volume> {
        self.volumes.as_ref()?.get(self.volume_cur.sel)
    }

    pub fn selected_network(&self) -> Option<&Network> {
        self.networks.as_ref()?.get(self.network_cur.sel)
    }

    /// Start a job; returns its id.
    pub fn start_job(&mut self, title: String) -> u64 {
        self.next_job += 1;
        let id = self.next_job;
        self.jobs.push(Job {
            id,
            title,
            progress: ProgressView::new(),
        });
        // Drop the oldest finished jobs past the cap.
        while self.jobs.len() > MAX_JOBS {
            match self.jobs.iter().position(|j| j.progress.is_finished()) {
                Some(i) => {
                    self.jobs.remove(i);
                }
                None => break,
            }
        }
        self.job_cur = self.jobs.len().saturating_sub(1);
        id
    }

    /// Apply progress to a job; true when it finished with this event.
    pub fn job_progress(&mut self, id: u64, p: Progress) -> Option<bool> {
        let job = self.jobs.iter_mut().find(|j| j.id == id)?;
        let was = job.progress.is_finished();
        job.progress.apply(p);
        Some(!was && job.progress.is_finished())
    }

    pub fn current_job(&self) -> Option<&Job> {
        self.jobs.get(self.job_cur)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_stays_in_range_and_scrolls() {
        let mut c = Cursor::default();
        c.go(5, 3, 2);
        assert_eq!(c, Cursor { sel: 2, off: 1 });
        c.go(-10, 3, 2);
        assert_eq!(c, Cursor { sel: 0, off: 0 });
        c.go(1, 0, 2);
        assert_eq!(c, Cursor::default());
    }

    #[test]
    fn jobs_are_bounded_and_track_completion() {
        let mut v = Views::default();
        let id = v.start_job("pull busybox".into());
        assert_eq!(
            v.job_progress(id, Progress::Line("Pulling".into())),
            Some(false)
        );
        assert_eq!(
            v.job_progress(id, Progress::Done { image_id: None }),
            Some(true)
        );
        assert_eq!(v.job_progress(999, Progress::Done { image_id: None }), None);
        for i in 0..30 {
            let id = v.start_job(format!("job {i}"));
            v.job_progress(id, Progress::Error("x".into()));
        }
        assert!(v.jobs.len() <= MAX_JOBS);
    }
}

/// Results from the docker layer for these views.
#[derive(Debug, Clone)]
pub enum ResMsg {
    Images(Result<Vec<Image>, String>),
    Volumes(Result<Vec<Volume>, String>),
    Networks(Result<Vec<Network>, String>),
    Disk(Result<DiskUsage, String>),
    Info(Result<Vec<(String, String)>, String>),
    ImageDetail(Result<Box<ImageDetail>, String>),
    Job {
        id: u64,
        progress: Progress,
    },
    /// A short operation finished: what it was, and the engine's answer.
    Done {
        what: String,
        result: Result<String, String>,
    },
    /// A container was created and started from the run prompt.
    Ran(Result<String, String>),
}

/// Commands for these views.
#[derive(Debug, Clone, PartialEq)]
pub enum ResCmd {
    /// Fetch this list now and keep it fresh from the events stream.
    Watch(Kind),
    Info,
    ImageDetail(String),
    RemoveImage {
        id: String,
        force: bool,
    },
    PruneImages {
        all: bool,
    },
    Pull {
        job: u64,
        reference: String,
    },
    Push {
        job: u64,
        reference: String,
    },
    Build {
        job: u64,
        dir: String,
        tag: String,
        dockerfile: Option<String>,
        build_args: Vec<(String, String)>,
    },
    Tag {
        id: String,
        repo: String,
        tag: String,
    },
    Commit {
        container: String,
        repo: String,
        tag: String,
        author: String,
        message: String,
    },
    CreateVolume(String),
    /// List volumes with their sizes (the engine measures every volume: on request only).
    VolumeSizes,
    RemoveVolume(String),
    PruneVolumes,
    CreateNetwork {
        name: String,
        subnet: Option<String>,
    },
    RemoveNetwork(String),
    Connect {
        network: String,
        container: String,
        alias: Option<String>,
    },
    Disconnect {
        network: String,
        container: String,
    },
    PruneNetworks,
    SystemPrune,
    Run(Box<super::runform::RunSpec>),
    CancelJob(u64),
}
