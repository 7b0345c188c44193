//! The one app state, and what can be derived from it.

use std::collections::{BTreeSet, HashMap};

use super::exec::Sessions;
use super::keymap::Keymap;
use super::layout::{self, Areas};
use super::logs::LogsView;
use super::model::{CState, Container};
use super::msg::{ConnStatus, ContainerAction};
use super::stats::StatsHistory;

pub use super::overlay::{Confirm, Input, Overlay, PromptKind, StatusKind, StatusMsg};
pub use super::palette::ColorLevel;

/// Samples kept per container for the charts (one a second: five minutes).
pub const STATS_HISTORY: usize = 300;

/// Status messages kept for the messages overlay.
pub const STATUS_LOG: usize = 200;

/// The containers of every engine shown, by id. Each is boxed: the table holds pointers, so
/// a thousand containers make a 64 KB table rather than one of 600 KB, memory written for
/// the first time before the first frame (a few microseconds a page).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Containers(HashMap<String, Box<Container>>);

impl Containers {
    pub fn get(&self, id: &str) -> Option<&Container> {
        self.0.get(id).map(|c| &**c)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Container> {
        self.0.get_mut(id).map(|c| &mut **c)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> impl Iterator<Item = &Container> + Clone {
        self.0.values().map(|c| &**c)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Container> {
        self.0.values_mut().map(|c| &mut **c)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> + Clone {
        self.0.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Container)> + Clone {
        self.0.iter().map(|(id, c)| (id, &**c))
    }

    /// Add or replace one, under its id.
    pub fn insert(&mut self, c: Box<Container>) -> Option<Box<Container>> {
        self.0.insert(c.id.clone(), c)
    }

    pub fn remove(&mut self, id: &str) -> Option<Box<Container>> {
        self.0.remove(id)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Container) -> bool) {
        self.0.retain(|_, c| keep(c));
    }
}

impl Extend<Box<Container>> for Containers {
    fn extend<I: IntoIterator<Item = Box<Container>>>(&mut self, list: I) {
        let list = list.into_iter();
        self.0.reserve(list.size_hint().0);
        for c in list {
            self.insert(c);
        }
    }
}

impl FromIterator<Container> for Containers {
    fn from_iter<I: IntoIterator<Item = Container>>(list: I) -> Self {
        let mut map = Containers::default();
        map.extend(list.into_iter().map(Box::new));
        map
    }
}

impl std::ops::Index<&str> for Containers {
    type Output = Container;
    fn index(&self, id: &str) -> &Container {
        match self.get(id) {
            Some(c) => c,
            None => panic!("no container {id}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Logs,
    Stats,
    Inspect,
    Top,
    Shells,
    Files,
}

impl DetailTab {
    pub const ALL: [DetailTab; 6] = [
        DetailTab::Logs,
        DetailTab::Stats,
        DetailTab::Inspect,
        DetailTab::Top,
        DetailTab::Shells,
        DetailTab::Files,
    ];
    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Logs => "Logs",
            DetailTab::Stats => "Stats",
            DetailTab::Inspect => "Inspect",
            DetailTab::Top => "Processes",
            DetailTab::Shells => "Shells",
            DetailTab::Files => "Files",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Running first, then by name.
    State,
    Name,
    Image,
    Created,
    Cpu,
    Mem,
    Id,
    /// Compose project and service (containers of none last).
    Project,
    /// The lowest published port (containers publishing none last).
    Ports,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::State,
        SortKey::Name,
        SortKey::Image,
        SortKey::Created,
        SortKey::Cpu,
        SortKey::Mem,
        SortKey::Id,
        SortKey::Project,
        SortKey::Ports,
    ];
    pub fn label(self) -> &'static str {
        match self {
            SortKey::State => "STATE",
            SortKey::Name => "NAME",
            SortKey::Image => "IMAGE",
            SortKey::Created => "CREATED",
            SortKey::Cpu => "CPU",
            SortKey::Mem => "MEM",
            SortKey::Id => "ID",
            SortKey::Project => "PROJECT",
            SortKey::Ports => "PORTS",
        }
    }
}

/// Container actions under way: for each container, what the latest one is
/// doing ("Stopping") and how many are still unanswered. An answer to an
/// earlier action (start) does not end a later one (restart) sent before it.
#[derive(Debug, Default, Clone)]
pub struct Pending(HashMap<String, (&'static str, u32)>);

impl Pending {
    pub fn begin(&mut self, id: &str, what: &'static str) {
        let e = self.0.entry(id.to_string()).or_insert((what, 0));
        e.0 = what;
        e.1 += 1;
    }

    /// One action on `id` was answered.
    pub fn finish(&mut self, id: &str) {
        if let Some(e) = self.0.get_mut(id) {
            e.1 = e.1.saturating_sub(1);
            if e.1 == 0 {
                self.0.remove(id);
            }
        }
    }

    /// The container is gone: nothing of it is pending any more.
    pub fn forget(&mut self, id: &str) {
        self.0.remove(id);
    }

    pub fn get(&self, id: &str) -> Option<&'static str> {
        self.0.get(id).map(|e| e.0)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.0.retain(|id, _| keep(id));
    }
}

pub struct State {
    pub conn: ConnStatus,
    pub containers: Containers,
    /// Ids in display order: filtered and sorted. Recomputed when an input of it changes.
    pub rows: Vec<String>,
    pub selected: Option<String>,
    /// First visible row of the list.
    pub offset: usize,
    pub marked: BTreeSet<String>,
    pub show_all: bool,
    /// Live CPU/MEM for the rows on screen (`c` toggles). Off: stats are sampled only
    /// for the selected container while its stats tab is shown, so an idle screen
    /// makes no engine calls at all.
    pub live_stats: bool,
    pub sort: SortKey,
    pub sort_desc: bool,
    /// The list grouped by compose project: a row per project above its containers
    /// ([`super::groups`]).
    pub group_projects: bool,
    /// Group rows folded: their containers are not listed.
    pub collapsed: BTreeSet<String>,
    pub filter: Input,
    pub overlay: Overlay,
    pub status: Option<StatusMsg>,
    /// The status messages shown, oldest first, at most [`STATUS_LOG`] (`m` shows them).
    pub status_log: std::collections::VecDeque<StatusMsg>,
    /// Commands run from the palette, oldest first (bounded).
    pub palette_history: Vec<String>,
    /// Actions under way per container.
    pub pending: Pending,
    /// Each engine's images, volumes and networks lists, for the merged views.
    pub lists: super::merged::MergedLists,
    /// What the actions of the batch under way finished (`stop web`), for one status line
    /// once all are done.
    pub done_batch: Vec<String>,
    pub focus: Focus,
    pub tab: DetailTab,
    pub logs: LogsView,
    pub stats: HashMap<String, StatsHistory>,
    pub inspect: Option<(String, String)>,
    pub inspect_scroll: usize,
    /// The inspect tab's search (lower case), and the search being typed.
    pub inspect_search: Option<String>,
    pub inspect_input: Option<String>,
    /// The inspect JSON as the engine gave it (`inspect` holds the text shown from it), and
    /// how it is shown: the raw JSON alone, secret values revealed.
    pub inspect_json: String,
    pub inspect_raw: bool,
    pub inspect_reveal: bool,
    /// Lines the help overlay is scrolled by (when it does not fit).
    pub help_scroll: usize,
    /// The processes tab (`docker top`).
    pub top: super::top::TopView,
    /// The files tab.
    pub files: super::files::FilesView,
    pub view: crate::views::View,
    pub views: crate::views::Views,
    /// Show jobs (pull/push/build) in the detail pane of the images view.
    /// A container just created from the run prompt: select it when it appears in the list.
    pub select_when_listed: Option<String>,
    /// Updates and recreates under way, summed up when the last one answers.
    pub recreating: super::recreate::Batch,
    /// Limits of a container (id, limits) for the stats tab.
    pub limits: Option<(String, super::model::Limits)>,
    /// Embedded exec/attach sessions.
    pub exec: Sessions,
    /// Stats watch set last sent to the docker layer.
    pub watching: Vec<String>,
    pub width: u16,
    pub height: u16,
    /// Wall clock, unix seconds (advanced by ticks).
    pub now: i64,
    /// The local time zone's offset from UTC in seconds (set by the runtime; 0 in tests).
    pub utc_offset: i32,
    /// Read-only mode: nothing that changes the engine is sent.
    pub readonly: bool,
    /// The actions that ask first (`ui.confirm`).
    pub confirm: Vec<super::action::Action>,
    /// The engine shown and its connection epoch: messages tagged otherwise are dropped.
    pub engine: super::msg::EngineRef,
    /// Every engine shown (one unless several were asked for); `engine` is its primary.
    pub fleet: super::engines::Fleet,
    pub keymap: Keymap,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    /// The next frame is not held back by the frame interval: an engine's list just arrived
    /// (the first one follows the placeholder frame by less than that interval on a small
    /// engine). Drawing clears it.
    pub urgent: bool,
    pub quit: bool,
    /// Fingerprint of time-dependent text last drawn, so a tick redraws only when it changes.
    pub clock_print: u64,
    /// Colours the terminal can show (NO_COLOR, 16 colours, or full).
    pub color: ColorLevel,
    /// The theme's colours.
    pub palette: super::palette::Palette,
}

impl State {
    pub fn new(keymap: Keymap, addr: String, now: i64) -> State {
        State {
            fleet: super::engines::Fleet::new(vec![super::engines::HostSpec {
                name: super::engines::short_name(&addr),
                addr: addr.clone(),
                source: String::new(),
                tls: None,
                readonly: false,
            }]),
            conn: ConnStatus::Connecting { addr },
            containers: Containers::default(),
            rows: Vec::new(),
            selected: None,
            offset: 0,
            marked: BTreeSet::new(),
            group_projects: false,
            collapsed: BTreeSet::new(),
            show_all: true,
            live_stats: true,
            sort: SortKey::State,
            sort_desc: false,
            filter: Input::default(),
            overlay: Overlay::None,
            status: None,
            status_log: Default::default(),
            palette_history: Vec::new(),
            pending: Pending::default(),
            lists: Default::default(),
            done_batch: Vec::new(),
            focus: Focus::List,
            tab: DetailTab::Logs,
            logs: LogsView::default(),
            stats: HashMap::new(),
            inspect: None,
            top: Default::default(),
            files: Default::default(),
            inspect_search: None,
            inspect_input: None,
            inspect_json: String::new(),
            inspect_raw: false,
            inspect_reveal: false,
            help_scroll: 0,
            inspect_scroll: 0,
            view: crate::views::View::Containers,
            views: crate::views::Views::default(),
            select_when_listed: None,
            recreating: Default::default(),
            limits: None,
            exec: Sessions::new(),
            watching: Vec::new(),
            width: 80,
            height: 24,
            now,
            utc_offset: 0,
            engine: Default::default(),
            readonly: false,
            confirm: crate::config::DEFAULT_CONFIRM.to_vec(),
            keymap,
            dirty: true,
            urgent: false,
            quit: false,
            clock_print: 0,
            color: ColorLevel::Full,
            palette: Default::default(),
        }
    }

    /// The size of an embedded shell: the detail pane inside its border.
    pub fn shell_size(&self) -> (u16, u16) {
        let d = self.areas().detail;
        (
            d.width.saturating_sub(2).max(1),
            d.height.saturating_sub(2).max(1),
        )
    }

    pub fn areas(&self) -> Areas {
        let zoom = match self.tab {
            DetailTab::Logs => self.logs.zoom,
            DetailTab::Shells => self.exec.zoom,
            _ => false,
        };
        layout::areas(self.width, self.height, zoom && self.focus == Focus::Detail)
    }

    pub fn selected_container(&self) -> Option<&Container> {
        self.selected
            .as_ref()
            .and_then(|id| self.containers.get(id))
    }

    /// The selected container's id; None on a group row ([`super::groups`]).
    pub fn selected_id(&self) -> Option<String> {
        self.selected_container().map(|c| c.id.clone())
    }

    /// The group row selected, if one is.
    pub fn selected_group(&self) -> Option<&str> {
        self.selected
            .as_deref()
            .filter(|k| super::groups::is_group(k))
    }

    /// Every container of group row `key`, by name.
    pub fn group_members(&self, key: &str) -> Vec<&Container> {
        super::groups::members(key, self.containers.values())
    }

    pub fn selected_index(&self) -> Option<usize> {
        let sel = self.selected.as_ref()?;
        self.rows.iter().position(|id| id == sel)
    }

    /// Rows currently on screen.
    pub fn visible_rows(&self) -> &[String] {
        let n = self.areas().list_rows();
        let start = self.offset.min(self.rows.len());
        let end = (start + n).min(self.rows.len());
        &self.rows[start..end]
    }

    pub fn cpu_of(&self, id: &str) -> Option<f64> {
        self.stats
            .get(id)
            .and_then(|h| h.latest())
            .map(|s| s.cpu_percent)
    }

    pub fn mem_of(&self, id: &str) -> Option<u64> {
        self.stats
            .get(id)
            .and_then(|h| h.latest())
            .map(|s| s.mem_used)
    }

    /// Counts for the header: (running, total).
    pub fn counts(&self) -> (usize, usize) {
        let running = self
            .containers
            .values()
            .filter(|c| c.state == CState::Running)
            .count();
        (running, self.containers.len())
    }

    /// Recompute `rows` from containers, filter and sort; keep the selection on the same id.
    pub fn recompute_rows(&mut self) {
        let cpu = |c: &Container| self.cpu_of(&c.id).unwrap_or(-1.0);
        let mem = |c: &Container| self.mem_of(&c.id).unwrap_or(0);
        let (sort, desc) = (self.sort, self.sort_desc);
        // `host:NAME` words keep the rows of the engines whose name contains NAME; the
        // hosts view's focus keeps one engine's.
        let (text, hosts) = super::engines::split_host_filter(&self.filter.text);
        let fleet = &self.fleet;
        let host_ok = |c: &Container| {
            fleet.focus.is_none_or(|f| f == c.host)
                && (hosts.is_empty() || {
                    let name = fleet.name(c.host).to_lowercase();
                    hosts.iter().any(|h| name.contains(h.as_str()))
                })
        };
        // What the sort compares, written once per row as bytes into one buffer and
        // compared with `memcmp`: a sort of a thousand rows compares ten thousand times,
        // and walking the containers where they lie (scattered over the heap), or two
        // names at every comparison, cost milliseconds.
        use crate::views::list::{push_natural_key, push_text_key};
        let mut keys: Vec<u8> = Vec::with_capacity(self.containers.len() * 64);
        let pair = |c: &Container, keys: &mut Vec<u8>| {
            push_text_key(c.project.as_deref().unwrap_or(""), keys);
            push_text_key(c.service.as_deref().unwrap_or(""), keys);
        };
        // Ascending, or (Created, CPU, memory) the largest first.
        let num = |n: i64, largest_first: bool, keys: &mut Vec<u8>| {
            let k = (n as u64) ^ (1 << 63);
            keys.extend_from_slice(&if largest_first { !k } else { k }.to_be_bytes());
        };
        let rows: Vec<(&Container, std::ops::Range<usize>)> = self
            .containers
            .values()
            .filter(|c| self.show_all || c.state.is_live())
            .filter(|c| host_ok(c))
            .map(|c| {
                let start = keys.len();
                match sort {
                    SortKey::State => {
                        keys.push(c.state.rank());
                        pair(c, &mut keys);
                    }
                    SortKey::Project => {
                        keys.push(u8::from(c.project.is_none()));
                        pair(c, &mut keys);
                    }
                    SortKey::Image => push_text_key(&c.image, &mut keys),
                    SortKey::Created => num(c.created, true, &mut keys),
                    // Top consumers first; coarse buckets keep the order stable under small
                    // changes.
                    SortKey::Cpu => num(bucket(cpu(c), 1.0), true, &mut keys),
                    SortKey::Mem => num((mem(c) >> 20) as i64, true, &mut keys),
                    SortKey::Ports => {
                        let (none, public, private) = port_key(c);
                        let n = (i64::from(none) << 32)
                            | (i64::from(public) << 16)
                            | i64::from(private);
                        num(n, false, &mut keys);
                    }
                    SortKey::Name | SortKey::Id => {}
                }
                if sort == SortKey::Id {
                    push_text_key(&c.id, &mut keys);
                }
                // Then names as people read them, then (below, only between equal keys:
                // the same name on two engines) the id.
                push_natural_key(&c.name, &mut keys);
                push_text_key(&c.name, &mut keys);
                (c, start..keys.len())
            })
            .collect();
        let keys = &keys;
        // Fuzzy over name, image, state, status, project and service; best matches first.
        let ranked = crate::views::list::rank(
            rows.into_iter().map(|(c, r)| (c, (c, r))),
            &text,
            |(c, _), hay| {
                if fleet.several() {
                    hay.push_str(fleet.name(c.host));
                    hay.push(' ');
                }
                for part in [&c.name, &c.image, c.state.as_str(), &c.status] {
                    hay.push_str(part);
                    hay.push(' ');
                }
                for part in [&c.project, &c.service].into_iter().flatten() {
                    hay.push_str(part);
                    hay.push(' ');
                }
            },
            |(ca, a), (cb, b)| {
                let ord = keys[a.clone()]
                    .cmp(&keys[b.clone()])
                    .then_with(|| ca.id.cmp(&cb.id));
                if desc { ord.reverse() } else { ord }
            },
        );
        self.rows = if self.group_projects {
            let listed = self
                .containers
                .values()
                .filter(|c| self.show_all || c.state.is_live())
                .filter(|c| host_ok(c));
            super::groups::rows(&ranked, listed, &text, &self.collapsed)
        } else {
            ranked.into_iter().map(|c| c.id.clone()).collect()
        };
        if let Some(sel) = &self.selected
            && !self.rows.contains(sel)
        {
            // A container of a folded group: its group row.
            self.selected = self
                .containers
                .get(sel)
                .and_then(super::groups::key_of)
                .filter(|k| self.rows.contains(k));
        }
        if self.selected.is_none() {
            self.selected = self.rows.first().cloned();
        }
        self.marked.retain(|id| self.containers.contains_key(id));
        self.clamp_offset();
        self.dirty = true;
    }

    /// Keep the selected row inside the visible window.
    pub fn clamp_offset(&mut self) {
        let n = self.areas().list_rows().max(1);
        let len = self.rows.len();
        if let Some(i) = self.selected_index() {
            if i < self.offset {
                self.offset = i;
            } else if i >= self.offset + n {
                self.offset = i + 1 - n;
            }
        }
        if self.offset + n > len {
            self.offset = len.saturating_sub(n);
        }
    }

    /// The targets of an action: the marked rows, or the selected one.
    pub fn targets(&self) -> Vec<&Container> {
        if self.marked.is_empty() {
            // A group row: its containers.
            match self.selected_group() {
                Some(k) => self.group_members(k),
                None => self.selected_container().into_iter().collect(),
            }
        } else {
            // Marked rows in list order, then marked containers the list hides (`a`, a
            // filter): a marked compose project is acted on whole.
            let mut out: Vec<&Container> = self
                .rows
                .iter()
                .filter(|id| self.marked.contains(*id))
                .filter_map(|id| self.containers.get(id))
                .collect();
            let mut hidden: Vec<&Container> = self
                .marked
                .iter()
                .filter(|id| !self.rows.contains(id))
                .filter_map(|id| self.containers.get(id))
                .collect();
            hidden.sort_by(|a, b| a.name.cmp(&b.name));
            out.extend(hidden);
            out
        }
    }

    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        let msg = StatusMsg {
            text: text.into(),
            kind,
            at: self.now,
        };
        // The same message again (a retry, a repeated key) is kept once.
        let again = self
            .status_log
            .back()
            .is_some_and(|m| m.text == msg.text && m.kind == msg.kind);
        if !again {
            if self.status_log.len() >= STATUS_LOG {
                self.status_log.pop_front();
            }
            self.status_log.push_back(msg.clone());
        }
        self.status = Some(msg);
        self.dirty = true;
    }

    /// The messages overlay's text: every message kept, oldest first, with its time.
    pub fn status_log_text(&self) -> String {
        if self.status_log.is_empty() {
            return "No message yet.".into();
        }
        self.status_log
            .iter()
            .map(|m| {
                let mark = match m.kind {
                    StatusKind::Info => "✓",
                    StatusKind::Progress => "…",
                    StatusKind::Error => "✗",
                };
                let t = chrono::FixedOffset::east_opt(self.utc_offset)
                    .and_then(|tz| {
                        chrono::DateTime::from_timestamp(m.at, 0).map(|t| t.with_timezone(&tz))
                    })
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_default();
                format!("{t} {mark} {}", m.text)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Stats that should be live: running rows on screen, plus the selection.
    pub fn wanted_stats(&self) -> Vec<String> {
        let rows: &[String] = if self.live_stats {
            self.visible_rows()
        } else {
            &[]
        };
        let mut ids: Vec<String> = rows
            .iter()
            .filter(|id| {
                self.containers
                    .get(id)
                    .is_some_and(|c| c.state == CState::Running)
            })
            .cloned()
            .collect();
        if let Some(c) = self.selected_container()
            && c.state == CState::Running
            && (self.live_stats || self.tab == DetailTab::Stats)
            && !ids.contains(&c.id)
        {
            ids.push(c.id.clone());
        }
        ids.sort();
        ids
    }

    /// A hash of every time-dependent string on screen (relative times, fading status).
    pub fn clock_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for id in self.visible_rows() {
            if let Some(c) = self.containers.get(id) {
                c.status_text(self.now).hash(&mut h);
            }
        }
        self.status_visible().map(|s| (&s.text, s.at)).hash(&mut h);
        h.finish()
    }

    /// The header's totals as drawn: (CPU %, memory, containers sampled).
    pub fn totals_text(&self) -> (String, String, usize) {
        let (cpu, mem, n) = self
            .stats
            .values()
            .filter_map(|h| h.latest())
            .fold((0.0, 0u64, 0usize), |(c, m, n), s| {
                (c + s.cpu_percent, m + s.mem_used, n + 1)
            });
        (
            super::stats::fmt_percent(cpu),
            super::stats::fmt_bytes_binary(mem),
            n,
        )
    }

    /// The CPU/MEM text of one row as drawn.
    pub fn row_stats_text(&self, id: &str) -> Option<(String, String)> {
        self.stats.get(id).and_then(|h| h.latest()).map(|s| {
            (
                super::stats::fmt_percent(s.cpu_percent),
                super::stats::fmt_bytes_binary(s.mem_used),
            )
        })
    }

    /// The status message, unless it has faded (info: 5 s).
    pub fn status_visible(&self) -> Option<&StatusMsg> {
        self.status
            .as_ref()
            .filter(|s| s.kind != StatusKind::Info || self.now - s.at < 5)
    }

    /// The keymap contexts in force now, most specific first (focused pane, then its view,
    /// then global). Key dispatch, the help overlay and the footer hints all ask this.
    pub fn active_contexts(&self) -> Vec<super::keymap::Context> {
        // Something shown over the screen takes every key.
        if let Some(ctx) = self.overlay.context() {
            return vec![ctx];
        }
        self.screen_contexts()
    }

    /// The contexts of the screen under any overlay (what the help describes).
    pub fn screen_contexts(&self) -> Vec<super::keymap::Context> {
        use super::keymap::Context;
        if let Some(v) = self.views.get(self.view) {
            return v.contexts().to_vec();
        }
        match (self.focus, self.tab) {
            // Typing into a shell: every key goes to it but the one that leaves.
            (Focus::Detail, DetailTab::Shells) if self.exec.typing => vec![Context::Exec],
            (Focus::Detail, DetailTab::Shells) => {
                vec![Context::ExecTabs, Context::Exec, Context::Global]
            }
            (Focus::List, _) => vec![Context::Containers, Context::List, Context::Global],
            (Focus::Detail, DetailTab::Logs) => vec![Context::Logs, Context::Global],
            (Focus::Detail, DetailTab::Files) => vec![Context::Files, Context::Global],
            (Focus::Detail, DetailTab::Inspect) => {
                vec![Context::Inspect, Context::List, Context::Global]
            }
            (Focus::Detail, _) => vec![Context::List, Context::Global],
        }
    }

    /// The label of the key that leaves a shell (ctrl-g unless rebound).
    pub fn leave_key(&self) -> String {
        self.keymap
            .key_for(super::keymap::Context::Exec, super::action::Action::Leave)
            .unwrap_or_default()
    }

    /// The bindings of `ctx` the help shows now: those a key press would reach (a binding
    /// whose keys a more specific active context takes is left out).
    pub fn help_bindings(&self, ctx: super::keymap::Context) -> Vec<&super::keymap::Binding> {
        let contexts = self.screen_contexts();
        self.keymap
            .bindings(ctx)
            .iter()
            .filter(|b| {
                b.keys
                    .iter()
                    .any(|k| self.keymap.resolve(&contexts, k).map(|(c, _)| c) == Some(ctx))
            })
            .collect()
    }

    /// The help's lines in columns `col_w` cells wide: per context a title, its keys (a
    /// description too long for the column goes on, indented, on the next lines) and a blank
    /// line.
    pub fn help_rows(&self, col_w: usize) -> Vec<HelpRow> {
        let mut out = Vec::new();
        for ctx in self.screen_contexts() {
            out.push(HelpRow::Title(ctx.title()));
            for b in self.help_bindings(ctx) {
                let keys: Vec<String> = b.keys.iter().map(super::keymap::Key::label).collect();
                let desc_w = col_w.saturating_sub(help_lead(&keys.join(", "))).max(12);
                let mut parts = wrap_words(&b.desc, desc_w).into_iter();
                out.push(HelpRow::Key(
                    keys.join(", "),
                    parts.next().unwrap_or_default(),
                ));
                out.extend(parts.map(HelpRow::More));
            }
            out.push(HelpRow::Blank);
        }
        out
    }

    /// The help's layout on this screen: lines per column, columns (as many as it takes, as
    /// wide as the screen allows, 44 cells each at least), the width of a column and how many
    /// lines there are at that width.
    pub fn help_layout(&self) -> (usize, usize, usize, usize) {
        let rows = usize::from(self.height.saturating_sub(2)).max(1);
        let inner = usize::from(self.width.saturating_sub(2));
        let max_cols = (inner / 44).max(1);
        let mut last = (rows, 1, inner.min(84), 0);
        for cols in 1..=max_cols {
            let col_w = (inner / cols).min(84);
            let len = self.help_rows(col_w).len();
            last = (rows, cols, col_w, len);
            if len <= rows * cols {
                break;
            }
        }
        last
    }

    /// Lines of the help at its layout's column width.
    pub fn help_len(&self) -> usize {
        self.help_layout().3
    }

    /// The help's layout on this screen: lines per column and columns.
    pub fn help_grid(&self) -> (usize, usize) {
        let (rows, cols, _, _) = self.help_layout();
        (rows, cols)
    }

    /// How far the help scrolls: until its last line is on screen (the last cell of the
    /// grid says "more" while there is more).
    pub fn help_max_scroll(&self) -> usize {
        let (rows, cols, _, len) = self.help_layout();
        len.saturating_sub(rows * cols - 1)
    }

    pub fn is_action_pending(&self, id: &str) -> bool {
        self.pending.contains(id)
    }

    pub fn action_for_pause(c: &Container) -> ContainerAction {
        if c.state == CState::Paused {
            ContainerAction::Unpause
        } else {
            ContainerAction::Pause
        }
    }
}

/// Cells of the help's key column (`  ` and the keys, padded).
pub const HELP_KEYS_W: usize = 15;

/// Cells before a description in the help: the key column, wider for long keys.
pub fn help_lead(keys: &str) -> usize {
    HELP_KEYS_W.max(unicode_width::UnicodeWidthStr::width(keys) + 3)
}

/// One line of the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    /// A keymap group's heading.
    Title(&'static str),
    /// Keys and (the first line of) what they do.
    Key(String, String),
    /// The rest of a description, a line at a time.
    More(String),
    Blank,
}

/// `text` in lines of at most `width` cells, broken at spaces (a longer word is cut).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let need = if cur.is_empty() { 0 } else { 1 } + word.width();
        if !cur.is_empty() && cur.width() + need > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        for c in word.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if cur.width() + w > width {
                lines.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The ports sort: the lowest published port, then the lowest exposed one; none last.
fn port_key(c: &Container) -> (bool, u16, u16) {
    let public = c.ports.iter().filter_map(|p| p.public).min();
    let private = c.ports.iter().map(|p| p.private).min();
    (
        public.is_none() && private.is_none(),
        public.unwrap_or(u16::MAX),
        private.unwrap_or(u16::MAX),
    )
}

fn bucket(v: f64, width: f64) -> i64 {
    if v < 0.0 { -1 } else { (v / width) as i64 }
}

#[cfg(test)]
mod tests {
    use super::ColorLevel;

    #[test]
    fn words_wrap_at_spaces_and_long_ones_are_cut() {
        use super::wrap_words;
        assert_eq!(
            wrap_words("Commit the container (asks -a author, -m message)", 20),
            vec!["Commit the container", "(asks -a author, -m", "message)"]
        );
        assert_eq!(wrap_words("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap_words("", 5), vec![""]);
    }

    #[test]
    fn no_help_description_is_cut() {
        // Every description, whole, at 80x24 and 200x50.
        for (w, h) in [(80, 24), (200, 50), (100, 30)] {
            let s = crate::app::fixtures::state(w, h);
            let (_, _, col_w, _) = s.help_layout();
            let mut text = String::new();
            for row in s.help_rows(col_w) {
                match row {
                    super::HelpRow::Key(k, d) => {
                        let w = super::help_lead(&k)
                            + unicode_width::UnicodeWidthStr::width(d.as_str());
                        assert!(w <= col_w, "{k} {d}");
                        text.push('\n');
                        text.push_str(&d);
                    }
                    super::HelpRow::More(d) => {
                        text.push(' ');
                        text.push_str(&d);
                    }
                    _ => {}
                }
            }
            assert!(
                text.contains(
                    "Commit the container to an image (asks repo:tag, -a author, -m message)"
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn colour_level_from_environment() {
        assert_eq!(
            ColorLevel::detect(Some("1"), Some("truecolor"), Some("xterm-256color")),
            ColorLevel::None
        );
        assert_eq!(
            ColorLevel::detect(Some(""), None, Some("xterm-256color")),
            ColorLevel::Full
        );
        assert_eq!(
            ColorLevel::detect(None, None, Some("xterm")),
            ColorLevel::Basic
        );
        assert_eq!(
            ColorLevel::detect(None, None, Some("dumb")),
            ColorLevel::None
        );
        assert_eq!(
            ColorLevel::detect(None, Some("24bit"), Some("screen")),
            ColorLevel::Full
        );
    }
}
