//! Swarm services, tasks and nodes as plain data: what the docker layer turns engine answers
//! into, for the services and nodes views. No I/O here.

use std::collections::BTreeMap;

/// The label `docker stack deploy` puts on a stack's services.
pub const STACK_LABEL: &str = "com.docker.stack.namespace";

/// One service, as `docker service ls` / `inspect` know it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    pub id: String,
    pub name: String,
    /// `replicated`, `global`, `replicated-job` or `global-job`.
    pub mode: String,
    pub running: u64,
    /// Replicas asked for (replicated), or tasks the engine wants (global).
    pub desired: u64,
    /// The image without its digest, and the digest when pinned.
    pub image: String,
    pub digest: Option<String>,
    /// `8080:80/tcp` for each published port.
    pub ports: Vec<String>,
    /// `updating`, `paused`, `completed`, `rollback_started`, …; empty when never updated.
    pub update_state: String,
    pub update_message: String,
    /// Unix seconds.
    pub created: i64,
    pub updated: i64,
    pub labels: BTreeMap<String, String>,
    /// The tasks' environment, `KEY=value` (as the spec has it).
    pub env: Vec<String>,
}

impl Service {
    pub fn stack(&self) -> Option<&str> {
        self.labels.get(STACK_LABEL).map(String::as_str)
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    /// Fewer tasks running than wanted.
    pub fn short(&self) -> bool {
        self.running < self.desired
    }

    /// Still moving towards what was asked: tasks missing or still stopping, or an update
    /// running.
    pub fn converging(&self) -> bool {
        self.running != self.desired
            || matches!(self.update_state.as_str(), "updating" | "rollback_started")
    }

    /// The service's own labels but the stack's, `KEY=value` joined by spaces.
    pub fn labels_text(&self) -> String {
        self.labels
            .iter()
            .filter(|(k, _)| *k != STACK_LABEL)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn replicas_text(&self) -> String {
        format!("{}/{}", self.running, self.desired)
    }

    /// "updating: update in progress" (empty when never updated).
    pub fn update_text(&self) -> String {
        match (self.update_state.is_empty(), self.update_message.is_empty()) {
            (true, _) => String::new(),
            (false, true) => self.update_state.clone(),
            (false, false) => format!("{}: {}", self.update_state, self.update_message),
        }
    }
}

/// One task of a service, as `docker service ps` knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Task {
    pub id: String,
    pub service_id: String,
    /// Slot of a replicated service (0 for a global one).
    pub slot: i64,
    pub node_id: String,
    /// The node's hostname when the engine knows it.
    pub node: String,
    pub desired: String,
    pub state: String,
    /// The engine's message for the state ("started", "no suitable node…").
    pub message: String,
    /// Why the task failed or waits.
    pub error: String,
    /// Unix seconds of the current state.
    pub since: i64,
    pub container_id: String,
    /// The image the task runs (`name:tag@sha256:…` when pinned).
    pub image: String,
    /// Its node is the engine dockside is connected to (its container is reachable).
    pub here: bool,
}

impl Task {
    /// What tells the task's image from another in a rolling update: the digest's first 12
    /// hex digits when pinned, else the tag.
    pub fn image_short(&self) -> &str {
        match self.image.split_once("@sha256:") {
            Some((_, d)) => d.get(..12).unwrap_or(d),
            None => self
                .image
                .rsplit_once(':')
                .filter(|(_, t)| !t.contains('/'))
                .map_or("latest", |(_, t)| t),
        }
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    pub fn short_container(&self) -> &str {
        self.container_id.get(..12).unwrap_or(&self.container_id)
    }
}

/// One node, as `docker node ls` / `inspect` know it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub id: String,
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    pub leader: bool,
    /// `active`, `pause` or `drain`.
    pub availability: String,
    /// `ready`, `down`, `unknown`, `disconnected`.
    pub status: String,
    pub engine: String,
    pub addr: String,
    pub cpus: f64,
    pub memory: u64,
    pub labels: BTreeMap<String, String>,
    /// Tasks running there now.
    pub tasks: usize,
    /// The node this engine is.
    pub is_self: bool,
}

impl Node {
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    pub fn labels_text(&self) -> String {
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Secrets and configs: both are named blobs the swarm hands to tasks; a secret's value never
/// leaves the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SecretKind {
    #[default]
    Secret,
    Config,
}

impl SecretKind {
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::Secret => "secret",
            SecretKind::Config => "config",
        }
    }

