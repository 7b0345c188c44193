//! The projects view: every compose project on the engine, derived from the containers'
//! labels (no engine call of its own), its services (enter), and project and service actions
//! through the Engine API: start, stop, restart, pause/unpause, kill, and down (asks).

mod draw;
pub mod model;

pub(crate) use draw::cli_run;

use std::collections::{BTreeSet, HashMap};

use crate::app::action::{Action, Handled};
use crate::app::images::{Image, Progress, ProgressView};
use crate::app::keymap::Context;
use crate::app::model::{CState, Container};
use crate::app::msg::{Cmd, ComposeRun, ContainerAction, Kind, Req, ResCmd};
use crate::app::overlay::{PromptKind, StatusKind};

use super::list::{ListView, natural_cmp};
use super::{Cx, Goto, Shape};
pub use model::{Member, PState, Project, Service};

#[derive(Default)]
pub struct ProjectsView {
    pub projects: Vec<Project>,
    /// The projects list.
    pub list: ListView,
    /// Marked projects, by name: actions apply to them all.
    pub marked: BTreeSet<String>,
    /// The project whose services the list shows (enter; esc goes back).
    pub open: Option<String>,
    /// The services list of the open project.
    pub services: ListView,
    /// Tag → image id, from the images list (for the outdated badge); None until listed.
    tags: Option<HashMap<String, String>>,
    /// The last compose CLI run, its output in the detail pane while `show_cli`.
    pub cli: Option<CliRun>,
    pub show_cli: bool,
    /// Job ids of compose runs (apart from the images view's).
    next_job: u64,
    /// The projects' filter when the services were opened: it does not filter them.
    outer_filter: String,
}

/// The address to hand the compose CLI (`DOCKER_HOST`), from the address shown
/// (`unix:///run/docker.sock (DOCKER_HOST)`): its first word, when it is one.
pub fn engine_host(shown: &str) -> Option<String> {
    let addr = shown.split_whitespace().next()?;
    ["unix://", "tcp://", "ssh://", "npipe://"]
        .iter()
        .any(|s| addr.starts_with(s))
        .then(|| addr.to_string())
}

/// Job ids of compose runs start here, far from the images view's pulls and builds.
const JOB_BASE: u64 = 1 << 40;

/// A compose CLI run: its command line (the first line of its output) and its output.
pub struct CliRun {
    pub job: u64,
    pub title: String,
    pub progress: ProgressView,
}

impl ProjectsView {
    pub fn selected(&self) -> Option<&Project> {
        match &self.open {
            Some(name) => self.projects.iter().find(|p| &p.name == name),
            None => self.list.selected().and_then(|i| self.projects.get(i)),
        }
    }

    /// The selected service of the open project.
    pub fn selected_service(&self) -> Option<&Service> {
        self.open.as_ref()?;
        let p = self.selected()?;
        self.services.selected().and_then(|i| p.services.get(i))
    }

