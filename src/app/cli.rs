//! The docker CLI command that does what a request does, for the command log: users learn
//! the CLI from it and can script what they did.

use super::exec::{ExecCmd, ExecKind};
use super::msg::{ContainerAction, Req, ResCmd};
use super::swarm::{NodeChange, ServiceChange};

/// Quote a word for a POSIX shell when it needs it.
pub fn shell_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

fn words(ws: &[String]) -> String {
    ws.iter()
        .map(|w| shell_word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The CLI equivalent of a request that changes the engine (None for reads and streams).
pub fn docker_cli(req: &Req) -> Option<String> {
    Some(match req {
        Req::Container { name, action, .. } => match action {
            ContainerAction::Remove { force, volumes } => format!(
                "docker rm{}{} {}",
                if *force { " -f" } else { "" },
                if *volumes { " -v" } else { "" },
                shell_word(name)
            ),
            other => format!("docker {} {}", other.verb(), shell_word(name)),
        },
        Req::On(_, r) => return docker_cli(r),
        Req::Group { targets, action } => {
            let names: Vec<String> = targets.iter().map(|(_, n)| n.clone()).collect();
            match action {
                ContainerAction::Remove { force, volumes } => format!(
                    "docker rm{}{} {}",
                    if *force { " -f" } else { "" },
                    if *volumes { " -v" } else { "" },
                    words(&names)
                ),
                other => format!("docker {} {}", other.verb(), words(&names)),
            }
        }
        Req::Update { name, update, .. } => {
            let mut s = "docker update".to_string();
            if let Some(m) = update.memory {
                s.push_str(&format!(" --memory {m}b"));
            }
            match update.memory_swap {
                Some(-1) => s.push_str(" --memory-swap -1"),
                Some(m) => s.push_str(&format!(" --memory-swap {m}b")),
                None => {}
            }
            if let Some(c) = update.nano_cpus {
                s.push_str(&format!(" --cpus {}", c as f64 / 1e9));
            }
            format!("{s} {}", shell_word(name))
        }
        Req::ExecOnce { name, cmd, .. } => {
            format!("docker exec {} {}", shell_word(name), words(cmd))
        }
        Req::Exec(ExecCmd::Open(r)) => {
            let user = r
                .user
                .as_ref()
                .map_or(String::new(), |u| format!(" -u {}", shell_word(u)));
            let name = shell_word(&r.container_name);
            match &r.kind {
                ExecKind::Shell => format!("docker exec -it{user} {name} sh"),
                ExecKind::Command(c) => format!("docker exec -it{user} {name} {}", words(c)),
                ExecKind::Attach => format!("docker attach {name}"),
            }
        }
        Req::Res(r) => res_cli(r)?,
        Req::Files(super::files::FilesReq::Download {
            name, path, dir, ..
        }) => {
            format!(
                "docker cp {} {}",
                shell_word(&format!("{name}:{path}")),
                shell_word(dir)
            )
        }
        Req::Files(super::files::FilesReq::Upload { name, src, dir, .. }) => {
            format!(
                "docker cp {} {}",
                shell_word(src),
                shell_word(&format!("{name}:{dir}"))
            )
        }
        Req::Files(super::files::FilesReq::Export { name, dest, .. }) => {
            format!("docker export -o {} {}", shell_word(dest), shell_word(name))
        }
        Req::Files(super::files::FilesReq::PutBack(f)) => {
            format!(
                "docker cp {} {}",
                shell_word(&f.local.display().to_string()),
                shell_word(&format!("{}:{}", f.name, f.path))
            )
        }
        Req::Files(_) => return None,
        Req::Rename { name, to, .. } => {
            format!("docker rename {} {}", shell_word(name), shell_word(to))
        }
        Req::Recreate(r) => recreate_cli(r),
        Req::ContainerForm { .. } => return None,
        Req::Exec(_)
        | Req::Logs(_)
        | Req::WatchStats(_)
        | Req::Inspect(_)
        | Req::Top(_)
        | Req::EventHistory
        | Req::ListEngines
        | Req::Limits(_)
        | Req::SaveFullLog { .. } => return None,
    })
}

/// `docker …` as said to the engine at `addr`: `docker -H addr …`, for each command of a
/// `&&` chain.
pub fn with_host(cli: &str, addr: &str) -> String {
    let h = format!("docker -H {} ", shell_word(addr));
    cli.split(" && ")
        .map(|part| match part.strip_prefix("docker ") {
            Some(rest) => format!("{h}{rest}"),
            None => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" && ")
}

/// Update: pull, put the old container aside, run the new one the same way, remove the old
/// one. Recreate: the same with the form's command line. Duplicate: the form's command.
fn recreate_cli(r: &super::recreate::Recreate) -> String {
    use super::recreate::{How, OLD_SUFFIX};
    r.targets
        .iter()
        .map(|t| {
            let n = shell_word(&t.name);
            let old = shell_word(&format!("{}{OLD_SUFFIX}", t.name));
            let swap = |run: String| {
                format!("docker rename {n} {old} && docker stop {old} && {run} && docker rm {old}")
            };
            match &r.how {
                How::Update => {
                    let img = shell_word(&t.image);
                    format!(
                        "docker pull {img} && {}",
                        swap(format!(
                            "docker run -d --name {n} [the options of {n}] {img}"
                        ))
                    )
                }
                How::Replace(spec) => swap(spec.docker_command()),
                How::Duplicate(spec) => spec.docker_command(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn res_cli(r: &ResCmd) -> Option<String> {
    let w = |s: &str| shell_word(s);
    Some(match r {
        ResCmd::RemoveImage { id, force } => {
            format!(
                "docker image rm{} {}",
                if *force { " -f" } else { "" },
                w(id)
            )
        }
        ResCmd::PruneImages { all } => {
            format!("docker image prune -f{}", if *all { " -a" } else { "" })
        }
        ResCmd::Pull { reference, .. } => format!("docker pull {}", w(reference)),
        ResCmd::Push { reference, .. } => format!("docker push {}", w(reference)),
        ResCmd::SaveImages { refs, dest, .. } => {
            let refs: Vec<String> = refs.iter().map(|r| w(r)).collect();
            format!("docker save -o {} {}", w(dest), refs.join(" "))
        }
        ResCmd::LoadImages { src, .. } => format!("docker load -i {}", w(src)),
        ResCmd::Build {
            dir,
            tag,
            dockerfile,
            build_args,
            ..
        } => {
            let mut s = "docker build".to_string();
            if !tag.is_empty() {
                s.push_str(&format!(" -t {}", w(tag)));
            }
            if let Some(f) = dockerfile {
                s.push_str(&format!(" -f {}", w(f)));
            }
            for (k, v) in build_args {
                s.push_str(&format!(" --build-arg {}", w(&format!("{k}={v}"))));
            }
            format!("{s} {}", w(dir))
        }
        ResCmd::Tag { id, repo, tag } => {
            format!("docker tag {} {}", w(id), w(&format!("{repo}:{tag}")))
        }
        ResCmd::Commit {
            container,
            repo,
            tag,
            author,
            message,
        } => {
            let mut s = "docker commit".to_string();
            if !author.is_empty() {
                s.push_str(&format!(" -a {}", w(author)));
            }
            if !message.is_empty() {
                s.push_str(&format!(" -m {}", w(message)));
            }
            format!("{s} {} {}", w(container), w(&format!("{repo}:{tag}")))
        }
        ResCmd::CreateVolume(name) => format!("docker volume create {}", w(name)),
        ResCmd::RemoveVolume(name) => format!("docker volume rm {}", w(name)),
        ResCmd::PruneVolumes => "docker volume prune -f".into(),
        ResCmd::CreateNetwork { name, subnet } => match subnet {
            Some(s) => format!("docker network create --subnet {} {}", w(s), w(name)),
            None => format!("docker network create {}", w(name)),
        },
        ResCmd::RemoveNetwork(id) => format!("docker network rm {}", w(id)),
        ResCmd::Connect {
            network,
            container,
            alias,
        } => match alias {
            Some(a) => format!(
                "docker network connect --alias {} {} {}",
                w(a),
                w(network),
                w(container)
            ),
            None => format!("docker network connect {} {}", w(network), w(container)),
        },
        ResCmd::Disconnect { network, container } => {
            format!("docker network disconnect {} {}", w(network), w(container))
        }
        ResCmd::PruneNetworks => "docker network prune -f".into(),
        ResCmd::SystemPrune => "docker system prune -f".into(),
        ResCmd::Run(spec) => spec.docker_command(),
        ResCmd::Deploy { spec, labels, .. } => {
            // `docker run -d` with the labels before the image.
            let run = spec.docker_command();
            let image = format!(" {}", shell_word(&spec.image));
            let extra: String = labels
                .iter()
                .map(|(k, v)| format!(" --label {}", shell_word(&format!("{k}={v}"))))
                .collect();
            let run = match run.rfind(&image) {
                Some(i) => format!("{}{extra}{}", &run[..i], &run[i..]),
                None => run,
            };
            format!("docker pull {} && {run}", shell_word(&spec.image))
        }
        ResCmd::ChangeService { name, change, .. } => match change {
            ServiceChange::Scale(n) => format!("docker service scale {}={n}", w(name)),
            ServiceChange::Force => format!("docker service update --force {}", w(name)),
            ServiceChange::Rollback => format!("docker service rollback {}", w(name)),
            ServiceChange::Env(edits) => format!(
                "docker service update{} {}",
                kv_flags("env", edits),
                w(name)
            ),
            ServiceChange::Labels(edits) => format!(
                "docker service update{} {}",
                kv_flags("label", edits),
                w(name)
            ),
            ServiceChange::Image(image) => {
                format!("docker service update --image {} {}", w(image), w(name))
            }
        },
        ResCmd::RemoveService { name, .. } => format!("docker service rm {}", w(name)),
        ResCmd::RemoveStack(name) => format!("docker stack rm {}", w(name)),
        ResCmd::ChangeNode { name, change, .. } => match change {
            NodeChange::Availability(a) => {
                format!("docker node update --availability {a} {}", w(name))
            }
            NodeChange::Role("manager") => format!("docker node promote {}", w(name)),
            NodeChange::Role(_) => format!("docker node demote {}", w(name)),
            NodeChange::Labels(edits) => {
                format!("docker node update{} {}", kv_flags("label", edits), w(name))
            }
        },
        ResCmd::RemoveNode { name, force, .. } => {
            format!(
                "docker node rm{} {}",
                if *force { " -f" } else { "" },
                w(name)
            )
        }
        ResCmd::ComposeDown {
            projects,
            service,
            volumes,
        } => {
            // What `down` removes: `docker compose -p P down [-v]` (one service: stop and rm).
            let v = if *volumes { " -v" } else { "" };
            let each: Vec<String> = projects
                .iter()
                .map(|p| match service {
                    Some(s) => format!("docker compose -p {} rm -s -f{v} {}", w(p), w(s)),
                    None => format!("docker compose -p {} down{v}", w(p)),
                })
                .collect();
            each.join(" && ")
        }
        ResCmd::Compose(run) => {
            let mut s = format!("docker compose -p {}", w(&run.project));
            for f in &run.files {
                s.push_str(&format!(" -f {}", w(f)));
            }
            for a in &run.args {
                s.push_str(&format!(" {}", w(a)));
            }
            s
        }
        ResCmd::CreateSecret { kind, name, file } => {
            format!("docker {} create {} {}", kind.noun(), w(name), w(file))
        }
        ResCmd::RemoveSecret { kind, name, .. } => {
            format!("docker {} rm {}", kind.noun(), w(name))
        }
        ResCmd::DeployStack(d) => {
            format!("docker stack deploy -c {} {}", w(&d.file), w(&d.stack))
        }
        // No docker command deletes from a registry: the registry API call itself.
        ResCmd::DeleteTag {
            registry,
            repo,
            digest,
            ..
        } => format!(
            "curl -X DELETE {}",
            w(&format!(
                "{}://{}/v2/{repo}/manifests/{digest}",
                if registry.insecure { "http" } else { "https" },
                registry.host
            ))
        ),
        ResCmd::Registries
        | ResCmd::Catalog(_)
        | ResCmd::RegistryTags { .. }
        | ResCmd::RegistryTag { .. }
        | ResCmd::CheckTags { .. } => return None,
        ResCmd::Retag {
            registry,
            repo,
            tag,
            to,
        } => format!(
            "docker buildx imagetools create --tag {} {}",
            w(&registry.reference(repo, to)),
            w(&registry.reference(repo, tag))
        ),
        ResCmd::Watch(_)
        | ResCmd::Tasks(_)
        | ResCmd::ServiceLogs(_)
        | ResCmd::InspectService { .. }
        | ResCmd::Info
        | ResCmd::HostFacts { .. }
        | ResCmd::ImageDetail(_)
        | ResCmd::VolumeSizes
        | ResCmd::CancelJob(_) => return None,
    })
}

/// `--label-add K=V --label-rm K` (or `--env-…` with `flag` "env").
pub fn kv_flags(flag: &str, edits: &[super::swarm::KvEdit]) -> String {
    edits
        .iter()
        .map(|e| match e {
            super::swarm::KvEdit::Set(k, v) => {
                format!(" --{flag}-add {}", shell_word(&format!("{k}={v}")))
            }
            super::swarm::KvEdit::Remove(k) => format!(" --{flag}-rm {}", shell_word(k)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_and_env_edits_are_cli_flags() {
        use crate::app::swarm::parse_kv_edits;
        assert_eq!(
            kv_flags(
                "label",
                &parse_kv_edits("'a=x y' -b", "label").expect("valid")
            ),
            " --label-add 'a=x y' --label-rm b"
        );
    }

    #[test]
    fn words_are_quoted_for_a_shell_when_needed() {
        assert_eq!(shell_word("api-1"), "api-1");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn recreates_and_retags_read_as_the_cli() {
        use super::super::recreate::{How, Recreate, Target};
        use super::super::registry::Registry;
        let target = |name: &str| Target {
            id: "x".into(),
            name: name.into(),
            image: "app:v1".into(),
        };
        let update = Req::Recreate(Box::new(Recreate {
            targets: vec![target("web"), target("db")],
            how: How::Update,
        }));
        assert_eq!(
            docker_cli(&update).as_deref(),
            Some(
                "docker pull app:v1 && docker rename web web-dockside-old && docker stop web-dockside-old && docker run -d --name web [the options of web] app:v1 && docker rm web-dockside-old; \
                 docker pull app:v1 && docker rename db db-dockside-old && docker stop db-dockside-old && docker run -d --name db [the options of db] app:v1 && docker rm db-dockside-old"
            )
        );
        let spec = super::super::runform::RunForm {
            image: "app:v2".into(),
            name: "web".into(),
            env: "A=1".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        let replace = Req::Recreate(Box::new(Recreate {
            targets: vec![target("web")],
            how: How::Replace(Box::new(spec.clone())),
        }));
        assert_eq!(
            docker_cli(&replace).as_deref(),
            Some(
                "docker rename web web-dockside-old && docker stop web-dockside-old && docker run -d --name web -e A=1 app:v2 && docker rm web-dockside-old"
            )
        );
        let dup = Req::Recreate(Box::new(Recreate {
            targets: vec![target("web")],
            how: How::Duplicate(Box::new(spec)),
        }));
        assert_eq!(
            docker_cli(&dup).as_deref(),
            Some("docker run -d --name web -e A=1 app:v2")
        );
        let retag = Req::Res(ResCmd::Retag {
            registry: Box::new(Registry {
                name: "lab".into(),
                host: "lab:5000".into(),
                insecure: false,
                source: "config".into(),
            }),
            repo: "team/app".into(),
            tag: "v1".into(),
            to: "stable".into(),
        });
        assert_eq!(
            docker_cli(&retag).as_deref(),
            Some(
                "docker buildx imagetools create --tag lab:5000/team/app:stable lab:5000/team/app:v1"
            )
        );
        assert!(super::super::prompts::valid_tag("v1.2_rc-3"));
        assert!(
            !super::super::prompts::valid_tag("-x") && !super::super::prompts::valid_tag("a:b")
        );
    }

    #[test]
    fn requests_read_as_the_cli() {
        let stop = Req::Container {
            id: "abc".into(),
            name: "api1".into(),
            action: ContainerAction::Stop,
        };
        assert_eq!(docker_cli(&stop).as_deref(), Some("docker stop api1"));
        let rm = Req::Container {
            id: "abc".into(),
            name: "api1".into(),
            action: ContainerAction::Remove {
                force: true,
                volumes: true,
            },
        };
        assert_eq!(docker_cli(&rm).as_deref(), Some("docker rm -f -v api1"));
        let connect = Req::Res(ResCmd::Connect {
            network: "front".into(),
            container: "web".into(),
            alias: Some("www".into()),
        });
        assert_eq!(
            docker_cli(&connect).as_deref(),
            Some("docker network connect --alias www front web")
        );
        assert_eq!(docker_cli(&Req::Inspect("abc".into())), None);
        assert_eq!(
            docker_cli(&Req::Res(ResCmd::PruneVolumes)).as_deref(),
            Some("docker volume prune -f")
        );
    }
}
