//! Compose projects derived from the containers the app already has (their labels): no
//! engine call of their own. Recomputed when the containers change; the outdated badge when
//! the images list changes.

use std::collections::{BTreeSet, HashMap};

use crate::app::model::{CState, Container, Health, ports_display};
use crate::app::msg::LogSource;

use crate::views::list::natural_cmp;

/// One container of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub c: Container,
    /// It runs an older image than its tag now points to on this engine.
    pub outdated: bool,
}

impl Member {
    pub fn oneoff(&self) -> bool {
        self.c.compose.as_ref().is_some_and(|x| x.oneoff)
    }

    pub fn image_id(&self) -> &str {
        self.c.compose.as_ref().map_or("", |x| x.image_id.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// The image reference it runs (a tag, or an id when the tag moved away from it).
    pub image: String,
    /// Its containers, replicas by number, then one-off `run` containers.
    pub members: Vec<Member>,
}

impl Service {
    fn replicas(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| !m.oneoff())
    }

    /// Replicas running (not paused) and in all.
    pub fn running(&self) -> (usize, usize) {
        let total = self.replicas().count();
        let up = self
            .replicas()
            .filter(|m| m.c.state == CState::Running)
            .count();
        (up, total)
    }

    pub fn ports(&self) -> String {
        let ports: Vec<_> = self
            .members
            .iter()
            .flat_map(|m| m.c.ports.clone())
            .collect();
        ports_display(&ports)
    }

    /// The worst health of its containers ("" without a healthcheck).
    pub fn health(&self) -> &'static str {
        let has = |h: Health| self.members.iter().any(|m| m.c.health == Some(h));
        if has(Health::Unhealthy) {
            "unhealthy"
        } else if has(Health::Starting) {
            "starting"
        } else if has(Health::Healthy) {
            "healthy"
        } else {
            ""
        }
    }

    pub fn outdated(&self) -> bool {
        self.members.iter().any(|m| m.outdated)
    }
}

/// A project's state at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PState {
    /// Every container running.
    Running,
    /// Some running, some not.
    Partly,
    /// Every live container paused.
    Paused,
    /// Nothing running.
    Exited,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub name: String,
    pub services: Vec<Service>,
    pub working_dir: String,
    pub config_files: Vec<String>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    /// Its oldest container's creation (unix seconds).
    pub created: i64,
}

impl Project {
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.services.iter().flat_map(|s| s.members.iter())
    }

    /// Containers running and in all (one-off `run` containers aside).
    pub fn running(&self) -> (usize, usize) {
        self.services.iter().fold((0, 0), |(u, t), s| {
            let (su, st) = s.running();
            (u + su, t + st)
        })
    }

    pub fn containers(&self) -> usize {
        self.members().count()
    }

    pub fn state(&self) -> PState {
        let (up, total) = self.running();
        let live = self.members().filter(|m| m.c.state.is_live()).count();
        let paused = self
            .members()
            .filter(|m| m.c.state == CState::Paused)
            .count();
        if up > 0 && up >= total {
            PState::Running
        } else if paused > 0 && paused == live && up == 0 {
            PState::Paused
        } else if live == 0 {
            PState::Exited
        } else {
            PState::Partly
        }
    }

    /// "running 5/5", "partly up 5/6", "paused 2/2", "exited 0/3".
    pub fn state_text(&self) -> String {
        let (up, total) = self.running();
        match self.state() {
            PState::Running => format!("running {up}/{total}"),
            PState::Partly => format!("partly up {up}/{total}"),
            PState::Paused => {
                let paused = self
                    .members()
                    .filter(|m| m.c.state == CState::Paused)
                    .count();
                format!("paused {paused}/{total}")
            }
            PState::Exited => format!("exited {up}/{total}"),
        }
    }

    pub fn outdated(&self) -> bool {
        self.services.iter().any(Service::outdated)
    }
}

/// Every compose project among `containers`, by name; services by name; replicas by number.
pub fn derive<'a>(containers: impl Iterator<Item = &'a Container>) -> Vec<Project> {
    let mut by_project: HashMap<&str, Vec<&Container>> = HashMap::new();
    for c in containers {
        if let Some(p) = c.project.as_deref() {
            by_project.entry(p).or_default().push(c);
        }
    }
    let mut projects: Vec<Project> = by_project
        .into_iter()
        .map(|(name, cs)| project(name, cs))
        .collect();
    projects.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    projects
}

