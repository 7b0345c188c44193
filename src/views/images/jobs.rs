//! Long operations with progress (pull, push, build), kept while the user works elsewhere.

use crate::app::images::{Progress, ProgressView};

/// Most finished jobs kept.
pub const MAX_JOBS: usize = 20;

/// A long operation with progress.
pub struct Job {
    pub id: u64,
    pub title: String,
    pub progress: ProgressView,
    /// Its last line says what it did: the status shows it when it ends (save, load).
    pub summarised: bool,
}

#[derive(Default)]
pub struct Jobs {
    pub list: Vec<Job>,
    next: u64,
    /// The job shown in the detail pane.
    pub cur: usize,
}

impl Jobs {
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, id: u64) -> Option<&Job> {
        self.list.iter().find(|j| j.id == id)
    }

    /// The job shown.
    pub fn current(&self) -> Option<&Job> {
        self.list.get(self.cur)
    }

    /// Start a job; returns its id. The oldest finished jobs past the cap go.
    pub fn start(&mut self, title: String) -> u64 {
        self.next += 1;
        let id = self.next;
        self.list.push(Job {
            id,
            title,
            progress: ProgressView::new(),
            summarised: false,
        });
        while self.list.len() > MAX_JOBS {
            match self.list.iter().position(|j| j.progress.is_finished()) {
                Some(i) => {
                    self.list.remove(i);
                }
                None => break,
            }
        }
        self.cur = self.list.len().saturating_sub(1);
        id
    }

    /// Apply progress to a job; `Some(true)` when it finished with this event.
    pub fn progress(&mut self, id: u64, p: Progress) -> Option<bool> {
        let job = self.list.iter_mut().find(|j| j.id == id)?;
        let was = job.progress.is_finished();
        job.progress.apply(p);
        Some(!was && job.progress.is_finished())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_bounded_and_track_completion() {
        let mut v = Jobs::default();
        let id = v.start("pull busybox".into());
        assert_eq!(
            v.progress(id, Progress::Line("Pulling".into())),
            Some(false)
        );
        assert_eq!(
            v.progress(id, Progress::Done { image_id: None }),
            Some(true)
        );
        assert_eq!(v.progress(999, Progress::Done { image_id: None }), None);
        for i in 0..30 {
            let id = v.start(format!("job {i}"));
            v.progress(id, Progress::Error("x".into()));
        }
        assert!(v.list.len() <= MAX_JOBS);
    }
}
