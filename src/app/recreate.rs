//! Update and recreate containers: what the user asks (pull the image tag again and recreate
//! the container when the tag moved; replace it with an edited configuration; duplicate it),
//! and what each container's answer says. Plain data; what the keys and answers do to the
//! state is `recreate_flow.rs`, the swap itself (the old container kept aside until the new
//! one runs, put back when it does not) is `docker/recreate.rs`.

use super::runform::RunSpec;

/// What the old container is renamed to while its replacement starts.
pub const OLD_SUFFIX: &str = "-dockside-old";

/// A container to update or recreate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: String,
    /// Its image as listed (for the command log; the engine's own record is used).
    pub image: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum How {
    /// Pull the image tag again; recreate only when it now names another image.
    Update,
    /// Recreate in place: the run form's fields replace the container's, everything the form
    /// does not show (labels, entrypoint, user, aliases, other networks…) is kept.
    Replace(Box<RunSpec>),
    /// A new container from the run form, with what the form does not show copied from the
    /// original; the original is left alone.
    Duplicate(Box<RunSpec>),
}

/// A request to update or recreate containers, carried out one after the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Recreate {
    pub targets: Vec<Target>,
    pub how: How,
}

impl Recreate {
    pub fn verb(&self) -> &'static str {
        match self.how {
            How::Update => "update",
            How::Replace(_) => "recreate",
            How::Duplicate(_) => "duplicate",
        }
    }
}

/// How one container came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The tag names the image the container runs: nothing done.
    UpToDate {
        image: String,
    },
    /// The new container runs under the name; the old one is removed (`leftover`: why it
    /// could not be).
    Replaced {
        new_id: String,
        image_id: String,
        leftover: Option<String>,
    },
    Duplicated {
        new_id: String,
        name: String,
    },
    /// The new container failed (`why`); the old one is back under its name, as it was.
    RolledBack {
        why: String,
    },
}

/// One container's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub name: String,
    pub result: Result<Outcome, String>,
}

impl Report {
    /// One line for the status bar.
    pub fn line(&self) -> String {
        let n = &self.name;
        match &self.result {
            Ok(Outcome::UpToDate { image }) => format!("{n}: already up to date ({image})"),
            Ok(Outcome::Replaced {
                image_id, leftover, ..
            }) => {
                let mut s = format!(
                    "{n}: recreated, now on image {}",
                    super::images::short_id(image_id)
                );
                if let Some(l) = leftover {
                    s.push_str(&format!(" ({l})"));
                }
                s
            }
            Ok(Outcome::Duplicated { name, .. }) => format!("{n}: duplicated as {name}"),
            Ok(Outcome::RolledBack { why }) => {
                format!("{n}: rolled back, the old container runs again: {why}")
            }
            Err(e) => format!("{n}: {e}"),
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.result, Err(_) | Ok(Outcome::RolledBack { .. }))
    }
}

/// Answers of the update or recreate under way, for one summary line at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Containers asked for and not yet answered.
    pub waiting: usize,
    pub reports: Vec<Report>,
}

impl Batch {
    /// The line once everything is answered: counts, and every failure by name.
    pub fn summary(&self) -> String {
        if let [one] = self.reports.as_slice() {
            return one.line();
        }
        let count = |f: &dyn Fn(&Report) -> bool| self.reports.iter().filter(|r| f(r)).count();
        let replaced = count(&|r| matches!(r.result, Ok(Outcome::Replaced { .. })));
        let current = count(&|r| matches!(r.result, Ok(Outcome::UpToDate { .. })));
        let mut parts = Vec::new();
        if replaced > 0 {
            parts.push(format!("{replaced} recreated"));
        }
        if current > 0 {
            parts.push(format!("{current} already up to date"));
        }
        for r in self.reports.iter().filter(|r| r.failed()) {
            parts.push(r.line());
        }
        parts.join("; ")
    }
}

/// What the run form is for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FormPurpose {
    /// `docker run`: a new container.
    #[default]
    Run,
    /// Recreate this container in place with the form's configuration.
    Replace { id: String, name: String },
    /// A new container like this one.
    Duplicate { id: String, name: String },
}

impl FormPurpose {
    /// The form's title.
    pub fn title(&self) -> String {
        match self {
            FormPurpose::Run => "docker run".into(),
            FormPurpose::Replace { name, .. } => {
                format!("Recreate {name} in place (put back if the new one fails)")
            }
            FormPurpose::Duplicate { name, .. } => format!("Duplicate {name}"),
        }
    }

    /// The container the form replaces (its name may be reused).
    pub fn replaces(&self) -> Option<&str> {
        match self {
            FormPurpose::Replace { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// A name for a copy of `name` that no container has: `name-copy`, `name-copy2`…
pub fn copy_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let first = format!("{name}-copy");
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|n| format!("{name}-copy{n}"))
        .find(|c| !taken(c))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_skip_taken_ones() {
        assert_eq!(copy_name("web", |_| false), "web-copy");
        assert_eq!(
            copy_name("web", |n| n == "web-copy" || n == "web-copy2"),
            "web-copy3"
        );
    }

    #[test]
    fn summaries_count_and_name_failures() {
        let r = |name: &str, result| Report {
            id: name.into(),
            name: name.into(),
            result,
        };
        let one = Batch {
            waiting: 0,
            reports: vec![r(
                "web",
                Ok(Outcome::UpToDate {
                    image: "app:v1".into(),
                }),
            )],
        };
        assert_eq!(one.summary(), "web: already up to date (app:v1)");
        let many = Batch {
            waiting: 0,
            reports: vec![
                r(
                    "a",
                    Ok(Outcome::Replaced {
                        new_id: "n".into(),
                        image_id: "sha256:0123456789abcdef".into(),
                        leftover: None,
                    }),
                ),
                r("b", Ok(Outcome::UpToDate { image: "x".into() })),
                r(
                    "c",
                    Ok(Outcome::RolledBack {
                        why: "exited at once (code 1)".into(),
                    }),
                ),
                r("d", Err("pull app:v1: not found".into())),
            ],
        };
        assert_eq!(
            many.summary(),
            "1 recreated; 1 already up to date; c: rolled back, the old container runs again: exited at once (code 1); d: pull app:v1: not found"
        );
    }
}
