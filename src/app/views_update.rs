//! Update logic of the images, volumes, networks and engine views (pure).

use super::action::{Action, Handled};
use super::model::split_command;
use super::msg::Cmd;
use super::runform::RunForm;
use super::state::{Overlay, PromptKind, State, StatusKind};
use super::views::{Kind, ResCmd, ResMsg, View};

fn page(state: &State) -> usize {
    state.areas().list_rows().max(1)
}

/// Switch views; the first visit of a view asks the engine for its list.
pub fn switch(state: &mut State, view: View, out: &mut Vec<Cmd>) {
    if state.view == view {
        return;
    }
    state.view = view;
    state.filter.text.clear();
    state.filter.active = false;
    state.focus = super::state::Focus::List;
    let v = &state.views;
    match view {
        View::Images if v.images.is_none() => out.push(Cmd::Res(ResCmd::Watch(Kind::Images))),
        View::Volumes if v.volumes.is_none() => out.push(Cmd::Res(ResCmd::Watch(Kind::Volumes))),
        View::Networks if v.networks.is_none() => out.push(Cmd::Res(ResCmd::Watch(Kind::Networks))),
        View::Events if v.events.history == super::events::History::NotAsked => {
            state.views.events.history = super::events::History::Loading;
            out.push(Cmd::EventHistory);
        }
        View::Engine => {
            out.push(Cmd::Res(ResCmd::Watch(Kind::DiskUsage)));
            if v.info.is_none() {
                out.push(Cmd::Res(ResCmd::Info));
            }
        }
        _ => {}
    }
    if view == View::Containers {
        state.recompute_rows();
    } else {
        refilter(state);
    }
    state.dirty = true;
}

/// Re-apply the filter to the current view's rows.
pub fn refilter(state: &mut State) {
    let p = page(state);
    let filter = state.filter.text.clone();
    state.views.recompute_images(&filter, p);
    state.views.events.set_filter(&filter, p);
    state.dirty = true;
}

/// An engine event arrived: log it; redraw only when the events view shows it.
pub fn on_event(state: &mut State, ev: super::events::EngineEvent) {
    let p = page(state);
    state.views.events.push(ev, p);
    if state.view == View::Events {
        state.dirty = true;
    }
}

/// Go to what the selected event is about: its container, image, volume or network.
fn open_event_subject(state: &mut State, out: &mut Vec<Cmd>) {
    let Some(ev) = state.views.events.selected().cloned() else {
        return;
    };
    match ev.typ.as_str() {
        "container" => {
            if !state.containers.contains_key(&ev.id) {
                state.set_status(
                    StatusKind::Error,
                    format!("container {} no longer exists", ev.subject()),
                );
                return;
            }
            switch(state, View::Containers, out);
            if !state.rows.contains(&ev.id) {
                state.show_all = true;
                state.recompute_rows();
            }
            state.selected = Some(ev.id.clone());
            state.clamp_offset();
            state.dirty = true;
            super::update::selection_changed(state, out);
        }
        "image" => {
            switch(state, View::Images, out);
            select_in_list(state, &ev.id, View::Images);
        }
        "volume" => {
            switch(state, View::Volumes, out);
            select_in_list(state, &ev.id, View::Volumes);
        }
        "network" => {
            switch(state, View::Networks, out);
            select_in_list(state, &ev.id, View::Networks);
        }
        _ => {}
    }
}

/// Select the row of `key` (image id or tag, volume name, network id) when it is listed.
fn select_in_list(state: &mut State, key: &str, view: View) {
    let p = page(state);
    let v = &state.views;
    let pos = match view {
        View::Images => {
            let imgs = v.images.as_deref().unwrap_or_default();
            v.image_rows.iter().position(|i| {
                imgs.get(*i).is_some_and(|im| {
                    im.id == key
                        || im.id.trim_start_matches("sha256:") == key
                        || im.tags.iter().any(|t| t == key)
                })
            })
        }
        View::Volumes => {
            let vols = v.volumes.as_deref().unwrap_or_default();
            volume_rows(state)
                .iter()
                .position(|i| vols.get(*i).is_some_and(|x| x.name == key))
        }
        View::Networks => {
            let nets = v.networks.as_deref().unwrap_or_default();
            network_rows(state)
                .iter()
                .position(|i| nets.get(*i).is_some_and(|x| x.id == key))
        }
        _ => None,
    };
    let len = list_len(state, view);
    let (Some(pos), Some(cur)) = (pos, cursor_mut(state, view)) else {
        return;
    };
    cur.sel = pos;
    cur.clamp(len, p);
    state.dirty = true;
}

