//! The Swarm services view: each service with its replicas, image, ports and update state,
//! grouped by stack; the tasks of the selected one in the detail pane; scale, force update,
//! rollback, remove, inspect; deploy a stack with the docker CLI (`docker stack deploy`, its
//! output in the detail pane, cancellable). Kept fresh from the engine's `service` events (and, while a
//! service converges, once a second until it settles). On a worker or a plain engine, one
//! line says so.

mod draw;
pub mod logs;

use crate::app::action::{Action, Handled};
use crate::app::cli::shell_word;
use crate::app::images::{Progress, ProgressView};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, LogEvent, ResCmd, StackDeploy};
use crate::app::overlay::{Overlay, PromptKind, StatusKind};
use crate::app::swarm::{Service, ServiceChange, Task};

use super::list::{ListView, natural_cmp};
use super::projects::CliRun;
use super::{Cx, Shape};
use logs::ServiceLogs;

/// Job ids of stack deploys start here, far from the other views' jobs.
pub const FIRST_JOB: u64 = 1 << 44;

#[derive(Default)]
pub struct ServicesView {
    /// None until the engine listed them.
    pub services: Option<Vec<Service>>,
    pub list: ListView,
    /// Why the last listing failed (shown instead of the list).
    pub error: Option<String>,
    /// The tasks shown: of this service id, as last fetched.
    pub tasks: Option<(String, Result<Vec<Task>, String>)>,
    /// The last `docker stack deploy`: its output in the detail pane while `show_deploy`.
    pub deploy: Option<CliRun>,
    pub show_deploy: bool,
    next_job: u64,
    /// `FILE STACK` of the last deploy, offered again by the prompt.
    last_deploy: String,
    /// The logs of a service, shown instead of its tasks.
    pub logs: Option<ServiceLogs>,
    log_generation: u64,
    /// The task picked in the tasks pane (`[` `]`), for a shell into its container.
    pub task_cursor: usize,
}

impl ServicesView {
    pub fn selected(&self) -> Option<&Service> {
        let all = self.services.as_ref()?;
        self.list.selected().and_then(|i| all.get(i))
    }

    /// The tasks of the selected service, when fetched.
    pub fn selected_tasks(&self) -> Option<&Result<Vec<Task>, String>> {
        let sel = self.selected()?;
        match &self.tasks {
            Some((id, r)) if *id == sel.id => Some(r),
            _ => None,
        }
    }

    /// The task picked in the tasks pane, when the selected service's tasks are shown.
    pub fn picked_task(&self) -> Option<&Task> {
        match self.selected_tasks()? {
            Ok(t) => t.get(self.task_cursor.min(t.len().saturating_sub(1))),
            Err(_) => None,
        }
    }

    /// A shell into the picked task's container: only when its node is this engine.
    fn shell_into_task(&mut self, cx: &mut Cx) -> Handled {
        let Some(t) = self.picked_task() else {
            cx.status(
                StatusKind::Info,
                "no task picked (the tasks are still coming)",
            );
            return Handled::Redraw;
        };
        let service = self.selected().map(|s| s.name.clone()).unwrap_or_default();
        // As docker names them: NAME.SLOT, or NAME.NODE of a global service.
        let task = if t.slot > 0 {
            format!("{service}.{}", t.slot)
        } else {
            format!("{service}.{}", t.node_id.get(..12).unwrap_or(&t.node_id))
        };
        let node = if t.node.is_empty() {
            t.node_id.get(..12).unwrap_or(&t.node_id).to_string()
        } else {
            format!("{} ({})", t.node, t.node_id.get(..12).unwrap_or(&t.node_id))
        };
        if t.state != "running" || t.container_id.is_empty() {
            cx.status(
                StatusKind::Info,
                format!(
                    "{task} is {}: no running container to open a shell in",
                    t.state
                ),
            );
        } else if !t.here {
            cx.status(
                StatusKind::Info,
                format!(
                    "{task} runs on node {node}: dockside is not connected to that engine \
                     (ctrl-o connects to another)"
                ),
            );
        } else {
            cx.goto = Some(super::Goto::Shell(t.container_id.clone()));
        }
        Handled::Redraw
    }

