//! What a view may read and ask for while it handles an action or an engine message. A view
//! never sees the root state: it gets the shared bits it needs here, and asks the root for
//! anything beyond itself (a status line, a dialog, going to another view).

use crate::app::action::Handled;
use crate::app::msg::{Cmd, Req, ResCmd};
use crate::app::overlay::{Overlay, PromptKind, StatusKind};

use super::View;

/// Where the root should take the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goto {
    /// The containers view, this container selected.
    Container(String),
    /// The containers view, this container selected and a shell opened in it.
    Shell(String),
    /// Another view, the row of this key (image id or tag, volume name, network id) selected.
    Item(View, String),
    /// The logs pane of the containers view, showing these containers interleaved.
    Logs(crate::app::logs::LogGroup),
    /// Something about the engines shown (the hosts view).
    Fleet(crate::app::engines::FleetOp),
}

pub struct Cx<'a> {
    /// The list filter's text.
    pub filter: &'a str,
    /// Rows of a list on screen.
    pub page: usize,
    /// Unix seconds.
    pub now: i64,
    /// Requests for the engine and the runtime.
    pub out: &'a mut Vec<Cmd>,
    /// The engine's address as shown (`unix:///var/run/docker.sock (DOCKER_HOST)`); empty
    /// when not given (engine answers).
    pub engine: &'a str,
    /// The primary engine (the one the compose CLI and the resource views reach).
    pub primary: crate::app::model::EngineId,
    /// The engines marked in the hosts view (connected ones, with their names): a pull from
    /// the registries view goes to each of them.
    pub marked_hosts: Vec<(crate::app::model::EngineId, String)>,
    /// Asked of the root, carried out when the view returns.
    pub status: Option<(StatusKind, String)>,
    pub overlay: Option<Overlay>,
    pub goto: Option<Goto>,
}

impl<'a> Cx<'a> {
    pub fn new(filter: &'a str, page: usize, now: i64, out: &'a mut Vec<Cmd>) -> Cx<'a> {
        Cx {
            filter,
            page,
            now,
            out,
            engine: "",
            primary: Default::default(),
            marked_hosts: Vec::new(),
            status: None,
            overlay: None,
            goto: None,
        }
    }

    pub fn send(&mut self, cmd: ResCmd) {
        self.out.push(Cmd::Engine(Req::Res(cmd)));
    }

    /// A row of a merged list from another engine than the primary, for an action that only
    /// reaches the primary: says so (true) rather than act on the wrong engine.
    pub fn elsewhere(&mut self, host: Option<crate::app::model::EngineId>, what: &str) -> bool {
        if host.is_none_or(|h| h == self.primary) {
            return false;
        }
        self.status(
            StatusKind::Error,
            format!(
                "{what} acts on the primary engine, and this row is on another: focus its engine in the hosts view (*) first"
            ),
        );
        true
    }

    /// [`Cx::send`] to the engine a row of a merged list came from (`None`: the router picks).
    pub fn send_on(&mut self, host: Option<crate::app::model::EngineId>, cmd: ResCmd) {
        self.out.push(Cmd::Engine(on(host, Req::Res(cmd))));
    }

    /// [`Cx::ask`], the answer going to the engine a row of a merged list came from.
    pub fn ask_on(
        &mut self,
        host: Option<crate::app::model::EngineId>,
        question: String,
        yes: ResCmd,
        force: Option<ResCmd>,
    ) -> Handled {
        self.overlay = Some(Overlay::Ask {
            question,
            yes: on(host, Req::Res(yes)),
            force: force.map(|f| on(host, Req::Res(f))),
        });
        Handled::Redraw
    }

    pub fn status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some((kind, text.into()));
    }

    /// Open a one-line prompt.
    pub fn prompt(&mut self, kind: PromptKind, text: String) -> Handled {
        self.overlay = Some(Overlay::Prompt { kind, text });
        Handled::Redraw
    }

    /// Ask a yes/no question: `y` sends `yes`, `f` sends `force` when offered.
    pub fn ask(&mut self, question: String, yes: ResCmd, force: Option<ResCmd>) -> Handled {
        self.overlay = Some(Overlay::Ask {
            question,
            yes: Req::Res(yes),
            force: force.map(Req::Res),
        });
        Handled::Redraw
    }
}

/// `req` addressed to `host` when given.
fn on(host: Option<crate::app::model::EngineId>, req: Req) -> Req {
    match host {
        Some(h) => Req::On(h, Box::new(req)),
        None => req,
    }
}
