//! Freshness: whether each local image tag still names what its registry holds under that
//! tag. The registry's digest (`Docker-Content-Digest` of the tag's manifest) is compared with
//! the image's repo digests (`RepoDigests`, what it was pulled or pushed as). Checked on
//! request (images and registries views), and every `freshness.check_minutes` when the
//! config sets it (off by default, so Docker Hub's limits are never met). Images and
//! containers whose tag moved get an `outdated` badge, and `u` updates them. Pure: no I/O.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::action::Handled;
use super::images::{Image, Reference};
use super::msg::{Cmd, ConnStatus, Kind, Req, ResCmd};
use super::overlay::StatusKind;
use super::state::State;

/// What the registries said, and what follows for the images and containers here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freshness {
    /// The registry's digest of each tag checked (as the images list names it), or why it
    /// could not be read.
    pub remote: HashMap<String, Result<String, String>>,
    /// Tags whose local image is not what their registry has.
    pub outdated: BTreeSet<String>,
    /// Images found older than their tag in its registry: a container running one is
    /// outdated, also once the tag was pulled (the engine then names its image by id).
    pub stale: HashSet<String>,
    /// Tags asked and not answered yet.
    pub checking: usize,
    /// Check as soon as the images are listed.
    pub wanted: bool,
    /// The check under way was not asked for by a key (the schedule): say only news.
    quiet: bool,
    /// When the last check was sent (unix seconds).
    pub last: Option<i64>,
    /// Seconds between checks on their own; 0: only on request.
    pub every: i64,
    /// Registries to reach over plain HTTP (the config's `insecure` ones).
    pub insecure: Vec<String>,
}

/// `app:v1` → (`app`, the repo its digests are named by).
fn repo_of(tag: &str) -> String {
    Reference::parse(tag).repo
}

/// The tags worth asking about: those whose image came from (or went to) their registry,
/// so it has a repo digest to compare with. Sorted, once each.
pub fn checkable(images: &[Image]) -> Vec<String> {
    let mut tags: Vec<String> = images
        .iter()
        .flat_map(|i| {
            i.tags.iter().filter(|t| {
                let repo = repo_of(t);
                i.digests
                    .iter()
                    .any(|d| d.split_once('@').is_some_and(|(r, _)| r == repo))
            })
        })
        .cloned()
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// `image` holds `digest` of `tag`'s repository.
fn holds(image: &Image, tag: &str, digest: &str) -> bool {
    let want = format!("{}@{digest}", repo_of(tag));
    image.digests.contains(&want)
}

/// `busybox` → `busybox:latest`.
fn normalize(reference: &str) -> String {
    crate::views::projects::model::normalize(reference)
}

impl Freshness {
    /// The images changed: which tags are outdated now.
    pub fn recompute(&mut self, images: &[Image]) {
        self.outdated.clear();
        for i in images {
            for t in &i.tags {
                if let Some(Ok(d)) = self.remote.get(t)
                    && !holds(i, t, d)
                {
                    self.outdated.insert(t.clone());
                    self.stale.insert(i.id.clone());
                }
            }
        }
    }

    /// The registries answered: remember, recompute, and the line to show (None when a
    /// scheduled check found nothing worth saying).
    pub fn answered(
        &mut self,
        results: Vec<(String, Result<String, String>)>,
        images: Option<&[Image]>,
    ) -> Option<(StatusKind, String)> {
        let asked = results.len();
        let mut failed: Vec<String> = Vec::new();
        for (tag, r) in results {
            if let Err(e) = &r {
                failed.push(format!("{tag}: {e}"));
            }
            self.remote.insert(tag, r);
        }
        self.checking = 0;
        if let Some(images) = images {
            self.recompute(images);
        }
        let quiet = std::mem::take(&mut self.quiet);
        let n = self.outdated.len();
        let mut line = if n == 0 {
            format!("all {} tags checked are up to date", asked - failed.len())
        } else {
            let names: Vec<&str> = self.outdated.iter().map(String::as_str).take(3).collect();
            format!(
                "{n} outdated: {}{} (u updates its containers)",
                names.join(", "),
                if n > 3 { ", …" } else { "" }
            )
        };
        if let Some(first) = failed.first() {
            line.push_str(&format!(
                "; {} could not be checked ({first}{})",
                failed.len(),
                if failed.len() > 1 { ", …" } else { "" }
            ));
        }
        if quiet && n == 0 && failed.is_empty() {
            return None;
        }
        let kind = if failed.is_empty() {
            StatusKind::Info
        } else {
            StatusKind::Error
        };
        Some((kind, line))
    }

    /// Whether this tag of a local image is outdated.
    pub fn tag_outdated(&self, tag: &str) -> bool {
        self.outdated.contains(tag)
    }

    /// The state of a tag for the images list: `outdated`, `current`, `?` (not readable),
    /// or nothing (not checked).
    pub fn badge(&self, image: &Image, tag: &str) -> Option<&'static str> {
        match self.remote.get(tag)? {
            Ok(d) if holds(image, tag, d) => Some("current"),
            Ok(_) => Some("outdated"),
            Err(_) => Some("?"),
        }
    }

    /// Whether a container listed with this image (a tag, or an id once its tag moved) runs
    /// an outdated one.
    pub fn container_outdated(&self, image: &str) -> bool {
        if self.outdated.is_empty() && self.stale.is_empty() {
            return false;
        }
        let bare = image.trim_start_matches("sha256:");
        if bare.len() >= 12 && bare.chars().all(|c| c.is_ascii_hexdigit()) {
            return self
                .stale
                .iter()
                .any(|s| s.trim_start_matches("sha256:").starts_with(bare));
        }
        self.outdated.contains(&normalize(image))
    }
}

