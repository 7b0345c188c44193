//! The prompts and the run form over the views: what a submitted line or form does.

use super::model::split_command;
use super::msg::{Cmd, Req, ResCmd};
use super::overlay::{Overlay, PromptKind, StatusKind};
use super::recreate::FormPurpose;
use super::runform::RunForm;
use super::state::State;

/// Split `repo[:tag]` (a registry port is not a tag).
pub fn split_ref(r: &str) -> (String, String) {
    match r.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (r.to_string(), "latest".to_string()),
    }
}

/// A tag as registries take it: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn valid_tag(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 128
        && !t.starts_with(['.', '-'])
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Check a run form as typed: the form's own rules, plus what the app already knows of the
/// engine (a name in use, an image that is not here). `Ok` holds the spec to run.
pub fn check_form(
    state: &State,
    form: &RunForm,
    purpose: &FormPurpose,
) -> Result<super::runform::RunSpec, Vec<(super::runform::Field, String)>> {
    check_form_parts(
        &state.containers,
        state.views.images.images.as_deref(),
        form,
        purpose.replaces(),
    )
}

/// `replaces`: the container the form recreates, whose name is free for it.
fn check_form_parts(
    containers: &super::state::Containers,
    images: Option<&[super::images::Image]>,
    form: &RunForm,
    replaces: Option<&str>,
) -> Result<super::runform::RunSpec, Vec<(super::runform::Field, String)>> {
    use super::runform::Field;
    let mut errors = match form.validate() {
        Ok(spec) => {
            let mut extra = Vec::new();
            if let Some(name) = spec.name.as_deref()
                && containers
                    .values()
                    .any(|c| c.name == name && Some(c.id.as_str()) != replaces)
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
    let Overlay::RunForm {
        form,
        field,
        purpose,
    } = &mut state.overlay
    else {
        return;
    };
    let n = Field::ALL.len();
    let f = Field::ALL[(*field).min(n - 1)];
    match key.code {
        KeyCode::Esc => {
            state.overlay = Overlay::None;
            state.fleet.deploy = None;
        }
        KeyCode::Tab | KeyCode::Down => *field = (*field + 1) % n,
        KeyCode::BackTab | KeyCode::Up => *field = (*field + n - 1) % n,
        KeyCode::Enter => {
            // A deploy checks the name against the containers of its engines only.
            let deploy_hosts = state.fleet.deploy.as_ref().map(|d| d.hosts.clone());
            let containers = match &deploy_hosts {
                Some(hosts) => state
                    .containers
                    .values()
                    .filter(|c| hosts.contains(&c.host))
                    .cloned()
                    .collect(),
                None => Default::default(),
            };
            let containers = if deploy_hosts.is_some() {
                &containers
            } else {
                &state.containers
            };
            match check_form_parts(
                containers,
                state.views.images.images.as_deref(),
                form,
                purpose.replaces(),
            ) {
                Ok(spec) if state.fleet.deploy.is_some() => {
                    state.overlay = Overlay::None;
                    if let Some(d) = state.fleet.deploy.take() {
                        super::fleet::deploy(state, d, spec, out);
                    }
                }
                Ok(spec) if *purpose != FormPurpose::Run => {
                    let purpose = purpose.clone();
                    super::recreate_flow::submit_form(state, purpose, spec, out);
                }
                Ok(spec) => {
                    state.set_status(
                        StatusKind::Progress,
                        format!("Running {}…", spec.docker_command()),
                    );
                    out.push(Cmd::Engine(Req::Res(ResCmd::Run(Box::new(spec)))));
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
            let job = state.views.images.start_job(format!("{verb} {text}"));
            let reference = text.to_string();
            out.push(Cmd::Engine(Req::Res(if push {
                ResCmd::Push { job, reference }
            } else {
                ResCmd::Pull { job, reference }
            })));
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
            let job = state.views.images.start_job(format!("build {dir} {tag}"));
            out.push(Cmd::Engine(Req::Res(ResCmd::Build {
                job,
                dir,
                tag,
                dockerfile,
                build_args: args,
            })));
        }
        PromptKind::Tag { id, .. } => {
            if text.is_empty() {
                return err(state, "no tag given".into());
            }
            let (repo, tag) = split_ref(text);
            out.push(Cmd::Engine(Req::Res(ResCmd::Tag { id, repo, tag })));
        }
        PromptKind::Run { image } => match check_run(&image, text) {
            Ok(spec) => {
                state.set_status(
                    StatusKind::Progress,
                    format!("Running {}…", spec.docker_command()),
                );
                out.push(Cmd::Engine(Req::Res(ResCmd::Run(Box::new(spec)))));
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
            out.push(Cmd::Engine(Req::Res(ResCmd::Commit {
                container: id,
                repo,
                tag,
                author,
                message,
            })));
        }
        PromptKind::CreateVolume => out.push(Cmd::Engine(Req::Res(ResCmd::CreateVolume(
            text.to_string(),
        )))),
        PromptKind::DeployEnv { hosts, choices } => {
            let name = text.trim();
            if !name.is_empty() && !state.fleet.environments.iter().any(|e| e.name == name) {
                return err(
                    state,
                    format!("no environment `{name}` (the config has: {choices})"),
                );
            }
            super::fleet::open_deploy_form(state, hosts, (!name.is_empty()).then_some(name));
        }
        PromptKind::ComposeFile => {
            let words = match split_command(text) {
                Ok(w) => w,
                Err(e) => return err(state, format!("compose file: {e}")),
            };
            let mut it = words.into_iter();
            let Some(path) = it.next() else {
                return err(state, "no compose file given".into());
            };
            super::router::open_compose_file(state, path, it.next(), out);
        }
        PromptKind::AddHost => {
            let text = text.trim();
            let (name, addr) = match text.split_once('=') {
                Some((n, a)) if !n.contains("://") => (n.trim().to_string(), a.trim()),
                _ => (super::fleet::short_name(text), text),
            };
            if !(addr.starts_with('/') || addr.contains("://")) {
                return err(
                    state,
                    format!(
                        "{addr}: not an engine address (unix:///path, tcp://host:port, ssh://user@host)"
                    ),
                );
            }
            let spec = super::fleet::HostSpec {
                name,
                addr: addr.to_string(),
                source: "added".into(),
                tls: None,
                readonly: false,
            };
            super::fleet::apply_op(state, super::fleet::FleetOp::Add(spec), out);
        }
        PromptKind::CreateNetwork => {
            let mut words = text.split_whitespace();
            let Some(name) = words.next() else {
                return err(state, "no network name given".into());
            };
            out.push(Cmd::Engine(Req::Res(ResCmd::CreateNetwork {
                name: name.to_string(),
                subnet: words.next().map(str::to_owned),
            })));
        }
        PromptKind::Connect { network } => {
            let mut words = text.split_whitespace();
            let Some(container) = words.next() else {
                return err(state, "no container given".into());
            };
            out.push(Cmd::Engine(Req::Res(ResCmd::Connect {
                network,
                container: container.to_string(),
                alias: words.next().map(str::to_owned),
            })));
        }
        PromptKind::Disconnect { network } => {
            if text.is_empty() {
                return err(state, "no container given".into());
            }
            out.push(Cmd::Engine(Req::Res(ResCmd::Disconnect {
                network,
                container: text.to_string(),
            })));
        }
        PromptKind::Download { .. }
        | PromptKind::Upload { .. }
        | PromptKind::Rename { .. }
        | PromptKind::Export { .. } => match super::files_tab::submit(kind, text, out) {
            Ok(msg) => state.set_status(StatusKind::Progress, msg),
            Err(e) => state.set_status(StatusKind::Error, e),
        },
        PromptKind::SaveImages { refs, estimate } => {
            if text.is_empty() {
                return err(state, "save: a tar file on this host, please".into());
            }
            let title = format!("save {} to {text}", refs.join(", "));
            let job = state.views.images.start_summarised_job(title);
            out.push(Cmd::Engine(Req::Res(ResCmd::SaveImages {
                job,
                refs,
                dest: text.to_string(),
                estimate,
            })));
        }
        PromptKind::LoadImages => {
            if text.is_empty() {
                return err(state, "load: a tar file on this host, please".into());
            }
            let job = state
                .views
                .images
                .start_summarised_job(format!("load {text}"));
            out.push(Cmd::Engine(Req::Res(ResCmd::LoadImages {
                job,
                src: text.to_string(),
            })));
        }
        PromptKind::Scale { id, name } => match text.parse::<u64>() {
            Ok(n) => out.push(Cmd::Engine(Req::Res(ResCmd::ChangeService {
                id,
                name,
                change: super::swarm::ServiceChange::Scale(n),
            }))),
            Err(_) => err(
                state,
                format!("scale {name}: `{text}` is not a number of replicas"),
            ),
        },
        PromptKind::NodeLabels { id, name } => match super::swarm::parse_kv_edits(text, "label") {
            Ok(edits) => out.push(Cmd::Engine(Req::Res(ResCmd::ChangeNode {
                id,
                name,
                change: super::swarm::NodeChange::Labels(edits),
            }))),
            Err(e) => err(state, format!("label {name}: {e}")),
        },
        PromptKind::ServiceKv { id, name, env } => {
            let what = if env { "variable" } else { "label" };
            match super::swarm::parse_kv_edits(text, what) {
                Ok(edits) => out.push(Cmd::Engine(Req::Res(ResCmd::ChangeService {
                    id,
                    name,
                    change: if env {
                        super::swarm::ServiceChange::Env(edits)
                    } else {
                        super::swarm::ServiceChange::Labels(edits)
                    },
                }))),
                Err(e) => err(state, format!("{name}: {e}")),
            }
        }
        PromptKind::ServiceImage { id, name } => {
            let image = text.trim();
            if image.is_empty() || image.contains(char::is_whitespace) {
                return err(
                    state,
                    format!("update {name}: one image reference, please (name[:tag])"),
                );
            }
            state.set_status(
                StatusKind::Progress,
                format!("resolving {image} and updating {name}…"),
            );
            out.push(Cmd::Engine(Req::Res(ResCmd::ChangeService {
                id,
                name,
                change: super::swarm::ServiceChange::Image(image.to_string()),
            })));
        }
        PromptKind::CreateSecret(kind) => match super::swarm::parse_create_secret(text) {
            Ok((name, file)) => out.push(Cmd::Engine(Req::Res(ResCmd::CreateSecret {
                kind,
                name,
                file,
            }))),
            Err(e) => err(state, format!("create {}: {e}", kind.noun())),
        },
        PromptKind::DeployStack => match super::swarm::parse_deploy(text) {
            Ok((file, stack)) => {
                let host = crate::views::projects::engine_host(state.conn.addr());
                state.set_status(
                    StatusKind::Progress,
                    format!("docker stack deploy {stack}…"),
                );
                let deploy = state.views.services.start_deploy(file, stack, host);
                out.push(Cmd::Engine(Req::Res(ResCmd::DeployStack(deploy))));
            }
            Err(e) => err(state, format!("deploy: {e}")),
        },
        PromptKind::RegistryRetag {
            registry,
            repo,
            tag,
        } => {
            if !valid_tag(text) {
                return err(
                    state,
                    format!(
                        "tag: `{text}` is not a tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)"
                    ),
                );
            }
            state.set_status(
                StatusKind::Progress,
                format!("tagging {repo}:{tag} as {text} in {}…", registry.host),
            );
            out.push(Cmd::Engine(Req::Res(ResCmd::Retag {
                registry,
                repo,
                tag,
                to: text.to_string(),
            })));
        }
        PromptKind::ComposeScale { mut run, service } => match text.parse::<u32>() {
            Ok(n) => {
                run.args.push(format!("{service}={n}"));
                state.set_status(StatusKind::Progress, format!("Scaling {service} to {n}…"));
                out.push(Cmd::Engine(Req::Res(ResCmd::Compose(run))));
            }
            Err(_) => err(state, format!("scale {service}: `{text}` is not a number")),
        },
        _ => {}
    }
}