fn project(name: &str, cs: Vec<&Container>) -> Project {
    let mut services: HashMap<&str, Vec<&Container>> = HashMap::new();
    let mut networks = BTreeSet::new();
    let mut volumes = BTreeSet::new();
    let mut working_dir = String::new();
    let mut config_files = String::new();
    for c in &cs {
        services
            .entry(c.service.as_deref().unwrap_or(""))
            .or_default()
            .push(c);
        if let Some(x) = &c.compose {
            networks.extend(x.networks.iter().cloned());
            volumes.extend(x.volumes.iter().cloned());
            if working_dir.is_empty() {
                working_dir.clone_from(&x.working_dir);
            }
            if config_files.is_empty() {
                config_files.clone_from(&x.config_files);
            }
        }
    }
    let mut services: Vec<Service> = services
        .into_iter()
        .map(|(name, cs)| service(name, cs))
        .collect();
    services.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    Project {
        name: name.to_string(),
        services,
        working_dir,
        config_files: config_files
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        networks: networks.into_iter().collect(),
        volumes: volumes.into_iter().collect(),
        created: cs.iter().map(|c| c.created).min().unwrap_or(0),
    }
}

fn service(name: &str, cs: Vec<&Container>) -> Service {
    let mut members: Vec<Member> = cs
        .into_iter()
        .map(|c| Member {
            c: c.clone(),
            outdated: false,
        })
        .collect();
    let order = |m: &Member| {
        let x = m.c.compose.as_deref();
        (
            x.is_some_and(|x| x.oneoff),
            x.and_then(|x| x.number).unwrap_or(u32::MAX),
        )
    };
    members.sort_by(|a, b| {
        order(a)
            .cmp(&order(b))
            .then_with(|| natural_cmp(&a.c.name, &b.c.name))
    });
    let image = members
        .iter()
        .find(|m| !names_by_id(&m.c.image, m.image_id()))
        .or(members.first())
        .map(|m| m.c.image.clone())
        .unwrap_or_default();
    Service {
        name: name.to_string(),
        image,
        members,
    }
}

/// The engine names a container's image by its id when the tag it was created from no
/// longer points to that image.
fn names_by_id(image: &str, image_id: &str) -> bool {
    let bare = image.trim_start_matches("sha256:");
    bare.len() >= 12
        && bare.chars().all(|c| c.is_ascii_hexdigit())
        && image_id.trim_start_matches("sha256:").starts_with(bare)
}