/// Ask the registries about every tag here that came from one (`quiet`: on the schedule).
pub fn check(state: &mut State, quiet: bool, out: &mut Vec<Cmd>) -> Handled {
    let insecure: Vec<String> = state
        .views
        .registries
        .registries
        .iter()
        .filter(|r| r.insecure)
        .map(|r| r.host.clone())
        .collect();
    let now = state.now;
    let images = state.views.images.images.as_deref();
    let f = &mut state.views.images.fresh;
    f.insecure = insecure;
    f.quiet = quiet;
    f.last = Some(now);
    let Some(images) = images else {
        f.wanted = true;
        out.push(Cmd::Engine(Req::Res(ResCmd::Watch(Kind::Images))));
        if !quiet {
            state.set_status(StatusKind::Progress, "listing the images to check…");
        }
        return Handled::Redraw;
    };
    match start(f, images) {
        Some((cmd, n)) => {
            out.push(Cmd::Engine(Req::Res(cmd)));
            if !quiet {
                state.set_status(
                    StatusKind::Progress,
                    format!("asking the registries about {n} tags…"),
                );
            }
        }
        None if !quiet => state.set_status(
            StatusKind::Info,
            "no image here came from a registry (none has a repo digest): nothing to check",
        ),
        None => {}
    }
    Handled::Redraw
}

/// The request for the tags of `images`, and how many (None: nothing to ask).
pub fn start(f: &mut Freshness, images: &[Image]) -> Option<(ResCmd, usize)> {
    f.wanted = false;
    let tags = checkable(images);
    if tags.is_empty() {
        f.quiet = false;
        return None;
    }
    f.checking = tags.len();
    let n = tags.len();
    Some((
        ResCmd::CheckTags {
            tags,
            insecure: f.insecure.clone(),
        },
        n,
    ))
}

/// A clock tick: check on the schedule, when one is set.
pub fn tick(state: &mut State, out: &mut Vec<Cmd>) {
    let f = &state.views.images.fresh;
    if f.every <= 0
        || f.checking > 0
        || f.wanted
        || !matches!(state.conn, ConnStatus::Connected { .. })
        || f.last.is_some_and(|l| state.now - l < f.every)
    {
        return;
    }
    check(state, true, out);
}