/// Rows of the volumes/networks lists under the filter (indices).
pub fn volume_rows(state: &State) -> Vec<usize> {
    let q = state.filter.text.to_lowercase();
    state.views.volumes.as_ref().map_or_else(Vec::new, |vs| {
        vs.iter()
            .enumerate()
            .filter(|(_, v)| {
                q.is_empty() || v.name.to_lowercase().contains(&q) || v.driver.contains(&q)
            })
            .map(|(i, _)| i)
            .collect()
    })
}

pub fn network_rows(state: &State) -> Vec<usize> {
    let q = state.filter.text.to_lowercase();
    state.views.networks.as_ref().map_or_else(Vec::new, |ns| {
        ns.iter()
            .enumerate()
            .filter(|(_, n)| {
                q.is_empty() || n.name.to_lowercase().contains(&q) || n.driver.contains(&q)
            })
            .map(|(i, _)| i)
            .collect()
    })
}

fn selected_volume_name(state: &State) -> Option<String> {
    let rows = volume_rows(state);
    let i = rows.get(state.views.volume_cur.sel)?;
    state
        .views
        .volumes
        .as_ref()?
        .get(*i)
        .map(|v| v.name.clone())
}

fn selected_network(state: &State) -> Option<(String, String)> {
    let rows = network_rows(state);
    let i = rows.get(state.views.network_cur.sel)?;
    state
        .views
        .networks
        .as_ref()?
        .get(*i)
        .map(|n| (n.id.clone(), n.name.clone()))
}

fn prompt(state: &mut State, kind: PromptKind, text: String) {
    state.overlay = Overlay::Prompt { kind, text };
    state.dirty = true;
}

fn ask(state: &mut State, question: String, yes: ResCmd, force: Option<ResCmd>) {
    state.overlay = Overlay::Ask {
        question,
        yes: Cmd::Res(yes),
        force: force.map(Cmd::Res),
    };
    state.dirty = true;
}

/// Rows the list of `view` shows (under the filter).
fn list_len(state: &State, view: View) -> usize {
    match view {
        View::Images => state.views.image_rows.len(),
        View::Volumes => volume_rows(state).len(),
        View::Networks => network_rows(state).len(),
        View::Events => state.views.events.rows.len(),
        View::Containers | View::Engine => 0,
    }
}

/// The selection and scroll of the list of `view`, if it has one.
fn cursor_mut(state: &mut State, view: View) -> Option<&mut super::views::Cursor> {
    let v = &mut state.views;
    match view {
        View::Images => Some(&mut v.image_cur),
        View::Volumes => Some(&mut v.volume_cur),
        View::Networks => Some(&mut v.network_cur),
        View::Events => Some(&mut v.events.cur),
        View::Containers | View::Engine => None,
    }
}

/// A click on the `row`-th data row on screen of this view's list: select it.
pub fn click_row(state: &mut State, row: usize) {
    let len = list_len(state, state.view);
    let p = page(state);
    let Some(cur) = cursor_mut(state, state.view) else {
        return;
    };
    let idx = cur.off + row;
    if idx < len {
        cur.sel = idx;
        cur.clamp(len, p);
        if state.view == View::Images {
            state.views.image_detail = None;
        }
        state.dirty = true;
    }
}