/// The containers of `project` (of its `service` only, when given) for an aggregated log:
/// by service and number, each named `service`, or `service-N` when the service has several;
/// one-off `run` containers left out.
pub fn log_sources<'a>(
    containers: impl Iterator<Item = &'a Container>,
    project: &str,
    service: Option<&str>,
) -> Vec<LogSource> {
    let mut cs: Vec<&Container> = containers
        .filter(|c| c.project.as_deref() == Some(project))
        .filter(|c| service.is_none() || c.service.as_deref() == service)
        .filter(|c| !c.compose.as_ref().is_some_and(|x| x.oneoff))
        .collect();
    let number = |c: &Container| c.compose.as_ref().and_then(|x| x.number).unwrap_or(0);
    cs.sort_by(|a, b| {
        natural_cmp(
            a.service.as_deref().unwrap_or(""),
            b.service.as_deref().unwrap_or(""),
        )
        .then_with(|| number(a).cmp(&number(b)))
        .then_with(|| a.id.cmp(&b.id))
    });
    let mut per_service: HashMap<&str, usize> = HashMap::new();
    for c in &cs {
        *per_service
            .entry(c.service.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    cs.into_iter()
        .map(|c| {
            let s = c.service.as_deref().unwrap_or(&c.name);
            let prefix = if per_service.get(s).copied().unwrap_or(0) > 1 {
                format!("{s}-{}", number(c))
            } else {
                s.to_string()
            };
            LogSource {
                id: c.id.clone(),
                prefix,
                live: c.state.is_live(),
            }
        })
        .collect()
}

/// `busybox` → `busybox:latest`; a digest or a tag is kept.
pub fn normalize(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    if last.contains(':') || last.contains('@') {
        reference.to_string()
    } else {
        format!("{reference}:latest")
    }
}

/// Mark the containers running an older image than their tag now points to: the engine
/// names them by id (the tag moved), or `tags` (tag → image id) says the tag is elsewhere.
pub fn mark_outdated(projects: &mut [Project], tags: Option<&HashMap<String, String>>) {
    for m in projects
        .iter_mut()
        .flat_map(|p| p.services.iter_mut())
        .flat_map(|s| s.members.iter_mut())
    {
        let id = m.image_id().to_string();
        m.outdated = !id.is_empty()
            && (names_by_id(&m.c.image, &id)
                || tags
                    .and_then(|t| t.get(&normalize(&m.c.image)))
                    .is_some_and(|now| *now != id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::container;
    use crate::app::model::Compose;

    fn member(n: u32, project: &str, service: &str, num: u32, state: CState) -> Container {
        let mut c = container(n, &format!("{project}-{service}-{num}"), "app:1", state);
        c.project = Some(project.into());
        c.service = Some(service.into());
        c.compose = Some(Box::new(Compose {
            number: Some(num),
            working_dir: format!("/srv/{project}"),
            config_files: format!("/srv/{project}/docker-compose.yml"),
            image_id: "sha256:aaaaaaaaaaaaaaaa".into(),
            networks: vec![format!("{project}_default")],
            volumes: if service == "db" {
                vec![format!("{project}_data")]
            } else {
                vec![]
            },
            ..Compose::default()
        }));
        c
    }

    #[test]
    fn projects_group_services_and_count_states() {
        let cs = [
            member(1, "shop", "web", 1, CState::Running),
            member(2, "shop", "api", 2, CState::Running),
            member(3, "shop", "api", 1, CState::Exited),
            member(4, "shop", "db", 1, CState::Running),
            member(5, "blog", "web", 1, CState::Exited),
            container(6, "loose", "busybox", CState::Running),
        ];
        let ps = derive(cs.iter());
        assert_eq!(
            ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["blog", "shop"]
        );
        let shop = &ps[1];
        assert_eq!(shop.running(), (3, 4));
        assert_eq!(shop.state(), PState::Partly);
        assert_eq!(shop.state_text(), "partly up 3/4");
        assert_eq!(
            shop.services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            ["api", "db", "web"]
        );
        let api = &shop.services[0];
        assert_eq!(api.running(), (1, 2));
        assert_eq!(api.members[0].c.name, "shop-api-1", "replicas by number");
        assert_eq!(shop.networks, ["shop_default"]);
        assert_eq!(shop.volumes, ["shop_data"]);
        assert_eq!(shop.config_files, ["/srv/shop/docker-compose.yml"]);
        assert_eq!(ps[0].state(), PState::Exited);
        assert_eq!(ps[0].state_text(), "exited 0/1");
    }

    #[test]
    fn outdated_when_the_tag_moved() {
        let mut moved = member(1, "p", "web", 1, CState::Running);
        moved.image = "aaaaaaaaaaaa".into();
        let mut current = member(2, "p", "api", 1, CState::Running);
        current.image = "app:1".into();
        let mut behind = member(3, "p", "db", 1, CState::Running);
        behind.image = "db".into();
        let mut ps = derive([moved, current, behind].iter());
        let tags: HashMap<String, String> = [
            ("app:1".to_string(), "sha256:aaaaaaaaaaaaaaaa".to_string()),
            ("db:latest".to_string(), "sha256:bbbb".to_string()),
        ]
        .into();
        mark_outdated(&mut ps, Some(&tags));
        let by = |n: &str| {
            ps[0]
                .services
                .iter()
                .find(|s| s.name == n)
                .expect(n)
                .outdated()
        };
        assert!(by("web"), "named by id: its tag moved");
        assert!(!by("api"));
        assert!(by("db"), "db:latest is another image now");
        assert!(ps[0].outdated());
        let mut api2 = member(4, "p", "api", 2, CState::Exited);
        api2.image = "app:1".into();
        let cs = [
            member(5, "p", "api", 1, CState::Running),
            api2,
            member(6, "p", "db", 1, CState::Running),
            member(7, "q", "db", 1, CState::Running),
        ];
        let sources = log_sources(cs.iter(), "p", None);
        let names: Vec<(&str, bool)> = sources
            .iter()
            .map(|s| (s.prefix.as_str(), s.live))
            .collect();
        assert_eq!(names, [("api-1", true), ("api-2", false), ("db", true)]);
        assert_eq!(log_sources(cs.iter(), "p", Some("db")).len(), 1);
        assert_eq!(normalize("reg:5000/x"), "reg:5000/x:latest");
        assert_eq!(normalize("x:1"), "x:1");
    }
}
