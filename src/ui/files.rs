//! The files tab: a directory of the selected container, a file shown, or `docker diff`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;
use crate::app::files::{EntryKind, join, mode_string};
use crate::app::resources::human_size;

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn message(f: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    f.render_widget(
        Paragraph::new(text.to_string())
            .style(theme.dim())
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let fv = &state.files;
    let sel = state.selected_id();
    let shown = sel.is_some() && fv.id == sel;
    let extra = if !shown {
        Line::from("")
    } else if fv.show_changes {
        Line::from(Span::styled(" changes (docker diff) ", theme.dim()))
    } else {
        let more = match &fv.listing {
            Some(Ok(l)) if l.dropped > 0 => format!(" (+{} not shown)", l.dropped),
            _ => String::new(),
        };
        Line::from(Span::styled(format!(" {}{more} ", fv.path), theme.dim()))
    };
    let block = detail_block(state.tab, extra, theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if !shown {
        return message(f, inner, "Select a container.", theme);
    }
    if let Some(v) = &fv.viewer {
        return viewer(f, inner, state, v, theme);
    }
    if fv.show_changes {
        return changes(f, inner, state, theme);
    }
    let listing = match &fv.listing {
        None => return message(f, inner, "Loading…", theme),
        Some(Err(e)) => return message(f, inner, e, theme),
        Some(Ok(l)) => l,
    };
    if listing.entries.is_empty() {
        return message(f, inner, "Empty directory.", theme);
    }
    let page = usize::from(inner.height.saturating_sub(1)).max(1);
    let skip = fv.cursor.saturating_sub(page - 1);
    let rows: Vec<Row> = listing
        .entries
        .iter()
        .enumerate()
        .skip(skip)
        .take(page)
        .map(|(i, e)| {
            let mut name = e.name.clone();
            if e.kind == EntryKind::Dir {
                name.push('/');
            }
            if let Some(l) = &e.link {
                name.push_str(&format!(" -> {l}"));
            }
            let mount = fv
                .mount_of(&join(&fv.path, &e.name))
                .map(|m| format!("[{}]", m.label()))
                .unwrap_or_default();
            let size = if e.kind == EntryKind::Dir {
                String::new()
            } else {
                human_size(e.size)
            };
            let row = Row::new(vec![
                mode_string(e.kind, e.mode),
                e.owner.clone(),
                size,
                when(e.mtime),
                name,
                mount,
            ]);
            if i == fv.cursor {
                row.style(theme.selected(focused))
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(vec!["MODE", "OWNER", "SIZE", "MODIFIED", "NAME", "MOUNT"])
        .style(theme.header_row());
    let widths = [
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Length(9),
        Constraint::Length(16),
        Constraint::Fill(1),
        Constraint::Length(14),
    ];
    f.render_widget(Table::new(rows, widths).header(header), inner);
}

fn changes(f: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let fv = &state.files;
    let list = match &fv.changes {
        None => return message(f, area, "Loading…", theme),
        Some(Err(e)) => return message(f, area, e, theme),
        Some(Ok(l)) => l,
    };
    if list.is_empty() {
        return message(
            f,
            area,
            "No changes: the container's filesystem is its image's.",
            theme,
        );
    }
    let page = usize::from(area.height).max(1);
    let skip = fv.cursor.saturating_sub(page - 1);
    let lines: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(skip)
        .take(page)
        .map(|(i, c)| {
            let what = match c.kind {
                'A' => "added  ",
                'D' => "deleted",
                _ => "changed",
            };
            let line = Line::from(vec![
                Span::styled(format!("{} {what}  ", c.kind), theme.dim()),
                Span::raw(c.path.clone()),
            ]);
            if i == fv.cursor {
                line.style(theme.selected(true))
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

fn viewer(
    f: &mut Frame,
    area: Rect,
    state: &State,
    v: &Result<crate::app::files::Content, String>,
    theme: &Theme,
) {
    let c = match v {
        Err(e) => return message(f, area, e, theme),
        Ok(c) => c,
    };
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(u16::from(state.files.input.is_some())),
    ])
    .areas(area);
    let kind = if c.is_text() {
        "text"
    } else {
        "binary, as hex"
    };
    let cut = if c.truncated() {
        format!(", first {} shown", human_size(c.bytes.len() as u64))
    } else {
        String::new()
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!("{} · {} · {kind}{cut}", c.path, human_size(c.size)),
            theme.title(),
        ))),
        head,
    );
    let q = state.files.search.as_deref();
    let lines: Vec<Line> = c
        .lines()
        .into_iter()
        .skip(state.files.scroll)
        .take(usize::from(body.height))
        .map(|l| match q {
            Some(q) if l.to_lowercase().contains(q) => {
                Line::from(l).style(theme.selected(true).add_modifier(Modifier::BOLD))
            }
            _ => Line::from(l),
        })
        .collect();
    f.render_widget(Paragraph::new(lines), body);
    if let Some(t) = &state.files.input {
        f.render_widget(Paragraph::new(format!("/{t}")), foot);
    }
}