/// A key action in one of these views. `Handled::No` when the action is not theirs.
pub fn action(state: &mut State, action: Action, out: &mut Vec<Cmd>) -> Handled {
    let p = page(state) as i64;
    let len = list_len(state, state.view);
    if let Some(cur) = cursor_mut(state, state.view) {
        let delta = match action {
            Action::Down => Some(1),
            Action::Up => Some(-1),
            Action::PageDown => Some(p),
            Action::PageUp => Some(-p),
            Action::Top => Some(i64::MIN / 2),
            Action::Bottom => Some(i64::MAX / 2),
            _ => None,
        };
        if let Some(d) = delta {
            cur.go(d, len, p as usize);
            if state.view == View::Images {
                state.views.image_detail = None;
            }
            return Handled::Redraw;
        }
    }
    match (state.view, action) {
        (_, Action::Filter) => state.filter.active = true,
        (_, Action::Clear) => {
            state.filter.text.clear();
            state.show_jobs = false;
            refilter(state);
        }
        (View::Events, Action::Open) => open_event_subject(state, out),
        (View::Images, Action::SortNext) => {
            state.views.image_sort = state.views.image_sort.next();
            refilter(state);
        }
        (View::Images, Action::SortReverse) => {
            state.views.image_sort_rev = !state.views.image_sort_rev;
            refilter(state);
        }
        (View::Images, Action::ToggleDangling) => {
            state.views.show_dangling = !state.views.show_dangling;
            refilter(state);
        }
        (View::Images, Action::Inspect) => {
            if let Some(img) = state.views.selected_image() {
                let id = img.id.clone();
                state.show_jobs = false;
                out.push(Cmd::Res(ResCmd::ImageDetail(id)));
            }
        }
        (View::Images, Action::Pull) => prompt(state, PromptKind::Pull, String::new()),
        (View::Images, Action::Build) => prompt(state, PromptKind::Build, String::new()),
        (View::Images, Action::Push) => {
            let default = state
                .views
                .selected_image()
                .and_then(|i| i.tags.first().cloned())
                .unwrap_or_default();
            prompt(state, PromptKind::Push, default);
        }
        (View::Images, Action::Tag) => {
            if let Some(img) = state.views.selected_image() {
                let (id, name) = (img.id.clone(), img.name().to_string());
                prompt(state, PromptKind::Tag { id, name }, String::new());
            }
        }
        (View::Images, Action::RunForm) => {
            if let Some(img) = state.views.selected_image() {
                let image = img.tags.first().cloned().unwrap_or_else(|| img.id.clone());
                state.overlay = Overlay::RunForm {
                    form: Box::new(RunForm::for_image(&image)),
                    field: 1,
                };
            }
        }
        (View::Images, Action::Run) => {
            if let Some(img) = state.views.selected_image() {
                let image = img.tags.first().cloned().unwrap_or_else(|| img.id.clone());
                prompt(state, PromptKind::Run { image }, "-d ".into());
            }
        }
        (View::Images, Action::Remove) => {
            if let Some(img) = state.views.selected_image() {
                // A tagged row removes that tag (the image goes with its last tag).
                let id = img.tags.first().cloned().unwrap_or_else(|| img.id.clone());
                let name = img.name().to_string();
                ask(
                    state,
                    format!("Remove image {name}? (y: remove, f: force, n: cancel)"),
                    ResCmd::RemoveImage {
                        id: id.clone(),
                        force: false,
                    },
                    Some(ResCmd::RemoveImage { id, force: true }),
                );
            }
        }
        (View::Images, Action::Prune) => {
            let n = state
                .views
                .images
                .as_ref()
                .map_or(0, |v| v.iter().filter(|i| i.dangling).count());
            ask(
                state,
                format!("Prune dangling images ({n} listed)? (y/n)"),
                ResCmd::PruneImages { all: false },
                None,
            );
        }
        (View::Images, Action::Jobs) => state.show_jobs = !state.show_jobs,
        (View::Images, Action::Cancel) => {
            if let Some(job) = state.views.current_job()
                && !job.progress.is_finished()
            {
                out.push(Cmd::Res(ResCmd::CancelJob(job.id)));
            }
        }
        (View::Volumes, Action::Sizes) => {
            state.set_status(StatusKind::Progress, "Measuring volume sizes…");
            out.push(Cmd::Res(ResCmd::VolumeSizes));
        }
        (View::Volumes, Action::Create) => prompt(state, PromptKind::CreateVolume, String::new()),
        (View::Volumes, Action::Remove) => {
            if let Some(name) = selected_volume_name(state) {
                ask(
                    state,
                    format!("Remove volume {name}? (y/n)"),
                    ResCmd::RemoveVolume(name),
                    None,
                );
            }
        }
        (View::Volumes, Action::Prune) => ask(
            state,
            "Prune unused volumes? (y/n)".into(),
            ResCmd::PruneVolumes,
            None,
        ),
        (View::Networks, Action::Create) => prompt(state, PromptKind::CreateNetwork, String::new()),
        (View::Networks, Action::Remove) => {
            if let Some((id, name)) = selected_network(state) {
                ask(
                    state,
                    format!("Remove network {name}? (y/n)"),
                    ResCmd::RemoveNetwork(id),
                    None,
                );
            }
        }
        (View::Networks, Action::Connect) => {
            if let Some((_, network)) = selected_network(state) {
                prompt(state, PromptKind::Connect { network }, String::new());
            }
        }
        (View::Networks, Action::Disconnect) => {
            if let Some((_, network)) = selected_network(state) {
                prompt(state, PromptKind::Disconnect { network }, String::new());
            }
        }
        (View::Networks, Action::Prune) => ask(
            state,
            "Prune unused networks? (y/n)".into(),
            ResCmd::PruneNetworks,
            None,
        ),
        (View::Engine, Action::SystemPrune) => {
            let summary = state.views.disk.as_ref().map_or_else(String::new, |d| {
                format!(
                    " Reclaimable now: {}.",
                    super::resources::human_size(d.total_reclaimable())
                )
            });
            ask(
                state,
                format!(
                    "System prune: stopped containers, unused networks, dangling images, build cache.{summary} (y/n)"
                ),
                ResCmd::SystemPrune,
                None,
            );
        }
        (View::Engine, Action::Refresh) => {
            out.push(Cmd::Res(ResCmd::Watch(Kind::DiskUsage)));
            out.push(Cmd::Res(ResCmd::Info));
        }
        _ => return Handled::No,
    }
    Handled::Redraw
}