    pub fn other(self) -> SecretKind {
        match self {
            SecretKind::Secret => SecretKind::Config,
            SecretKind::Config => SecretKind::Secret,
        }
    }
}

/// A secret or a config, as `docker secret ls` / `docker config ls` know it: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SwarmObject {
    pub id: String,
    pub name: String,
    /// Unix seconds.
    pub created: i64,
    pub updated: i64,
    pub labels: BTreeMap<String, String>,
    /// A secret's driver (empty: the swarm's own store).
    pub driver: String,
    /// A config's size in bytes (a secret's is not told).
    pub size: Option<u64>,
}

impl SwarmObject {
    pub fn short_id(&self) -> &str {
        self.id.get(..12).unwrap_or(&self.id)
    }

    pub fn stack(&self) -> Option<&str> {
        self.labels.get(STACK_LABEL).map(String::as_str)
    }

    pub fn labels_text(&self) -> String {
        self.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The create prompt's `NAME FILE`.
pub fn parse_create_secret(text: &str) -> Result<(String, String), String> {
    let words = super::model::split_command(text)?;
    match words.as_slice() {
        [name, file] => Ok((name.clone(), file.clone())),
        [] | [_] => Err("give the name, then the file holding the value".into()),
        [_, _, extra, ..] => Err(format!("unexpected `{extra}`: NAME FILE only")),
    }
}

/// One edit of a `KEY=value` set (labels, environment): `KEY=value` sets (or changes) it,
/// `-KEY` removes it, as `--label-add`/`--label-rm` and `--env-add`/`--env-rm` do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KvEdit {
    Set(String, String),
    Remove(String),
}

impl KvEdit {
    pub fn key(&self) -> &str {
        match self {
            KvEdit::Set(k, _) | KvEdit::Remove(k) => k,
        }
    }
}

/// The label or environment prompt's words: `KEY=value` sets, `-KEY` removes (quoted as in a
/// shell when a value holds spaces). `what` names them in the messages ("label", "variable").
pub fn parse_kv_edits(text: &str, what: &str) -> Result<Vec<KvEdit>, String> {
    let words = super::model::split_command(text)?;
    if words.is_empty() {
        return Err(format!(
            "give KEY=value to set a {what}, -KEY to remove one"
        ));
    }
    words
        .into_iter()
        .map(|w| {
            let edit = match w.strip_prefix('-') {
                Some(key) => {
                    if key.contains('=') {
                        return Err(format!("`{w}`: -KEY removes a {what} (no value after it)"));
                    }
                    KvEdit::Remove(key.to_string())
                }
                None => match w.split_once('=') {
                    Some((k, v)) => KvEdit::Set(k.to_string(), v.to_string()),
                    None => {
                        return Err(format!("`{w}`: KEY=value sets a {what}, -KEY removes one"));
                    }
                },
            };
            let key = edit.key();
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                return Err(format!("`{w}`: no {what} name"));
            }
            Ok(edit)
        })
        .collect()
}

/// Labels after the edits (`--label-add`, `--label-rm`).
pub fn apply_to_labels(labels: &mut std::collections::HashMap<String, String>, edits: &[KvEdit]) {
    for e in edits {
        match e {
            KvEdit::Set(k, v) => {
                labels.insert(k.clone(), v.clone());
            }
            KvEdit::Remove(k) => {
                labels.remove(k);
            }
        }
    }
}

/// `KEY=value` entries after the edits (`--env-add`, `--env-rm`): a set variable replaces the
/// entry of its name where it was (or comes last), a removed one leaves.
pub fn apply_to_env(env: &mut Vec<String>, edits: &[KvEdit]) {
    let name = |entry: &str| entry.split_once('=').map_or(entry, |(k, _)| k).to_string();
    for e in edits {
        match e {
            KvEdit::Set(k, v) => {
                let entry = format!("{k}={v}");
                match env.iter().position(|x| name(x) == *k) {
                    Some(i) => {
                        env[i] = entry;
                        let mut seen = false;
                        env.retain(|x| {
                            if name(x) != *k {
                                return true;
                            }
                            let keep = !seen;
                            seen = true;
                            keep
                        });
                    }
                    None => env.push(entry),
                }
            }
            KvEdit::Remove(k) => env.retain(|x| name(x) != *k),
        }
    }
}