    fn fetch_tasks(&mut self, cx: &mut Cx) {
        if let Some(id) = self.selected().map(|s| s.id.clone()) {
            cx.send(ResCmd::Tasks(id));
        }
    }

    /// Lines of the service log shown.
    pub fn on_logs(&mut self, ev: LogEvent, _cx: &mut Cx) -> Handled {
        if self.logs.as_mut().is_some_and(|l| l.on_event(ev)) {
            Handled::Redraw
        } else {
            Handled::Quiet
        }
    }

    /// Show the logs of the selected service (or, when shown, close them).
    fn toggle_logs(&mut self, cx: &mut Cx) -> Handled {
        if self.logs.take().is_some() {
            cx.send(ResCmd::ServiceLogs(None));
            return Handled::Redraw;
        }
        let Some((id, name)) = self.selected().map(|s| (s.id.clone(), s.name.clone())) else {
            return Handled::Quiet;
        };
        self.log_generation += 1;
        let (logs, req) = ServiceLogs::open(id, name, self.log_generation);
        self.logs = Some(logs);
        self.show_deploy = false;
        cx.send(ResCmd::ServiceLogs(Some(req)));
        Handled::Redraw
    }

    /// A deploy asked from the prompt: its job, shown from now on.
    pub fn start_deploy(
        &mut self,
        file: String,
        stack: String,
        host: Option<String>,
    ) -> StackDeploy {
        let job = FIRST_JOB + self.next_job;
        self.next_job += 1;
        self.last_deploy = format!("{} {}", shell_word(&file), shell_word(&stack));
        self.deploy = Some(CliRun {
            job,
            title: format!("docker stack deploy -c {}", self.last_deploy),
            progress: ProgressView::new(),
        });
        self.show_deploy = true;
        StackDeploy {
            job,
            stack,
            file,
            host,
        }
    }

    /// Output of the deploy run (older runs' is dropped).
    pub fn on_job(&mut self, job: u64, progress: Progress, cx: &mut Cx) -> Handled {
        let Some(run) = self.deploy.as_mut().filter(|r| r.job == job) else {
            return Handled::Quiet;
        };
        if run.progress.is_finished() {
            return Handled::Quiet;
        }
        run.progress.apply(progress);
        if run.progress.is_finished() {
            match run.progress.error() {
                Some(e) => cx.status(StatusKind::Error, format!("{}: {e}", run.title)),
                None => cx.status(StatusKind::Info, format!("done: {}", run.title)),
            }
        }
        Handled::Redraw
    }

    pub fn on_list(&mut self, r: Result<Vec<Service>, String>, cx: &mut Cx) -> Handled {
        match r {
            Ok(list) => {
                self.services = Some(list);
                self.error = None;
                self.refilter(cx.filter, cx.page);
                // The tasks follow the service: fetched with each change of the list.
                self.fetch_tasks(cx);
            }
            Err(e) => {
                self.services = None;
                self.list = ListView::default();
                self.error = Some(e);
            }
        }
        Handled::Redraw
    }

    /// One service changed (or came): the rest of the list stays as it is.
    pub fn on_service(&mut self, s: Service, cx: &mut Cx) -> Handled {
        // Before the first listing there is nothing to put it in: the listing brings it.
        let Some(all) = self.services.as_mut() else {
            return Handled::Quiet;
        };
        let id = s.id.clone();
        match all.iter_mut().find(|x| x.id == id) {
            Some(x) if *x == s => return Handled::Quiet,
            Some(x) => *x = s,
            None => all.push(s),
        }
        self.refilter(cx.filter, cx.page);
        // The tasks of the selected one follow it.
        if self.selected().is_some_and(|x| x.id == id) {
            self.fetch_tasks(cx);
        }
        Handled::Redraw
    }

    /// A service is gone.
    pub fn on_gone(&mut self, id: &str, cx: &mut Cx) -> Handled {
        let before = self.selected().map(|s| s.id.clone());
        let Some(all) = self.services.as_mut() else {
            return Handled::Quiet;
        };
        let n = all.len();
        all.retain(|s| s.id != id);
        if all.len() == n {
            return Handled::Quiet;
        }
        self.refilter(cx.filter, cx.page);
        // The selection moved to another: its tasks.
        if self.selected().map(|s| s.id.clone()) != before {
            self.fetch_tasks(cx);
        }
        Handled::Redraw
    }