/// Split `repo[:tag]` (a registry port is not a tag).
pub fn split_ref(r: &str) -> (String, String) {
    match r.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (r.to_string(), "latest".to_string()),
    }
}

/// Check a run form as typed: the form's own rules, plus what the app already knows of the
/// engine (a name in use, an image that is not here). `Ok` holds the spec to run.
pub fn check_form(
    state: &State,
    form: &RunForm,
) -> Result<super::runform::RunSpec, Vec<(super::runform::Field, String)>> {
    check_form_parts(&state.containers, state.views.images.as_deref(), form)
}

fn check_form_parts(
    containers: &std::collections::HashMap<String, super::model::Container>,
    images: Option<&[super::images::Image]>,
    form: &RunForm,
) -> Result<super::runform::RunSpec, Vec<(super::runform::Field, String)>> {
    use super::runform::Field;
    let mut errors = match form.validate() {
        Ok(spec) => {
            let mut extra = Vec::new();
            if let Some(name) = spec.name.as_deref()
                && containers.values().any(|c| c.name == name)
            {
                extra.push((
                    Field::Name,
                    format!("`{name}` is already in use by a container"),
                ));
            }
            if let Some(images) = images {
                let known = images.iter().any(|i| {
                    i.tags.iter().any(|t| {
                        *t == spec.image || t.strip_suffix(":latest") == Some(spec.image.as_str())
                    }) || i.id == spec.image
                        || i.id
                            .strip_prefix("sha256:")
                            .is_some_and(|h| h.starts_with(&spec.image))
                });
                if !known {
                    extra.push((
                        Field::Image,
                        format!(
                            "no image `{}` on this engine: pull it first (p)",
                            spec.image
                        ),
                    ));
                }
            }
            if extra.is_empty() {
                return Ok(spec);
            }
            extra
        }
        Err(e) => e,
    };
    errors.sort_by_key(|(f, _)| Field::ALL.iter().position(|x| x == f));
    Err(errors)
}

/// A key in the run form. Tab/↓ and shift-tab/↑ move between fields, space flips a
/// toggle, enter validates and runs, esc cancels. Errors are shown live, per field.
pub fn form_key(state: &mut State, key: &super::keymap::Key, out: &mut Vec<Cmd>) {
    use super::runform::Field;
    use crossterm::event::{KeyCode, KeyModifiers};
    let Overlay::RunForm { form, field } = &mut state.overlay else {
        return;
    };
    let n = Field::ALL.len();
    let f = Field::ALL[(*field).min(n - 1)];
    match key.code {
        KeyCode::Esc => state.overlay = Overlay::None,
        KeyCode::Tab | KeyCode::Down => *field = (*field + 1) % n,
        KeyCode::BackTab | KeyCode::Up => *field = (*field + n - 1) % n,
        KeyCode::Enter => {
            match check_form_parts(&state.containers, state.views.images.as_deref(), form) {
                Ok(spec) => {
                    state.set_status(
                        StatusKind::Progress,
                        format!("Running {}…", spec.docker_command()),
                    );
                    out.push(Cmd::Res(ResCmd::Run(Box::new(spec))));
                    state.overlay = Overlay::None;
                }
                Err(errs) => {
                    if let Some((bad, _)) = errs.first()
                        && let Some(i) = Field::ALL.iter().position(|x| x == bad)
                    {
                        *field = i;
                    }
                }
            }
        }
        KeyCode::Char(' ') if f.is_toggle() => form.toggle(f),
        KeyCode::Backspace => {
            if let Some(t) = form.text_mut(f) {
                t.pop();
            }
        }
        KeyCode::Char('u') if key.mods.contains(KeyModifiers::CONTROL) => {
            if let Some(t) = form.text_mut(f) {
                t.clear();
            }
        }
        KeyCode::Char(c) if !key.mods.contains(KeyModifiers::CONTROL) => {
            if let Some(t) = form.text_mut(f) {
                t.push(c);
            }
        }
        _ => {}
    }
    state.dirty = true;
}

