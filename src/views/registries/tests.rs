use super::*;
use crate::app::msg::Cmd;

fn reg(name: &str, host: &str) -> Registry {
    Registry {
        name: name.into(),
        host: host.into(),
        insecure: false,
        source: "config".into(),
    }
}

fn sent(out: &[Cmd]) -> Vec<String> {
    out.iter().map(|c| format!("{c:?}")).collect()
}

/// A view opened on `lab`, repository `team/web`, its tags and what two of them hold.
pub fn sample() -> RegistriesView {
    let mut v = RegistriesView::default();
    v.configure(&[RegistryConfig {
        name: "lab".into(),
        url: "https://lab:5443".into(),
        insecure: false,
    }]);
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    v.on_msg(
        ResMsg::Registries(Ok(vec![reg("127.0.0.1:5000", "127.0.0.1:5000")])),
        &mut cx,
    );
    assert!(v.select("lab", 10));
    v.on_action(Action::Open, &mut cx);
    v.on_msg(
        ResMsg::Catalog {
            host: "lab:5443".into(),
            result: Ok(vec!["team/api".into(), "team/web".into()]),
        },
        &mut cx,
    );
    v.list.go(1, 10);
    v.on_action(Action::Open, &mut cx);
    v.on_msg(
        ResMsg::RegistryTags {
            host: "lab:5443".into(),
            repo: "team/web".into(),
            result: Ok(vec!["1.10".into(), "1.9".into(), "latest".into()]),
        },
        &mut cx,
    );
    let info = |d: &str, layers: &[(&str, u64)]| TagInfo {
        digest: format!("sha256:{d}"),
        media_type: "application/vnd.oci.image.manifest.v1+json".into(),
        size: layers.iter().map(|l| l.1).sum(),
        created: Some("2024-05-01T10:20:30.5Z".into()),
        platforms: vec!["linux/amd64".into()],
        labels: vec![("org.opencontainers.image.version".into(), "1.9".into())],
        layers: layers
            .iter()
            .map(|(d, s)| crate::app::registry::Layer {
                digest: format!("sha256:{d}"),
                size: *s,
            })
            .collect(),
    };
    for (tag, i) in [
        (
            "1.9",
            info(
                "1111111111111111aaaa",
                &[("base", 3_000_000), ("app19", 1_000)],
            ),
        ),
        (
            "1.10",
            info(
                "2222222222222222bbbb",
                &[("base", 3_000_000), ("app110", 2_000)],
            ),
        ),
    ] {
        v.on_msg(
            ResMsg::RegistryTag {
                host: "lab:5443".into(),
                repo: "team/web".into(),
                tag: tag.into(),
                result: Ok(Box::new(i)),
            },
            &mut cx,
        );
    }
    v
}

#[test]
fn registries_come_from_the_config_then_config_json() {
    let v = sample();
    let hosts: Vec<&str> = v.registries.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["lab:5443", "127.0.0.1:5000"]);
}

#[test]
fn open_walks_registry_repository_tag_and_asks_each_once() {
    let mut v = RegistriesView::default();
    v.configure(&[RegistryConfig {
        name: "lab".into(),
        url: "lab:5443".into(),
        insecure: true,
    }]);
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    v.enter(&mut cx);
    v.refilter("", 10);
    v.on_action(Action::Open, &mut cx);
    assert_eq!(v.level, Level::Repos);
    v.on_msg(
        ResMsg::Catalog {
            host: "lab:5443".into(),
            result: Ok(vec!["a".into()]),
        },
        &mut cx,
    );
    // An answer for another registry is not this one's.
    v.on_msg(
        ResMsg::Catalog {
            host: "other:1".into(),
            result: Ok(vec!["zzz".into()]),
        },
        &mut cx,
    );
    assert_eq!(v.names(), ["a"]);
    v.on_action(Action::Open, &mut cx);
    v.on_msg(
        ResMsg::RegistryTags {
            host: "lab:5443".into(),
            repo: "a".into(),
            result: Ok(vec!["t1".into(), "t2".into()]),
        },
        &mut cx,
    );
    let s = sent(&out);
    assert!(s[0].contains("Registries"), "{s:?}");
    assert!(s[1].contains("Catalog"), "{s:?}");
    assert!(s[2].contains("RegistryTags"), "{s:?}");
    assert_eq!(
        s.iter().filter(|c| c.contains("RegistryTag {")).count(),
        2,
        "{s:?}"
    );
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    v.on_action(Action::Close, &mut cx);
    assert_eq!(v.level, Level::Repos);
    assert_eq!(v.names(), ["a"]);
    v.on_action(Action::Close, &mut cx);
    assert_eq!(v.level, Level::Registries);
}

