//! The images, volumes and networks lists of several engines, merged: each engine's last
//! answer is kept here, and the views get one list whose rows say which engine they are on.
//! With one engine the answer goes through untouched.

use std::collections::BTreeMap;

use super::model::EngineId;
use super::msg::{Kind, ResMsg};

/// Each engine's last answer, per kind of list.
#[derive(Debug, Clone, Default)]
pub struct MergedLists {
    images: BTreeMap<EngineId, Result<Vec<super::images::Image>, String>>,
    volumes: BTreeMap<EngineId, Result<Vec<super::resources::Volume>, String>>,
    networks: BTreeMap<EngineId, Result<Vec<super::resources::Network>, String>>,
    /// Merged lists to hand to the views after the current message.
    ready: Vec<ResMsg>,
}

/// Every engine's rows of `lists` that are in `shown` (in that order), each stamped with its
/// engine. An error only when no shown engine has a list: the first error, named.
fn merge<T: Clone>(
    lists: &BTreeMap<EngineId, Result<Vec<T>, String>>,
    shown: &[(EngineId, String)],
    stamp: impl Fn(&mut T, EngineId),
) -> Option<Result<Vec<T>, String>> {
    let mut rows = Vec::new();
    let mut any_ok = false;
    let mut error = None;
    for (id, name) in shown {
        match lists.get(id) {
            Some(Ok(list)) => {
                any_ok = true;
                rows.extend(list.iter().cloned().map(|mut t| {
                    stamp(&mut t, *id);
                    t
                }));
            }
            Some(Err(e)) => {
                error.get_or_insert_with(|| format!("{name}: {e}"));
            }
            None => {}
        }
    }
    match (any_ok, error) {
        (false, Some(e)) => Some(Err(e)),
        (false, None) => None,
        _ => Some(Ok(rows)),
    }
}

impl MergedLists {
    /// Keep `from`'s answer; what the views get: the merge over the `shown` engines (id and
    /// name) when there are several, else the answer itself. None for other messages.
    pub fn put(
        &mut self,
        from: EngineId,
        msg: ResMsg,
        shown: &[(EngineId, String)],
    ) -> Option<ResMsg> {
        let several = shown.len() > 1;
        let kind = match msg {
            ResMsg::Images(r) => {
                self.images.insert(from, r);
                Kind::Images
            }
            ResMsg::Volumes(r) => {
                self.volumes.insert(from, r);
                Kind::Volumes
            }
            ResMsg::Networks(r) => {
                self.networks.insert(from, r);
                Kind::Networks
            }
            _ => return None,
        };
        if !several {
            // One engine: its answer as it came (rows without a host).
            return match kind {
                Kind::Images => self.images.get(&from).cloned().map(ResMsg::Images),
                Kind::Volumes => self.volumes.get(&from).cloned().map(ResMsg::Volumes),
                _ => self.networks.get(&from).cloned().map(ResMsg::Networks),
            };
        }
        self.merged(kind, shown)
    }

    /// The merged list of `kind` over `shown` (None when nobody answered yet).
    pub fn merged(&self, kind: Kind, shown: &[(EngineId, String)]) -> Option<ResMsg> {
        match kind {
            Kind::Images => merge(&self.images, shown, |t, h| t.host = Some(h)).map(ResMsg::Images),
            Kind::Volumes => {
                merge(&self.volumes, shown, |t, h| t.host = Some(h)).map(ResMsg::Volumes)
            }
            Kind::Networks => {
                merge(&self.networks, shown, |t, h| t.host = Some(h)).map(ResMsg::Networks)
            }
            _ => None,
        }
    }

    /// A merged list for the views, after the current message.
    pub fn ready(&mut self, msg: ResMsg) {
        self.ready.push(msg);
    }

    /// What [`MergedLists::ready`] kept.
    pub fn take_ready(&mut self) -> Vec<ResMsg> {
        std::mem::take(&mut self.ready)
    }

    /// The kinds listed so far (asked again of an engine that connects).
    pub fn kinds(&self) -> Vec<Kind> {
        let mut k = Vec::new();
        if !self.images.is_empty() {
            k.push(Kind::Images);
        }
        if !self.volumes.is_empty() {
            k.push(Kind::Volumes);
        }
        if !self.networks.is_empty() {
            k.push(Kind::Networks);
        }
        k
    }

    /// An engine's answers go (disconnected, or out of focus).
    pub fn forget(&mut self, id: EngineId) {
        self.images.remove(&id);
        self.volumes.remove(&id);
        self.networks.remove(&id);
    }

    /// Keep only these engines' answers.
    pub fn retain(&mut self, keep: &[EngineId]) {
        self.images.retain(|k, _| keep.contains(k));
        self.volumes.retain(|k, _| keep.contains(k));
        self.networks.retain(|k, _| keep.contains(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::images::Image;

    fn img(id: &str) -> Image {
        Image {
            host: None,
            id: id.into(),
            tags: vec![format!("{id}:latest")],
            ..Default::default()
        }
    }

    fn ids(m: Option<ResMsg>) -> Result<Vec<(String, Option<EngineId>)>, String> {
        match m {
            Some(ResMsg::Images(r)) => r.map(|l| l.into_iter().map(|i| (i.id, i.host)).collect()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn several_engines_merge_with_their_host_and_one_passes_through() {
        let (a, b) = (EngineId(0), EngineId(1));
        let both = [(a, "a".to_string()), (b, "b".to_string())];
        let mut m = MergedLists::default();
        // One engine: untouched.
        let one = m.put(a, ResMsg::Images(Ok(vec![img("x")])), &both[..1]);
        assert_eq!(ids(one), Ok(vec![("x".into(), None)]));
        // Two: b's rows join a's, each with its engine; a new answer of a replaces a's.
        let two = m.put(b, ResMsg::Images(Ok(vec![img("x"), img("y")])), &both);
        assert_eq!(
            ids(two),
            Ok(vec![
                ("x".into(), Some(a)),
                ("x".into(), Some(b)),
                ("y".into(), Some(b))
            ])
        );
        let again = m.put(a, ResMsg::Images(Ok(vec![])), &both);
        assert_eq!(
            ids(again),
            Ok(vec![("x".into(), Some(b)), ("y".into(), Some(b))])
        );
        // An engine that fails does not hide the others; all failing names the first.
        let failed = m.put(a, ResMsg::Images(Err("refused".into())), &both);
        assert_eq!(ids(failed).map(|v| v.len()), Ok(2));
        m.put(b, ResMsg::Images(Err("timeout".into())), &both);
        assert_eq!(ids(m.merged(Kind::Images, &both)), Err("a: refused".into()));
        assert_eq!(m.kinds(), vec![Kind::Images]);
        m.forget(a);
        m.forget(b);
        assert!(m.kinds().is_empty());
    }
}
