//! The Swarm secrets and configs view: two tabs (`t` switches), each listing name, labels,
//! created and updated, never a secret's value; create one from a file (prompt), remove one
//! (asks). Kept fresh from the engine's `secret` and `config` events. On a worker or a plain
//! engine, one line says so.

mod draw;

use crate::app::action::{Action, Handled};
use crate::app::keymap::Context;
use crate::app::msg::{Kind, ResCmd};
use crate::app::overlay::PromptKind;
use crate::app::swarm::{SecretKind, SwarmObject};

use super::list::{ListView, natural_cmp};
use super::{Cx, Shape};

/// What the engine said of one kind: the list, or why not (None until asked and answered).
#[derive(Default)]
pub struct Listing {
    pub items: Option<Vec<SwarmObject>>,
    pub error: Option<String>,
}

#[derive(Default)]
pub struct SecretsView {
    /// The tab shown.
    pub tab: SecretKind,
    pub secrets: Listing,
    pub configs: Listing,
    /// The rows of the tab shown.
    pub list: ListView,
}

fn watch_kind(kind: SecretKind) -> Kind {
    match kind {
        SecretKind::Secret => Kind::Secrets,
        SecretKind::Config => Kind::Configs,
    }
}

impl SecretsView {
    pub fn listing(&self, kind: SecretKind) -> &Listing {
        match kind {
            SecretKind::Secret => &self.secrets,
            SecretKind::Config => &self.configs,
        }
    }

    fn listing_mut(&mut self, kind: SecretKind) -> &mut Listing {
        match kind {
            SecretKind::Secret => &mut self.secrets,
            SecretKind::Config => &mut self.configs,
        }
    }

    pub fn selected(&self) -> Option<&SwarmObject> {
        let all = self.listing(self.tab).items.as_ref()?;
        self.list.selected().and_then(|i| all.get(i))
    }

    pub fn on_list(
        &mut self,
        kind: SecretKind,
        r: Result<Vec<SwarmObject>, String>,
        cx: &mut Cx,
    ) -> Handled {
        let l = self.listing_mut(kind);
        match r {
            Ok(items) => {
                l.items = Some(items);
                l.error = None;
            }
            Err(e) => {
                l.items = None;
                l.error = Some(e);
            }
        }
        if kind != self.tab {
            return Handled::Quiet;
        }
        if self.listing(kind).items.is_none() {
            self.list = ListView::default();
        }
        self.refilter(cx.filter, cx.page);
        Handled::Redraw
    }
}

impl Shape for SecretsView {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Secrets, Context::List, Context::Global]
    }

    fn enter(&mut self, cx: &mut Cx) {
        let loaded = self.listing(self.tab).items.is_some();
        super::watch_once(loaded, watch_kind(self.tab), cx);
    }

    fn reconnected(&mut self, shown: bool, cx: &mut Cx) {
        for kind in [SecretKind::Secret, SecretKind::Config] {
            let l = self.listing_mut(kind);
            let had = l.items.take().is_some() | l.error.take().is_some();
            if had || (shown && kind == self.tab) {
                cx.send(ResCmd::Watch(watch_kind(kind)));
            }
        }
        self.list = ListView::default();
    }

    fn list(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn refilter(&mut self, filter: &str, page: usize) {
        let items = match self.tab {
            SecretKind::Secret => &self.secrets.items,
            SecretKind::Config => &self.configs.items,
        };
        if let Some(all) = items {
            self.list.refilter(
                all,
                filter,
                page,
                |x, h| {
                    h.push_str(&x.name);
                    h.push(' ');
                    h.push_str(x.short_id());
                    h.push(' ');
                    h.push_str(&x.labels_text());
                },
                |a, b| natural_cmp(&a.name, &b.name),
                |x| x.id.clone(),
            );
        }
    }

    fn select(&mut self, key: &str, page: usize) -> bool {
        let items = match self.tab {
            SecretKind::Secret => &self.secrets.items,
            SecretKind::Config => &self.configs.items,
        };
        let Some(all) = items else {
            return false;
        };
        self.list.select_where(page, |i| {
            all.get(i).is_some_and(|x| x.id == key || x.name == key)
        })
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) -> Handled {
        match action {
            Action::NextTab => {
                self.tab = self.tab.other();
                self.list = ListView::default();
                self.enter(cx);
                self.refilter(cx.filter, cx.page);
                Handled::Redraw
            }
            Action::Create => cx.prompt(PromptKind::CreateSecret(self.tab), String::new()),
            Action::Remove => {
                let Some((id, name)) = self.selected().map(|x| (x.id.clone(), x.name.clone()))
                else {
                    return Handled::Quiet;
                };
                let kind = self.tab;
                cx.ask(
                    format!(
                        "Remove {} {name}? Services using it keep theirs until updated. (y/n)",
                        kind.noun()
                    ),
                    ResCmd::RemoveSecret { kind, id, name },
                    None,
                )
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
    use super::*;
    use crate::app::msg::{Cmd, Req};
    use crate::app::overlay::Overlay;

    fn obj(id: &str, name: &str) -> SwarmObject {
        SwarmObject {
            id: id.into(),
            name: name.into(),
            ..SwarmObject::default()
        }
    }

    #[test]
    fn two_tabs_each_listed_when_first_shown() {
        let mut v = SecretsView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        v.enter(&mut cx);
        v.on_list(
            SecretKind::Secret,
            Ok(vec![obj("2", "db_pass"), obj("1", "api_key")]),
            &mut cx,
        );
        assert_eq!(v.selected().map(|x| x.name.as_str()), Some("api_key"));
        v.on_action(Action::NextTab, &mut cx);
        assert_eq!(v.tab, SecretKind::Config);
        assert!(v.selected().is_none(), "configs not listed yet");
        v.on_list(
            SecretKind::Config,
            Ok(vec![obj("3", "nginx.conf")]),
            &mut cx,
        );
        assert_eq!(v.selected().map(|x| x.name.as_str()), Some("nginx.conf"));
        assert_eq!(
            out,
            [
                Cmd::Engine(Req::Res(ResCmd::Watch(Kind::Secrets))),
                Cmd::Engine(Req::Res(ResCmd::Watch(Kind::Configs))),
            ]
        );
    }

    #[test]
    fn remove_asks_first_and_create_asks_name_and_file() {
        let mut v = SecretsView::default();
        let mut out = Vec::new();
        let mut cx = Cx::new("", 10, 0, &mut out);
        assert_eq!(v.on_action(Action::Remove, &mut cx), Handled::Quiet);
        v.on_list(SecretKind::Secret, Ok(vec![obj("1", "api_key")]), &mut cx);
        v.on_action(Action::Remove, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Ask { yes: Req::Res(ResCmd::RemoveSecret { kind: SecretKind::Secret, name, .. }), .. })
                if name == "api_key"
        ));
        v.on_action(Action::Create, &mut cx);
        assert!(matches!(
            &cx.overlay,
            Some(Overlay::Prompt {
                kind: PromptKind::CreateSecret(SecretKind::Secret),
                ..
            })
        ));
    }
}