#[test]
fn a_failure_is_the_one_line_shown() {
    let mut v = sample();
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    v.on_action(Action::Close, &mut cx);
    v.on_action(Action::Refresh, &mut cx);
    v.on_msg(
        ResMsg::Catalog {
            host: "lab:5443".into(),
            result: Err("lab:5443: bad credentials (the registry refused them)".into()),
        },
        &mut cx,
    );
    assert_eq!(
        v.error(),
        Some("lab:5443: bad credentials (the registry refused them)")
    );
}

#[test]
fn pull_delete_and_compare_a_tag() {
    let mut v = sample();
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    // Natural order: 1.9 before 1.10.
    assert_eq!(v.selected().as_deref(), Some("1.9"));
    v.on_action(Action::Pull, &mut cx);
    let pull = cx.out.pop();
    assert!(
        matches!(&pull, Some(Cmd::Engine(crate::app::msg::Req::Res(ResCmd::Pull { job, reference })))
            if *job > FIRST_JOB && reference == "lab:5443/team/web:1.9"),
        "{pull:?}"
    );
    // Delete asks first, naming the digest.
    v.on_action(Action::Remove, &mut cx);
    match &cx.overlay {
        Some(crate::app::overlay::Overlay::Ask { question, yes, .. }) => {
            assert!(
                question.contains("team/web:1.9") && question.contains("sha256:111111111111"),
                "{question}"
            );
            assert!(
                matches!(yes, crate::app::msg::Req::Res(ResCmd::DeleteTag { digest, .. }) if digest == "sha256:1111111111111111aaaa")
            );
        }
        o => panic!("no question: {o:?}"),
    }
    assert!(cx.out.is_empty(), "nothing deleted before the answer");
    v.on_action(Action::Mark, &mut cx);
    v.list.go(1, 10);
    v.on_action(Action::Compare, &mut cx);
    let lines = v.compared.clone().unwrap_or_default();
    assert!(lines.iter().any(|l| l.contains("(1 shared)")), "{lines:?}");
    v.on_msg(
        ResMsg::TagDeleted {
            host: "lab:5443".into(),
            repo: "team/web".into(),
            tag: "1.9".into(),
            result: Ok(()),
        },
        &mut cx,
    );
    assert_eq!(v.names(), ["1.10", "latest"]);
}

#[test]
fn pull_goes_onto_every_engine_marked_in_the_hosts_view() {
    use crate::app::model::EngineId;
    use crate::app::msg::Req;
    let mut v = sample();
    let mut out = Vec::new();
    let mut cx = Cx::new("", 10, 0, &mut out);
    cx.marked_hosts = vec![(EngineId(1), "prod1".into()), (EngineId(2), "prod2".into())];
    v.on_action(Action::Pull, &mut cx);
    let said = cx.status.clone().map(|(_, t)| t).unwrap_or_default();
    assert_eq!(said, "pulling lab:5443/team/web:1.9 onto prod1, prod2…");
    let pulls: Vec<(EngineId, u64)> = cx
        .out
        .iter()
        .filter_map(|c| match c {
            Cmd::Engine(Req::On(h, r)) => match r.as_ref() {
                Req::Res(ResCmd::Pull { job, reference })
                    if reference == "lab:5443/team/web:1.9" =>
                {
                    Some((*h, *job))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(pulls.len(), 2, "{:?}", cx.out);
    assert_eq!((pulls[0].0, pulls[1].0), (EngineId(1), EngineId(2)));
    assert_ne!(pulls[0].1, pulls[1].1, "one job per engine");
    // Each engine's outcome is told apart.
    v.on_job(pulls[1].1, Progress::Error("denied".into()), &mut cx);
    let said = cx.status.clone().map(|(_, t)| t).unwrap_or_default();
    assert_eq!(said, "pull lab:5443/team/web:1.9 onto prod2: denied");
}