    /// The containers changed: derive the projects again.
    pub fn containers_changed<'a>(
        &mut self,
        containers: impl Iterator<Item = &'a Container>,
        filter: &str,
        page: usize,
    ) {
        self.projects = model::derive(containers);
        model::mark_outdated(&mut self.projects, self.tags.as_ref());
        let names: BTreeSet<&str> = self.projects.iter().map(|p| p.name.as_str()).collect();
        self.marked.retain(|m| names.contains(m.as_str()));
        if self.open.as_deref().is_some_and(|o| !names.contains(o)) {
            self.open = None;
            self.services = ListView::default();
        }
        self.refilter(filter, page);
    }

    /// The images list changed: which tag is which image now. True when a badge changed.
    pub fn images_changed(&mut self, images: &Result<Vec<Image>, String>) -> bool {
        let Ok(images) = images else {
            return false;
        };
        let tags = images
            .iter()
            .flat_map(|i| i.tags.iter().map(|t| (t.clone(), i.id.clone())))
            .collect();
        self.tags = Some(tags);
        let before: Vec<bool> = self
            .projects
            .iter()
            .flat_map(|p| p.members())
            .map(|m| m.outdated)
            .collect();
        model::mark_outdated(&mut self.projects, self.tags.as_ref());
        before
            != self
                .projects
                .iter()
                .flat_map(|p| p.members())
                .map(|m| m.outdated)
                .collect::<Vec<_>>()
    }

    /// Output of a compose CLI run; a run started from a prompt shows up with its first line.
    pub fn on_compose(&mut self, job: u64, progress: Progress, cx: &mut Cx) -> Handled {
        if job < JOB_BASE {
            return Handled::Quiet;
        }
        if self.cli.as_ref().is_none_or(|c| c.job != job) {
            self.cli = Some(CliRun {
                job,
                title: String::new(),
                progress: ProgressView::new(),
            });
            self.show_cli = true;
        }
        let Some(run) = self.cli.as_mut() else {
            return Handled::Quiet;
        };
        if let (true, Progress::Line(l)) = (run.title.is_empty(), &progress) {
            run.title = l.trim_start_matches("$ ").to_string();
        }
        let was = run.progress.is_finished();
        run.progress.apply(progress);
        if !was && run.progress.is_finished() {
            let what = run.title.clone();
            match run.progress.error() {
                Some(e) => cx.status(StatusKind::Error, format!("{what}: {e}")),
                None => cx.status(StatusKind::Info, format!("done: {what}")),
            }
        }
        Handled::Redraw
    }

    /// A compose CLI run for the selected project (its selected service appended to `args`
    /// when `service`), with a new job id.
    fn compose_run(
        &mut self,
        mut args: Vec<String>,
        service: bool,
        engine: &str,
    ) -> Option<ComposeRun> {
        let p = self.selected()?;
        if service && let Some(s) = self.selected_service() {
            args.push(s.name.clone());
        }
        let run = ComposeRun {
            job: JOB_BASE + self.next_job,
            project: p.name.clone(),
            working_dir: p.working_dir.clone(),
            files: p.config_files.clone(),
            args,
            host: engine_host(engine),
        };
        self.next_job += 1;
        Some(run)
    }

    /// `docker compose -f FILE up -d` for a file that may not be on the engine yet: its
    /// folder and name are worked out where the CLI runs (`compose_cli`), the project named
    /// `project` or after that folder. Its output shows in this view's pane.
    pub fn open_file(&mut self, path: &str, project: Option<String>, engine: &str) -> ComposeRun {
        let run = ComposeRun {
            job: JOB_BASE + self.next_job,
            project: project.unwrap_or_default(),
            working_dir: String::new(),
            files: vec![path.to_string()],
            args: vec!["up".into(), "-d".into()],
            host: engine_host(engine),
        };
        self.next_job += 1;
        self.show_cli = true;
        run
    }

    /// Up, build, pull, recreate or scale through the compose CLI.
    fn compose(&mut self, action: Action, cx: &mut Cx) -> Handled {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let run = match action {
            Action::ComposeUp => self.compose_run(args(&["up", "-d"]), true, cx.engine),
            Action::Recreate => {
                self.compose_run(args(&["up", "-d", "--force-recreate"]), true, cx.engine)
            }
            Action::Build => self.compose_run(args(&["build"]), true, cx.engine),
            Action::Pull => self.compose_run(args(&["pull"]), true, cx.engine),
            Action::Scale => {
                let Some(service) = self.selected_service().map(|s| s.name.clone()) else {
                    cx.status(StatusKind::Info, "scale: pick a service first (enter)");
                    return Handled::Redraw;
                };
                let Some(run) = self.compose_run(
                    args(&["up", "-d", "--no-recreate", "--scale"]),
                    false,
                    cx.engine,
                ) else {
                    return Handled::Quiet;
                };
                return cx.prompt(PromptKind::ComposeScale { run, service }, String::new());
            }
            _ => return Handled::No,
        };
        let Some(run) = run else {
            return Handled::Quiet;
        };
        cx.status(
            StatusKind::Progress,
            format!("docker compose {} ({})…", run.args.join(" "), run.project),
        );
        cx.send(ResCmd::Compose(run));
        Handled::Redraw
    }

    /// Several engines: the compose CLI and `down` reach the primary engine only. A target
    /// with containers on another engine is refused with what to do (true), not run on the
    /// wrong engine.
    fn elsewhere(&self, cx: &mut Cx) -> bool {
        let Some((label, members)) = self.targets() else {
            return false;
        };
        if members.iter().all(|m| m.c.host == cx.primary) {
            return false;
        }
        cx.status(
            StatusKind::Error,
            format!(
                "{label} runs on another engine than the primary: focus that engine in the hosts view first (compose and down act on the primary)"
            ),
        );
        true
    }

    /// What an action applies to: the open project's selected service, else the marked
    /// projects, else the selected one. Its label and its containers.
    fn targets(&self) -> Option<(String, Vec<&Member>)> {
        if let Some(s) = self.selected_service() {
            let p = self.open.clone().unwrap_or_default();
            return Some((
                format!("service {} of {p}", s.name),
                s.members.iter().collect(),
            ));
        }
        if self.open.is_none() && !self.marked.is_empty() {
            let ps: Vec<&Project> = self
                .projects
                .iter()
                .filter(|p| self.marked.contains(&p.name))
                .collect();
            let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
            let label = format!("projects {}", names.join(", "));
            return Some((label, ps.into_iter().flat_map(|p| p.members()).collect()));
        }
        let p = self.selected()?;
        Some((format!("project {}", p.name), p.members().collect()))
    }

    /// Start, stop, restart, pause/unpause or kill the target's containers that it applies to.
    fn act(&self, action: Action, cx: &mut Cx) -> Handled {
        let Some((label, members)) = self.targets() else {
            return Handled::Quiet;
        };
        let replicas = || members.iter().filter(|m| !m.oneoff());
        let any_running = members.iter().any(|m| m.c.state == CState::Running);
        let (what, picked): (ContainerAction, Vec<&&Member>) = match action {
            Action::Start => (
                ContainerAction::Start,
                replicas().filter(|m| !m.c.state.is_live()).collect(),
            ),
            Action::Stop => (
                ContainerAction::Stop,
                members.iter().filter(|m| m.c.state.is_live()).collect(),
            ),
            Action::Restart => (ContainerAction::Restart, replicas().collect()),
            Action::Kill => (
                ContainerAction::Kill,
                members
                    .iter()
                    .filter(|m| m.c.state == CState::Running)
                    .collect(),
            ),
            Action::Pause if any_running => (
                ContainerAction::Pause,
                members
                    .iter()
                    .filter(|m| m.c.state == CState::Running)
                    .collect(),
            ),
            Action::Pause => (
                ContainerAction::Unpause,
                members
                    .iter()
                    .filter(|m| m.c.state == CState::Paused)
                    .collect(),
            ),
            _ => return Handled::No,
        };
        if picked.is_empty() {
            cx.status(
                StatusKind::Info,
                format!("nothing to {} in {label}", what.verb()),
            );
            return Handled::Redraw;
        }
        cx.status(
            StatusKind::Progress,
            format!(
                "{} {label} ({} container(s))…",
                what.progressive(),
                picked.len()
            ),
        );
        // One request: the engine orders them by their links and depends_on.
        cx.out.push(Cmd::Engine(Req::Group {
            targets: picked
                .iter()
                .map(|m| (m.c.id.clone(), m.c.name.clone()))
                .collect(),
            action: what,
        }));
        Handled::Redraw
    }

    /// Down: asks first; `f` takes the named volumes too.
    fn down(&self, cx: &mut Cx) -> Handled {
        if let Some(s) = self.selected_service() {
            let project = self.open.clone().unwrap_or_default();
            let n = s.members.len();
            return cx.ask(
                format!(
                    "Stop and remove the {n} container(s) of service {} in {project}? (y/n)",
                    s.name
                ),
                ResCmd::ComposeDown {
                    projects: vec![project],
                    service: Some(s.name.clone()),
                    volumes: false,
                },
                None,
            );
        }
        let ps: Vec<&Project> = if self.marked.is_empty() {
            self.selected().into_iter().collect()
        } else {
            self.projects
                .iter()
                .filter(|p| self.marked.contains(&p.name))
                .collect()
        };
        if ps.is_empty() {
            return Handled::Quiet;
        }
        let names: Vec<String> = ps.iter().map(|p| p.name.clone()).collect();
        let n: usize = ps.iter().map(|p| p.containers()).sum();
        let nets: BTreeSet<&str> = ps
            .iter()
            .flat_map(|p| p.networks.iter().map(String::as_str))
            .collect();
        let vols: BTreeSet<&str> = ps
            .iter()
            .flat_map(|p| p.volumes.iter().map(String::as_str))
            .collect();
        let yes = ResCmd::ComposeDown {
            projects: names.clone(),
            service: None,
            volumes: false,
        };
        let mut question = format!(
            "Down {}: stop and remove {n} container(s) and the network(s) {}? (y/n",
            names.join(", "),
            nets.into_iter().collect::<Vec<_>>().join(", ")
        );
        let force = (!vols.is_empty()).then(|| {
            question.push_str(&format!(
                " · f: and the volume(s) {}",
                vols.iter().copied().collect::<Vec<_>>().join(", ")
            ));
            ResCmd::ComposeDown {
                projects: names,
                service: None,
                volumes: true,
            }
        });
        question.push(')');
        cx.ask(question, yes, force)
    }
}