/// Validate a `docker run` prompt as typed: the equivalent command line, or what is wrong.
pub fn check_run(image: &str, text: &str) -> Result<super::runform::RunSpec, String> {
    let text = text.trim();
    let (opts, cmd) = match text.split_once(" -- ") {
        Some((o, c)) => (o, c),
        None => (text, ""),
    };
    let line = format!("docker run {opts} {image} {cmd}");
    RunForm::from_docker_command(&line).and_then(|f| {
        f.validate().map_err(|errs| {
            errs.iter()
                .map(|(field, e)| format!("{}: {e}", field.label()))
                .collect::<Vec<_>>()
                .join("; ")
        })
    })
}

/// Carry out a view prompt.
pub fn submit(state: &mut State, kind: PromptKind, text: &str, out: &mut Vec<Cmd>) {
    let text = text.trim();
    let err = |state: &mut State, e: String| state.set_status(StatusKind::Error, e);
    match kind {
        PromptKind::Pull | PromptKind::Push => {
            if text.is_empty() {
                return err(state, "no image name given".into());
            }
            let push = kind == PromptKind::Push;
            let verb = if push { "push" } else { "pull" };
            let job = state.views.start_job(format!("{verb} {text}"));
            state.show_jobs = true;
            let reference = text.to_string();
            out.push(Cmd::Res(if push {
                ResCmd::Push { job, reference }
            } else {
                ResCmd::Pull { job, reference }
            }));
        }
        PromptKind::Build => {
            let words = match split_command(text) {
                Ok(w) => w,
                Err(e) => return err(state, format!("build: {e}")),
            };
            let (mut dir, mut tag, mut dockerfile, mut args) = (None, None, None, Vec::new());
            let mut it = words.into_iter();
            while let Some(w) = it.next() {
                match w.as_str() {
                    "-t" | "--tag" => tag = it.next(),
                    "-f" | "--file" => dockerfile = it.next(),
                    "--build-arg" => {
                        if let Some(kv) = it.next() {
                            let (k, v) = kv.split_once('=').unwrap_or((kv.as_str(), ""));
                            args.push((k.to_string(), v.to_string()));
                        }
                    }
                    _ if dir.is_none() => dir = Some(w),
                    other => return err(state, format!("build: unexpected `{other}`")),
                }
            }
            let Some(dir) = dir else {
                return err(state, "build: give the context directory".into());
            };
            let tag = tag.unwrap_or_default();
            let job = state.views.start_job(format!("build {dir} {tag}"));
            state.show_jobs = true;
            out.push(Cmd::Res(ResCmd::Build {
                job,
                dir,
                tag,
                dockerfile,
                build_args: args,
            }));
        }
        PromptKind::Tag { id, .. } => {
            if text.is_empty() {
                return err(state, "no tag given".into());
            }
            let (repo, tag) = split_ref(text);
            out.push(Cmd::Res(ResCmd::Tag { id, repo, tag }));
        }
        PromptKind::Run { image } => match check_run(&image, text) {
            Ok(spec) => {
                state.set_status(
                    StatusKind::Progress,
                    format!("Running {}…", spec.docker_command()),
                );
                out.push(Cmd::Res(ResCmd::Run(Box::new(spec))));
            }
            Err(e) => err(state, format!("run: {e}")),
        },
        PromptKind::Commit { id, .. } => {
            let words = match split_command(text) {
                Ok(w) => w,
                Err(e) => return err(state, format!("commit: {e}")),
            };
            let (mut reference, mut author, mut message) = (None, String::new(), String::new());
            let mut it = words.into_iter();
            while let Some(w) = it.next() {
                match w.as_str() {
                    "-a" | "--author" => author = it.next().unwrap_or_default(),
                    "-m" | "--message" => message = it.next().unwrap_or_default(),
                    _ => reference = Some(w),
                }
            }
            let Some(reference) = reference else {
                return err(state, "commit: give repo[:tag]".into());
            };
            let (repo, tag) = split_ref(&reference);
            state.set_status(StatusKind::Progress, format!("Committing to {repo}:{tag}…"));
            out.push(Cmd::Res(ResCmd::Commit {
                container: id,
                repo,
                tag,
                author,
                message,
            }));
        }
        PromptKind::CreateVolume => out.push(Cmd::Res(ResCmd::CreateVolume(text.to_string()))),
        PromptKind::CreateNetwork => {
            let mut words = text.split_whitespace();
            let Some(name) = words.next() else {
                return err(state, "no network name given".into());
            };
            out.push(Cmd::Res(ResCmd::CreateNetwork {
                name: name.to_string(),
                subnet: words.next().map(str::to_owned),
            }));
        }
        PromptKind::Connect { network } => {
            let mut words = text.split_whitespace();
            let Some(container) = words.next() else {
                return err(state, "no container given".into());
            };
            out.push(Cmd::Res(ResCmd::Connect {
                network,
                container: container.to_string(),
                alias: words.next().map(str::to_owned),
            }));
        }
        PromptKind::Disconnect { network } => {
            if text.is_empty() {
                return err(state, "no container given".into());
            }
            out.push(Cmd::Res(ResCmd::Disconnect {
                network,
                container: text.to_string(),
            }));
        }
        _ => {}
    }
}