/// A change asked of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeChange {
    Availability(&'static str),
    Role(&'static str),
    /// Add, change or remove labels (`docker node update --label-add/--label-rm`).
    Labels(Vec<KvEdit>),
}

impl NodeChange {
    pub fn verb(&self) -> &'static str {
        match self {
            NodeChange::Availability("drain") => "drain",
            NodeChange::Availability("pause") => "pause",
            NodeChange::Availability(_) => "activate",
            NodeChange::Role("manager") => "promote",
            NodeChange::Role(_) => "demote",
            NodeChange::Labels(_) => "label",
        }
    }
}

/// A change asked of a service besides its replicas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceChange {
    Scale(u64),
    /// Restart every task (`docker service update --force`).
    Force,
    Rollback,
    /// `docker service update --env-add/--env-rm`.
    Env(Vec<KvEdit>),
    /// `docker service update --label-add/--label-rm` (the service's own labels).
    Labels(Vec<KvEdit>),
    /// `docker service update --image IMAGE`: the tag's digest now, resolved by the engine
    /// from its registry, pinned as `IMAGE@sha256:…` (a rolling update).
    Image(String),
}

impl ServiceChange {
    pub fn verb(&self) -> String {
        match self {
            ServiceChange::Scale(n) => format!("scale to {n}"),
            ServiceChange::Force => "force update".into(),
            ServiceChange::Rollback => "rollback".into(),
            ServiceChange::Env(_) => "update the environment of".into(),
            ServiceChange::Labels(_) => "update the labels of".into(),
            ServiceChange::Image(_) => "update the image of".into(),
        }
    }
}

/// Whether `name` can name a stack: its services are `NAME_service`, so it must start with a
/// letter or digit and hold only letters, digits, `_`, `-` and `.`.
pub fn valid_stack_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// The deploy prompt's `FILE [STACK]`: the compose file and the stack name (by default the
/// file's directory, lowercased, as compose names a project).
pub fn parse_deploy(text: &str) -> Result<(String, String), String> {
    let words = super::model::split_command(text)?;
    let (file, stack) = match words.as_slice() {
        [] => return Err("give the compose file, then the stack name".into()),
        [file] => {
            let dir = std::path::Path::new(file)
                .parent()
                .and_then(|d| d.file_name())
                .map(|d| d.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let stack: String = dir
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "_-".contains(*c))
                .collect();
            if stack.is_empty() {
                return Err(format!("give a stack name after {file}"));
            }
            (file.clone(), stack)
        }
        [file, stack] => (file.clone(), stack.clone()),
        [_, _, extra, ..] => return Err(format!("unexpected `{extra}`: FILE [STACK] only")),
    };
    if !valid_stack_name(&stack) {
        return Err(format!(
            "`{stack}` is no stack name: letters, digits, _ - . (a letter or digit first)"
        ));
    }
    Ok((file, stack))
}

