//! The containers list grouped by compose project (`group_projects`): a row per project (per
//! engine) above its containers, containers without a project after the groups. A group row
//! is a key in [`super::state::State::rows`] that no container id can be (`project:0:shop`);
//! a folded group lists no container. Pure.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Container, EngineId};
use crate::views::list::natural_cmp;

const PREFIX: &str = "project:";

/// The row key of project `project` of engine `host`.
pub fn key(host: EngineId, project: &str) -> String {
    format!("{PREFIX}{}:{project}", host.0)
}

/// The engine and project of a group row key; None for a container id.
pub fn parse(key: &str) -> Option<(EngineId, &str)> {
    let rest = key.strip_prefix(PREFIX)?;
    let (host, project) = rest.split_once(':')?;
    Some((EngineId(host.parse().ok()?), project))
}

pub fn is_group(key: &str) -> bool {
    parse(key).is_some()
}

/// The group row a container is listed under.
pub fn key_of(c: &Container) -> Option<String> {
    c.project.as_deref().map(|p| key(c.host, p))
}

/// Every container of group `key` among `containers`, by name.
pub fn members<'a>(
    key: &str,
    containers: impl Iterator<Item = &'a Container>,
) -> Vec<&'a Container> {
    let Some((host, project)) = parse(key) else {
        return Vec::new();
    };
    let mut v: Vec<&Container> = containers
        .filter(|c| c.host == host && c.project.as_deref() == Some(project))
        .collect();
    v.sort_by(|a, b| natural_cmp(&a.name, &b.name).then_with(|| a.id.cmp(&b.id)));
    v
}

/// The grouped rows. `ranked`: the containers the filter keeps, in the list's order;
/// `listed`: every container the list may show (running only, host words, focus), for a
/// filter that names a project, which keeps its whole group. Groups by project name (then
/// engine), their containers in the list's order; a folded group's are left out.
pub fn rows<'a>(
    ranked: &[&'a Container],
    listed: impl Iterator<Item = &'a Container>,
    filter: &str,
    collapsed: &BTreeSet<String>,
) -> Vec<String> {
    let mut groups: BTreeMap<(String, EngineId), Vec<&Container>> = BTreeMap::new();
    let mut loose: Vec<&Container> = Vec::new();
    for c in ranked {
        match &c.project {
            Some(p) => groups.entry((p.clone(), c.host)).or_default().push(c),
            None => loose.push(c),
        }
    }
    let words = filter.trim().to_lowercase();
    if !words.is_empty() {
        let mut extra: Vec<&Container> = listed
            .filter(|c| {
                c.project
                    .as_deref()
                    .is_some_and(|p| p.to_lowercase().contains(&words))
            })
            .collect();
        extra.sort_by(|a, b| natural_cmp(&a.name, &b.name).then_with(|| a.id.cmp(&b.id)));
        for c in extra {
            if let Some(p) = &c.project {
                let g = groups.entry((p.clone(), c.host)).or_default();
                if !g.iter().any(|x| x.id == c.id) {
                    g.push(c);
                }
            }
        }
    }
    let mut order: Vec<(&(String, EngineId), &Vec<&Container>)> = groups.iter().collect();
    order.sort_by(|(a, _), (b, _)| natural_cmp(&a.0, &b.0).then_with(|| a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for ((project, host), cs) in order {
        let k = key(*host, project);
        let folded = collapsed.contains(&k);
        out.push(k);
        if !folded {
            out.extend(cs.iter().map(|c| c.id.clone()));
        }
    }
    out.extend(loose.iter().map(|c| c.id.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::fleet;

    #[test]
    fn keys_are_never_container_ids() {
        let k = key(EngineId(2), "shop");
        assert_eq!(parse(&k), Some((EngineId(2), "shop")));
        for c in fleet() {
            assert!(!is_group(&c.id));
        }
        // A project name with a colon stays whole.
        assert_eq!(parse(&key(EngineId(0), "a:b")), Some((EngineId(0), "a:b")));
    }

    #[test]
    fn groups_first_then_the_rest_and_a_folded_group_hides_its_containers() {
        let cs = fleet();
        let ranked: Vec<&Container> = cs.iter().collect();
        let none = BTreeSet::new();
        let r = rows(&ranked, cs.iter(), "", &none);
        let shop = key(EngineId(0), "shop");
        assert_eq!(r[0], shop);
        assert_eq!(r.len(), cs.len() + 1);
        assert!(parse(&r[1]).is_none() && parse(&r[2]).is_none());
        let folded: BTreeSet<String> = [shop.clone()].into();
        let r = rows(&ranked, cs.iter(), "", &folded);
        assert_eq!(r.len(), cs.len() + 1 - 2);
        assert_eq!(r[0], shop);
    }
}