/// Results from the engine.
pub fn on_msg(state: &mut State, msg: ResMsg) {
    let views = &mut state.views;
    match msg {
        ResMsg::Images(r) => match r {
            Ok(list) => {
                views.images = Some(list);
                views.set_error(Kind::Images, None);
                refilter(state);
            }
            Err(e) => views.set_error(Kind::Images, Some(e)),
        },
        ResMsg::Volumes(r) => match r {
            Ok(list) => {
                views.volumes = Some(list);
                views.set_error(Kind::Volumes, None);
                let n = volume_rows(state).len();
                let p = page(state);
                state.views.volume_cur.clamp(n, p);
            }
            Err(e) => views.set_error(Kind::Volumes, Some(e)),
        },
        ResMsg::Networks(r) => match r {
            Ok(list) => {
                views.networks = Some(list);
                views.set_error(Kind::Networks, None);
                let n = network_rows(state).len();
                let p = page(state);
                state.views.network_cur.clamp(n, p);
            }
            Err(e) => views.set_error(Kind::Networks, Some(e)),
        },
        ResMsg::Disk(r) => match r {
            Ok(d) => {
                views.disk = Some(d);
                views.set_error(Kind::DiskUsage, None);
            }
            Err(e) => views.set_error(Kind::DiskUsage, Some(e)),
        },
        ResMsg::Info(r) => match r {
            Ok(i) => views.info = Some(i),
            Err(e) => state.set_status(StatusKind::Error, format!("engine info: {e}")),
        },
        ResMsg::ImageDetail(r) => match r {
            Ok(d) => views.image_detail = Some(*d),
            Err(e) => state.set_status(StatusKind::Error, format!("inspect: {e}")),
        },
        ResMsg::Job { id, progress } => {
            if let Some(true) = views.job_progress(id, progress)
                && let Some(job) = views.jobs.iter().find(|j| j.id == id)
            {
                let text = match job.progress.error() {
                    Some(e) => (StatusKind::Error, format!("{}: {e}", job.title)),
                    None => (StatusKind::Info, format!("done: {}", job.title)),
                };
                state.set_status(text.0, text.1);
            }
        }
        ResMsg::Ran(result) => match result {
            Ok(id) => {
                state.set_status(
                    StatusKind::Info,
                    format!("started {}", super::images::short_id(&id)),
                );
                // Show it: back to the containers view, selected once listed.
                state.views.select_when_listed = Some(id.clone());
                let mut out = Vec::new();
                switch(state, View::Containers, &mut out);
                if state.containers.contains_key(&id) {
                    state.selected = Some(id);
                    state.views.select_when_listed = None;
                    state.clamp_offset();
                }
            }
            Err(e) => state.set_status(StatusKind::Error, format!("run: {e}")),
        },
        ResMsg::Done { what, result } => match result {
            Ok(t) if t.is_empty() => state.set_status(StatusKind::Info, format!("done: {what}")),
            Ok(t) => state.set_status(StatusKind::Info, format!("{what}: {t}")),
            Err(e) => state.set_status(StatusKind::Error, format!("{what}: {e}")),
        },
    }
    state.dirty = true;
}