/// What a Swarm view shows instead of a list when the engine refuses: one clear line when it
/// is no manager, else the engine's words.
pub fn refusal_text(what: &str, e: &str) -> String {
    if e.contains("not a swarm manager") || e.contains("not part of a swarm") {
        if e.contains("Worker nodes") || e.contains("worker") {
            "This engine is a Swarm worker, not a manager: connect to a manager (ctrl-o) to see \
             the swarm."
                .into()
        } else {
            "This engine is not a Swarm manager (not in a swarm: `docker swarm init`, or \
             connect to a manager with ctrl-o)."
                .into()
        }
    } else {
        format!("Cannot list {what}: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_engine_and_a_worker_get_one_clear_line() {
        let plain = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker \
                     swarm join\" to connect this node to swarm and try again.";
        assert!(refusal_text("services", plain).starts_with("This engine is not a Swarm"));
        let worker = "This node is not a swarm manager. Worker nodes can't be used to view or \
                      modify cluster state. Please run this command on a manager node or \
                      promote the current node to a manager.";
        assert!(refusal_text("nodes", worker).contains("worker, not a manager"));
        assert_eq!(refusal_text("nodes", "boom"), "Cannot list nodes: boom");
    }

    #[test]
    fn the_label_and_env_prompt_sets_and_removes() {
        assert_eq!(
            parse_kv_edits("zone=b 'note=two words' -old empty=", "label"),
            Ok(vec![
                KvEdit::Set("zone".into(), "b".into()),
                KvEdit::Set("note".into(), "two words".into()),
                KvEdit::Remove("old".into()),
                KvEdit::Set("empty".into(), String::new()),
            ])
        );
        assert_eq!(
            parse_kv_edits("URL=http://x/?a=b", "variable"),
            Ok(vec![KvEdit::Set("URL".into(), "http://x/?a=b".into())]),
            "the value keeps its own ="
        );
        assert!(parse_kv_edits("", "label").is_err_and(|e| e.contains("KEY=value")));
        assert!(
            parse_kv_edits("zone", "label")
                .is_err_and(|e| e == "`zone`: KEY=value sets a label, -KEY removes one")
        );
        assert!(parse_kv_edits("-zone=b", "label").is_err_and(|e| e.contains("no value")));
        assert!(parse_kv_edits("=b", "variable").is_err_and(|e| e.contains("no variable name")));
        assert!(parse_kv_edits("-", "label").is_err_and(|e| e.contains("no label name")));
    }

    #[test]
    fn edits_change_labels_and_the_environment_as_the_cli_does() {
        let edits = parse_kv_edits("B=2 -A C=3 B=22", "variable").expect("valid");
        let mut env = vec!["A=1".to_string(), "B=1".into(), "D".into(), "B=dup".into()];
        apply_to_env(&mut env, &edits);
        assert_eq!(env, ["B=22", "D", "C=3"]);
        apply_to_env(&mut env, &[KvEdit::Remove("D".into())]);
        assert_eq!(env, ["B=22", "C=3"]);
        let mut labels = std::collections::HashMap::from([("a".to_string(), "1".to_string())]);
        apply_to_labels(
            &mut labels,
            &parse_kv_edits("-a b=2 -missing", "label").expect("valid"),
        );
        assert_eq!(
            labels,
            std::collections::HashMap::from([("b".to_string(), "2".to_string())])
        );
    }

    #[test]
    fn a_tasks_image_is_told_by_its_digest_or_tag() {
        let t = |image: &str| Task {
            image: image.into(),
            ..Task::default()
        };
        assert_eq!(
            t("127.0.0.1:5000/app:live@sha256:0123456789abcdef0123").image_short(),
            "0123456789ab"
        );
        assert_eq!(t("127.0.0.1:5000/app:v3").image_short(), "v3");
        assert_eq!(t("127.0.0.1:5000/app").image_short(), "latest");
        assert_eq!(t("busybox").image_short(), "latest");
    }

    #[test]
    fn a_secret_is_created_from_a_name_and_a_file() {
        assert_eq!(
            parse_create_secret("db_pass '/run/my secrets/pw'"),
            Ok(("db_pass".into(), "/run/my secrets/pw".into()))
        );
        assert!(parse_create_secret("db_pass").is_err_and(|e| e.contains("then the file")));
        assert!(parse_create_secret("a b c").is_err_and(|e| e.contains("`c`")));
    }

    #[test]
    fn the_deploy_prompt_takes_a_file_and_a_stack_name() {
        assert_eq!(
            parse_deploy("/srv/shop/stack.yml web"),
            Ok(("/srv/shop/stack.yml".into(), "web".into()))
        );
        assert_eq!(
            parse_deploy("'/srv/My Shop/stack.yml'"),
            Ok(("/srv/My Shop/stack.yml".into(), "myshop".into())),
            "the directory names the stack by default"
        );
        assert!(parse_deploy("stack.yml").is_err_and(|e| e.contains("give a stack name")));
        assert!(parse_deploy("").is_err());
        assert!(parse_deploy("a.yml web extra").is_err_and(|e| e.contains("extra")));
        assert!(parse_deploy("a.yml _web").is_err_and(|e| e.contains("no stack name")));
        assert!(parse_deploy("a.yml 'we b'").is_err());
    }

    #[test]
    fn a_service_is_short_and_converging_until_its_tasks_run() {
        let mut s = Service {
            running: 1,
            desired: 3,
            ..Service::default()
        };
        assert!(s.short() && s.converging());
        s.running = 3;
        assert!(!s.converging());
        s.desired = 1;
        assert!(s.converging() && !s.short(), "scaling down");
        s.desired = 3;
        s.desired = 1;
        assert!(s.converging() && !s.short(), "scaling down");
        s.desired = 3;
        s.update_state = "updating".into();
        assert!(s.converging());
        s.update_message = "update in progress".into();
        assert_eq!(s.update_text(), "updating: update in progress");
    }
}