impl Shape for ProjectsView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Projects, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        // The outdated badge compares with the images list.
        super::watch_once(self.tags.is_some(), Kind::Images, cx);
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(match self.open {
            Some(_) => &mut self.services,
            None => &mut self.list,
        })
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        // The projects' rows follow the projects even while one is open (closing it comes
        // back to the same project, whatever came and went meanwhile).
        let outer = match &self.open {
            Some(_) => self.outer_filter.clone(),
            None => filter.to_string(),
        };
        self.list.refilter(
            &self.projects,
            &outer,
            page,
            |p, out| {
                out.push_str(&p.name);
                for s in &p.services {
                    out.push(' ');
                    out.push_str(&s.name);
                }
                out.push(' ');
                out.push_str(&p.working_dir);
            },
            |a, b| natural_cmp(&a.name, &b.name),
            |p| p.name.clone(),
        );
        if let Some(name) = &self.open {
            let filter = if filter == self.outer_filter {
                ""
            } else {
                filter
            };
            if let Some(p) = self.projects.iter().find(|p| &p.name == name) {
                self.services.refilter(
                    &p.services,
                    filter,
                    page,
                    |s, out| {
                        out.push_str(&s.name);
                        out.push(' ');
                        out.push_str(&s.image);
                    },
                    |a, b| natural_cmp(&a.name, &b.name),
                    |s| s.name.clone(),
                );
            }
        }
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let projects = &self.projects;
        self.list
            .select_where(page, |i| projects.get(i).is_some_and(|p| p.name == key))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::Open => match (&self.open, self.selected()) {
                (None, Some(p)) => {
                    self.open = Some(p.name.clone());
                    self.services = ListView::default();
                    self.outer_filter = cx.filter.to_string();
                    self.refilter(cx.filter, cx.page);
                    Handled::Redraw
                }
                // On a service: its first container in the containers view.
                (Some(_), _) => match self.selected_service().and_then(|s| s.members.first()) {
                    Some(m) => {
                        cx.goto = Some(Goto::Container(m.c.id.clone()));
                        Handled::Redraw
                    }
                    None => Handled::Quiet,
                },
                (None, None) => Handled::Quiet,
            },
            Action::Clear => {
                if self.open.take().is_some() {
                    self.services = ListView::default();
                } else {
                    self.marked.clear();
                }
                Handled::Redraw
            }
            Action::Mark => {
                if self.open.is_some() {
                    return Handled::Quiet;
                }
                let Some(name) = self.selected().map(|p| p.name.clone()) else {
                    return Handled::Quiet;
                };
                if !self.marked.remove(&name) {
                    self.marked.insert(name);
                }
                self.list.go(1, cx.page);
                Handled::Redraw
            }
            Action::Start | Action::Stop | Action::Restart | Action::Pause | Action::Kill => {
                self.act(action, cx)
            }
            Action::Remove
            | Action::ComposeUp
            | Action::Recreate
            | Action::Build
            | Action::Pull
            | Action::Scale
                if self.elsewhere(cx) =>
            {
                Handled::Redraw
            }
            Action::ComposeFile => cx.prompt(PromptKind::ComposeFile, String::new()),
            Action::Remove => self.down(cx),
            Action::ComposeUp | Action::Recreate | Action::Build | Action::Pull | Action::Scale => {
                self.compose(action, cx)
            }
            Action::Jobs => {
                self.show_cli = !self.show_cli && self.cli.is_some();
                Handled::Redraw
            }
            Action::Cancel => match &self.cli {
                Some(run) if !run.progress.is_finished() => {
                    cx.send(ResCmd::CancelJob(run.job));
                    cx.status(StatusKind::Info, format!("cancelled: {}", run.title));
                    if let Some(run) = self.cli.as_mut() {
                        run.progress.apply(Progress::Error("cancelled".into()));
                    }
                    Handled::Redraw
                }
                _ => Handled::Quiet,
            },
            Action::TabLogs => {
                let Some(p) = self.selected() else {
                    return Handled::Quiet;
                };
                let service = self.selected_service().map(|s| s.name.clone());
                let sources =
                    model::log_sources(p.members().map(|m| &m.c), &p.name, service.as_deref());
                if sources.is_empty() {
                    return Handled::Quiet;
                }
                cx.goto = Some(Goto::Logs(crate::app::logs::LogGroup {
                    project: p.name.clone(),
                    service,
                    sources,
                }));
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
mod tests {
    use super::engine_host;

    #[test]
    fn the_cli_gets_the_engine_dockside_is_on() {
        assert_eq!(
            engine_host("unix:///var/run/docker.sock (DOCKER_HOST)").as_deref(),
            Some("unix:///var/run/docker.sock")
        );
        assert_eq!(
            engine_host("ssh://me@box (docker context `box`)").as_deref(),
            Some("ssh://me@box")
        );
        assert_eq!(engine_host(""), None);
        assert_eq!(engine_host("somewhere"), None);
    }
}