/// `u` in the images view: update the containers running the selected image.
pub fn update_from_image(state: &mut State) -> Handled {
    let Some(img) = state.views.images.selected().cloned() else {
        state.set_status(StatusKind::Error, "no image selected");
        return Handled::Redraw;
    };
    let bare = img.id.trim_start_matches("sha256:");
    let mut users: Vec<&super::model::Container> = state
        .containers
        .values()
        .filter(|c| {
            let by_id =
                c.image.len() >= 12 && bare.starts_with(c.image.trim_start_matches("sha256:"));
            img.tags.contains(&normalize(&c.image))
                || by_id
                || c.compose.as_ref().is_some_and(|k| k.image_id == img.id)
        })
        .collect();
    users.sort_by(|a, b| a.name.cmp(&b.name));
    if users.is_empty() {
        state.set_status(
            StatusKind::Info,
            format!("no container runs {}: nothing to update", img.name()),
        );
        return Handled::Redraw;
    }
    let targets = users
        .into_iter()
        .map(|c| super::recreate::Target {
            id: c.id.clone(),
            name: c.name.clone(),
            image: c.image.clone(),
        })
        .collect();
    super::recreate_flow::ask_update(state, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(id: &str, tags: &[&str], digests: &[&str]) -> Image {
        Image {
            host: None,
            id: id.into(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            digests: digests.iter().map(|s| s.to_string()).collect(),
            ..Image::default()
        }
    }

    #[test]
    fn only_tags_from_a_registry_are_asked_about() {
        let images = [
            img(
                "sha256:1",
                &["reg:5000/app:v1", "local:dev"],
                &["reg:5000/app@sha256:aa"],
            ),
            img("sha256:2", &["busybox:latest"], &["busybox@sha256:bb"]),
            img("sha256:3", &["built:here"], &[]),
        ];
        assert_eq!(checkable(&images), ["busybox:latest", "reg:5000/app:v1"]);
    }

    #[test]
    fn a_moved_tag_marks_its_image_and_the_containers_on_it() {
        let mut images = vec![img(
            "sha256:0123456789abcdef",
            &["reg:5000/app:v1"],
            &["reg:5000/app@sha256:aa"],
        )];
        let mut f = Freshness::default();
        let line = f.answered(
            vec![
                ("reg:5000/app:v1".into(), Ok("sha256:bb".into())),
                ("gone:x".into(), Err("not found".into())),
            ],
            Some(&images),
        );
        assert_eq!(
            line,
            Some((
                StatusKind::Error,
                "1 outdated: reg:5000/app:v1 (u updates its containers); 1 could not be checked (gone:x: not found)".into()
            ))
        );
        assert!(f.tag_outdated("reg:5000/app:v1"));
        assert_eq!(f.badge(&images[0], "reg:5000/app:v1"), Some("outdated"));
        assert!(f.container_outdated("reg:5000/app:v1"));
        assert!(!f.container_outdated("other:1"));
        // Pulled: the tag is current, a container still on the old image (listed by id) not.
        images = vec![
            img(
                "sha256:fedcba9876543210",
                &["reg:5000/app:v1"],
                &["reg:5000/app@sha256:bb"],
            ),
            img("sha256:0123456789abcdef", &[], &["reg:5000/app@sha256:aa"]),
        ];
        f.recompute(&images);
        assert!(!f.tag_outdated("reg:5000/app:v1"));
        assert_eq!(f.badge(&images[0], "reg:5000/app:v1"), Some("current"));
        assert!(!f.container_outdated("reg:5000/app:v1"));
        assert!(f.container_outdated("0123456789ab"));
        assert!(!f.container_outdated("fedcba987654"));
    }

    #[test]
    fn a_scheduled_check_that_finds_nothing_says_nothing() {
        let images = [img("sha256:1", &["a:1"], &["a@sha256:aa"])];
        let mut f = Freshness {
            quiet: true,
            ..Freshness::default()
        };
        assert_eq!(
            f.answered(vec![("a:1".into(), Ok("sha256:aa".into()))], Some(&images)),
            None
        );
        assert_eq!(
            f.answered(vec![("a:1".into(), Ok("sha256:aa".into()))], Some(&images)),
            Some((StatusKind::Info, "all 1 tags checked are up to date".into()))
        );
    }
}