    pub fn on_tasks(
        &mut self,
        service: String,
        result: Result<Vec<Task>, String>,
        _cx: &mut Cx,
    ) -> Handled {
        self.tasks = Some((service, result));
        Handled::Redraw
    }

    pub fn on_inspect(
        &mut self,
        name: String,
        result: Result<String, String>,
        cx: &mut Cx,
    ) -> Handled {
        match result {
            Ok(text) => {
                cx.overlay = Some(Overlay::Output {
                    title: format!("service {name}"),
                    text,
                })
            }
            Err(e) => cx.status(StatusKind::Error, format!("inspect {name}: {e}")),
        }
        Handled::Redraw
    }
}

impl Shape for ServicesView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Services, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        super::watch_once(self.services.is_some(), Kind::Services, cx);
    }

    fn reconnected(&mut self, shown: bool, cx: &mut Cx) {
        // Another engine may be a manager where the last was not: ask again when shown.
        // The log stream ended with the old connection.
        self.logs = None;
        if self.services.is_some() || self.error.take().is_some() || shown {
            self.services = None;
            self.tasks = None;
            cx.send(ResCmd::Watch(Kind::Services));
        }
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        if let Some(all) = &self.services {
            self.list.refilter(
                all,
                filter,
                page,
                |s, h| {
                    h.push_str(&s.name);
                    h.push(' ');
                    h.push_str(&s.image);
                    h.push(' ');
                    h.push_str(&s.mode);
                    h.push(' ');
                    h.push_str(s.stack().unwrap_or(""));
                    h.push(' ');
                    h.push_str(s.short_id());
                },
                // Grouped by stack (services of no stack first), then by name.
                |a, b| {
                    natural_cmp(a.stack().unwrap_or(""), b.stack().unwrap_or(""))
                        .then_with(|| natural_cmp(&a.name, &b.name))
                },
                |s| s.id.clone(),
            );
        }
    }

    fn selection_changed(&mut self) {
        self.task_cursor = 0;
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let Some(all) = &self.services else {
            return false;
        };
        self.list.select_where(page, |i| {
            all.get(i).is_some_and(|s| s.id == key || s.name == key)
        })
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        // What needs no service: an empty swarm gets its first stack this way.
        match action {
            Action::DeployStack => {
                return cx.prompt(PromptKind::DeployStack, self.last_deploy.clone());
            }
            Action::Jobs => {
                self.show_deploy = !self.show_deploy && self.deploy.is_some();
                return Handled::Redraw;
            }
            Action::TabLogs => return self.toggle_logs(cx),
            Action::NextTask | Action::PrevTask => {
                let n = match self.selected_tasks() {
                    Some(Ok(t)) => t.len(),
                    _ => 0,
                };
                if n == 0 {
                    return Handled::Quiet;
                }
                let at = self.task_cursor.min(n - 1);
                self.task_cursor = if action == Action::NextTask {
                    (at + 1).min(n - 1)
                } else {
                    at.saturating_sub(1)
                };
                return Handled::Redraw;
            }
            Action::ExecShell => return self.shell_into_task(cx),
            Action::Follow | Action::ScrollUp | Action::ScrollDown => {
                let Some(logs) = self.logs.as_mut() else {
                    return Handled::Quiet;
                };
                let half = (cx.page / 2).max(1) as i64;
                match action {
                    Action::Follow => logs.toggle_follow(),
                    Action::ScrollUp => logs.scroll(-half),
                    _ => logs.scroll(half),
                }
                return Handled::Redraw;
            }
            Action::Clear if self.logs.is_some() => {
                self.logs = None;
                cx.send(ResCmd::ServiceLogs(None));
                return Handled::Redraw;
            }
            Action::Cancel => {
                let Some(run) = self.deploy.as_mut().filter(|r| !r.progress.is_finished()) else {
                    return Handled::Quiet;
                };
                cx.send(ResCmd::CancelJob(run.job));
                run.progress.apply(Progress::Error("cancelled".into()));
                cx.status(StatusKind::Info, format!("cancelled: {}", run.title));
                return Handled::Redraw;
            }
            _ => {}
        }
        let selected = self.selected().map(|s| (s.id.clone(), s.name.clone()));
        let Some((id, name)) = selected else {
            return match action {
                Action::Open
                | Action::Inspect
                | Action::Scale
                | Action::ForceUpdate
                | Action::Rollback
                | Action::UpdateImage
                | Action::EditEnv
                | Action::EditLabels
                | Action::Remove
                | Action::RemoveStack
                | Action::Clear => Handled::Quiet,
                _ => Handled::No,
            };
        };
        let change = |change| ResCmd::ChangeService {
            id: id.clone(),
            name: name.clone(),
            change,
        };
        match action {
            Action::Open => {
                self.fetch_tasks(cx);
                Handled::Redraw
            }
            Action::Inspect => {
                cx.send(ResCmd::InspectService {
                    id: id.clone(),
                    name: name.clone(),
                });
                Handled::Quiet
            }
            Action::Scale => {
                let now = self.selected().map(|s| s.desired.to_string());
                cx.prompt(
                    PromptKind::Scale {
                        id: id.clone(),
                        name: name.clone(),
                    },
                    now.unwrap_or_default(),
                )
            }
            Action::UpdateImage => {
                let image = self.selected().map(|s| s.image.clone());
                cx.prompt(
                    PromptKind::ServiceImage {
                        id: id.clone(),
                        name: name.clone(),
                    },
                    image.unwrap_or_default(),
                )
            }
            Action::EditEnv | Action::EditLabels => cx.prompt(
                PromptKind::ServiceKv {
                    id: id.clone(),
                    name: name.clone(),
                    env: action == Action::EditEnv,
                },
                String::new(),
            ),
            Action::ForceUpdate => cx.ask(
                format!("Force an update of {name}: restart every task? (y/n)"),
                change(ServiceChange::Force),
                None,
            ),
            Action::Rollback => cx.ask(
                format!("Roll {name} back to its previous spec? (y/n)"),
                change(ServiceChange::Rollback),
                None,
            ),
            Action::Remove => cx.ask(
                format!("Remove service {name} and all its tasks? (y/n)"),
                ResCmd::RemoveService {
                    id: id.clone(),
                    name: name.clone(),
                },
                None,
            ),
            Action::RemoveStack => {
                let Some(stack) = self.selected().and_then(|s| s.stack()).map(str::to_owned) else {
                    cx.status(StatusKind::Info, format!("{name} is not part of a stack"));
                    return Handled::Redraw;
                };
                let members: Vec<&str> = self
                    .services
                    .iter()
                    .flatten()
                    .filter(|s| s.stack() == Some(stack.as_str()))
                    .map(|s| s.name.as_str())
                    .collect();
                cx.ask(
                    format!(
                        "Remove stack {stack}: {} service{} ({}), and its networks, secrets and configs? (y/n)",
                        members.len(),
                        if members.len() == 1 { "" } else { "s" },
                        members.join(", ")
                    ),
                    ResCmd::RemoveStack(stack),
                    None,
                )
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
    use crate::app::msg::{Cmd, Req};

    fn svc(id: &str, name: &str, stack: Option<&str>, running: u64, desired: u64) -> Service {
        let mut s = Service {
            id: id.into(),
            name: name.into(),
            mode: "replicated".into(),
            running,
            desired,
            image: "busybox:latest".into(),
            ..Service::default()
        };
        if let Some(st) = stack {
            s.labels
                .insert(crate::app::swarm::STACK_LABEL.into(), st.into());
        }
        s
    }

    #[test]
    fn services_group_by_stack_and_fetch_the_selected_tasks() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_list(
            Ok(vec![
                svc("3", "web-10", Some("shop"), 1, 1),
                svc("1", "solo", None, 0, 2),
                svc("2", "web-2", Some("shop"), 2, 2),
            ]),
            &mut cx,
        );
        let names: Vec<&str> = v
            .list
            .rows
            .iter()
            .filter_map(|i| v.services.as_ref()?.get(*i))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["solo", "web-2", "web-10"]);
        assert_eq!(
            out,
            [Cmd::Engine(Req::Res(ResCmd::Tasks("1".into())))],
            "the tasks of the selection are asked for"
        );
    }

    #[test]
    fn actions_ask_first_and_a_missing_selection_does_nothing() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(v.on_action(Action::Remove, &mut cx), Handled::Quiet);
        v.on_list(Ok(vec![svc("1", "api", None, 1, 1)]), &mut cx);
        v.on_action(Action::Remove, &mut cx);
        assert!(
            matches!(&cx.overlay, Some(Overlay::Ask { yes: Req::Res(ResCmd::RemoveService { name, .. }), .. }) if name == "api")
        );
        v.on_action(Action::Scale, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Prompt { kind: PromptKind::Scale { .. }, text }) if text == "1"
        ));
        v.on_action(Action::EditEnv, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Prompt { kind: PromptKind::ServiceKv { env: true, name, .. }, text })
                if name == "api" && text.is_empty()
        ));
        v.on_action(Action::EditLabels, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Prompt {
                kind: PromptKind::ServiceKv { env: false, .. },
                ..
            })
        ));
        v.on_action(Action::UpdateImage, &mut cx);
        assert!(
            matches!(
                &cx.overlay,
                Some(Overlay::Prompt { kind: PromptKind::ServiceImage { .. }, text })
                    if text == "busybox:latest"
            ),
            "U offers the image's tag: {:?}",
            cx.overlay
        );
    }

    #[test]
    fn a_stack_deploy_is_asked_for_then_its_output_shown_and_cancellable() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        // No service needed: an empty swarm gets its first stack so.
        v.on_action(Action::DeployStack, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Prompt { kind: PromptKind::DeployStack, text }) if text.is_empty()
        ));
        let d = v.start_deploy("/srv/my shop/stack.yml".into(), "shop".into(), None);
        assert!(d.job >= FIRST_JOB && v.show_deploy);
        v.on_job(
            d.job,
            Progress::Line("Creating service shop_web".into()),
            &mut cx,
        );
        v.on_job(d.job + 1, Progress::Line("another run".into()), &mut cx);
        let run = v.deploy.as_ref().expect("shown");
        assert_eq!(
            run.progress.lines().collect::<Vec<_>>(),
            ["Creating service shop_web"]
        );
        v.on_action(Action::Cancel, &mut cx);
        assert!(out.contains(&Cmd::Engine(Req::Res(ResCmd::CancelJob(d.job)))));
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_action(Action::DeployStack, &mut cx);
        assert!(
            matches!(&cx.overlay, Some(Overlay::Prompt { text, .. }) if text == "'/srv/my shop/stack.yml' shop"),
            "the last deploy is offered again: {:?}",
            cx.overlay
        );
        v.on_action(Action::Jobs, &mut cx);
        assert!(!v.show_deploy, "J hides the output");
    }

    #[test]
    fn l_follows_the_selected_services_logs_and_closes_them() {
        use crate::app::logbuf::LogLine;
        use crate::app::msg::{LogEventKind, ServiceLogsRequest};
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(v.on_action(Action::TabLogs, &mut cx), Handled::Quiet);
        v.on_list(Ok(vec![svc("1", "api", None, 1, 1)]), &mut cx);
        v.on_action(Action::TabLogs, &mut cx);
        let generation = v.logs.as_ref().map(|l| l.generation).unwrap_or_default();
        let line = |t: &str| LogLine::system(t, None);
        v.on_logs(
            LogEvent {
                generation,
                kind: LogEventKind::Lines(vec![line("api.1@n | hello")]),
            },
            &mut cx,
        );
        v.on_logs(
            LogEvent {
                generation: generation + 1,
                kind: LogEventKind::Lines(vec![line("stale")]),
            },
            &mut cx,
        );
        assert_eq!(v.logs.as_ref().map(|l| l.buf.len()), Some(1));
        v.on_action(Action::TabLogs, &mut cx);
        assert!(v.logs.is_none());
        let sent: Vec<&Cmd> = out.iter().skip(1).collect();
        assert!(
            matches!(
                sent.as_slice(),
                [
                    Cmd::Engine(Req::Res(ResCmd::ServiceLogs(Some(ServiceLogsRequest { service, follow: true, .. })))),
                    Cmd::Engine(Req::Res(ResCmd::ServiceLogs(None))),
                ] if service == "1"
            ),
            "{sent:?}"
        );
    }

    #[test]
    fn one_service_changes_comes_and_goes_and_the_rest_stays() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(
            v.on_service(svc("9", "early", None, 0, 1), &mut cx),
            Handled::Quiet,
            "nothing to put it in before the listing"
        );
        v.on_list(
            Ok(vec![
                svc("1", "api", None, 1, 1),
                svc("2", "web", None, 1, 1),
            ]),
            &mut cx,
        );
        let names = |v: &ServicesView| -> Vec<String> {
            v.list
                .rows
                .iter()
                .filter_map(|i| v.services.as_ref()?.get(*i))
                .map(|s| format!("{} {}", s.name, s.replicas_text()))
                .collect()
        };
        let same = svc("2", "web", None, 1, 1);
        assert_eq!(v.on_service(same, &mut cx), Handled::Quiet, "unchanged");
        v.on_service(svc("2", "web", None, 1, 3), &mut cx);
        v.on_service(svc("3", "db", None, 0, 1), &mut cx);
        assert_eq!(names(&v), ["api 1/1", "db 0/1", "web 1/3"]);
        v.on_gone("1", &mut cx);
        assert_eq!(names(&v), ["db 0/1", "web 1/3"]);
        assert_eq!(v.on_gone("1", &mut cx), Handled::Quiet);
        let sel = v.selected().map(|s| s.id.clone()).unwrap_or_default();
        assert_ne!(sel, "1");
        let last = out.last().cloned();
        assert!(
            matches!(last, Some(Cmd::Engine(Req::Res(ResCmd::Tasks(ref id)))) if *id == sel),
            "the selection moved: its tasks are asked for: {last:?}"
        );
    }

    #[test]
    fn e_opens_a_shell_in_the_picked_task_only_on_this_engine() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_list(Ok(vec![svc("1", "api", None, 2, 2)]), &mut cx);
        let task = |slot, node: &str, state: &str, here| Task {
            id: format!("t{slot}{state}"),
            service_id: "1".into(),
            slot,
            node_id: format!("{node}-id-0123456789"),
            node: node.into(),
            desired: state.into(),
            state: state.into(),
            container_id: format!("c{slot}{state}"),
            here,
            ..Task::default()
        };
        v.on_tasks(
            "1".into(),
            Ok(vec![
                task(1, "far", "running", false),
                task(2, "near", "shutdown", true),
                task(2, "near", "running", true),
            ]),
            &mut cx,
        );
        v.on_action(Action::ExecShell, &mut cx);
        assert_eq!(
            cx.status.take().map(|(_, t)| t),
            Some(
                "api.1 runs on node far (far-id-01234): dockside is not connected to that engine \
                 (ctrl-o connects to another)"
                    .into()
            )
        );
        assert!(cx.goto.is_none());
        v.on_action(Action::NextTask, &mut cx);
        v.on_action(Action::ExecShell, &mut cx);
        assert!(
            cx.status
                .take()
                .is_some_and(|(_, t)| t.contains("api.2 is shutdown: no running container"))
        );
        v.on_action(Action::NextTask, &mut cx);
        v.on_action(Action::NextTask, &mut cx);
        assert_eq!(v.picked_task().map(|t| t.id.as_str()), Some("t2running"));
        v.on_action(Action::ExecShell, &mut cx);
        assert_eq!(cx.goto, Some(crate::views::Goto::Shell("c2running".into())));
        v.on_action(Action::PrevTask, &mut cx);
        assert_eq!(v.picked_task().map(|t| t.id.as_str()), Some("t2shutdown"));
    }

    #[test]
    fn a_plain_engine_shows_why_instead_of_a_list() {
        let mut v = ServicesView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.on_list(Err("This node is not a swarm manager.".into()), &mut cx);
        assert!(v.services.is_none() && v.error.is_some());
    }
}
