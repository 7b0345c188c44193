//! The exec pane: the sessions as tabs in the block's title, the active session's
//! emulated screen inside.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_term::widget::{Cursor, PseudoTerminal};

use super::theme::Theme;
use crate::app::exec::{Session, SessionState, Sessions};

/// The block around the pane (the same in [`draw`] and [`inner_size`]).
fn block<'a>() -> Block<'a> {
    Block::default().borders(Borders::ALL)
}

/// The shell size `(cols, rows)` for a pane drawn in `area`: what [`draw`] shows, so
/// the TTY's size equals the drawn screen. At least 1x1.
pub fn inner_size(area: Rect) -> (u16, u16) {
    let inner = block().inner(area);
    (inner.width.max(1), inner.height.max(1))
}

fn tab_label(i: usize, s: &Session) -> String {
    format!(" {}:{} {} ", i + 1, s.container_name, s.label())
}

fn tab_style(s: &Session, active: bool, theme: &Theme) -> Style {
    let base = match s.state {
        SessionState::Starting | SessionState::Running => Style::default(),
        SessionState::Exited(Some(0)) | SessionState::Exited(None) => theme.dim(),
        SessionState::Exited(Some(_)) => theme.warn(),
        SessionState::Failed(_) => theme.bad(),
    };
    if active {
        base.add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        base
    }
}

/// Draws the exec pane. `focused`: the pane has the focus (keys go to the shell when
/// `sessions.typing` too).
/// `leave` is the label of the key that gives the keys back to dockside.
pub fn draw(
    f: &mut Frame,
    area: Rect,
    sessions: &Sessions,
    focused: bool,
    leave: &str,
    theme: &Theme,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let typing = focused && sessions.typing;
    let border = theme.border(focused);

    let mut tabs: Vec<Span<'static>> = Vec::new();
    for (i, s) in sessions.list.iter().enumerate() {
        if i > 0 {
            tabs.push(Span::styled("│", border));
        }
        tabs.push(Span::styled(
            tab_label(i, s),
            tab_style(s, i == sessions.active, theme),
        ));
    }
    if tabs.is_empty() {
        tabs.push(Span::raw(" exec "));
    }

    let mut blk = block().border_style(border).title(Line::from(tabs));
    let active = sessions.active_session();
    let hint = if typing {
        Some(format!(" {leave} leaves the shell "))
    } else {
        match active {
            Some(s) if s.scroll > 0 => Some(format!(" scrolled back {} lines ", s.scroll)),
            Some(s) if !s.state.is_live() => Some(" session ended ".to_string()),
            _ => None,
        }
    };
    if let Some(h) = hint {
        blk = blk.title_bottom(Line::from(Span::styled(h, border)).right_aligned());
    }

    let Some(s) = active else {
        let p = Paragraph::new("no exec sessions").block(blk);
        f.render_widget(p, area);
        return;
    };

    let inner = blk.inner(area);
    let mut cursor = Cursor::default();
    if !typing || s.scroll > 0 || !s.state.is_live() {
        cursor.hide();
    }
    let term = PseudoTerminal::new(s.screen()).block(blk).cursor(cursor);
    f.render_widget(term, area);
    // The program's colours follow NO_COLOR and 16-colour terminals like ours do.
    theme.degrade_area(f.buffer_mut(), inner);

    // Why it failed, over the (usually empty) screen.
    if let SessionState::Failed(error) = &s.state
        && inner.height > 0
    {
        let rows = inner.height.min(3);
        let msg_area = Rect {
            y: inner.y + inner.height - rows,
            height: rows,
            ..inner
        };
        let p = Paragraph::new(Line::from(vec![
            Span::styled("exec failed: ", theme.bad()),
            Span::raw(error.clone()),
        ]))
        .wrap(Wrap { trim: true });
        f.render_widget(p, msg_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::exec::{ExecCmd, ExecEvent, ExecKind, SessionId};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn open_id(cmd: &ExecCmd) -> SessionId {
        match cmd {
            ExecCmd::Open(r) => r.session,
            other => panic!("expected Open, got {other:?}"),
        }
    }

    fn render(sessions: &Sessions, focused: bool, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        term.draw(|f| {
            draw(
                f,
                f.area(),
                sessions,
                focused,
                "ctrl-g",
                &Theme::new(crate::app::state::ColorLevel::Full),
            )
        })
        .expect("draw");
        let buf = term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..h {
            for x in 0..w {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn inner_size_matches_the_drawn_screen() {
        assert_eq!(inner_size(Rect::new(0, 0, 80, 24)), (78, 22));
        assert_eq!(inner_size(Rect::new(0, 0, 1, 1)), (1, 1));
    }

    #[test]
    fn tabs_screen_and_hint() {
        let mut s = Sessions::new();
        let a = open_id(&s.open("a", "web", ExecKind::Shell, None, 38, 6));
        s.apply(ExecEvent::Started {
            session: a,
            shell: "/bin/sh".into(),
        });
        s.apply(ExecEvent::Exited {
            session: a,
            code: Some(3),
        });
        let (cols, rows) = inner_size(Rect::new(0, 0, 40, 8));
        let cmd = s.open("b", "redis", ExecKind::Shell, None, cols, rows);
        let b = open_id(&cmd);
        s.apply(ExecEvent::Started {
            session: b,
            shell: "/bin/ash".into(),
        });
        s.apply(ExecEvent::Output {
            session: b,
            bytes: b"/ # echo hi\r\nhi\r\n/ # ".to_vec(),
        });
        let screen = render(&s, true, 40, 8);
        assert!(screen.contains("1:web exit 3"), "{screen}");
        assert!(screen.contains("2:redis ash"), "{screen}");
        assert!(screen.contains("/ # echo hi"), "{screen}");
        assert!(screen.contains("ctrl-g leaves the shell"), "{screen}");
        let unfocused = render(&s, false, 40, 8);
        assert!(!unfocused.contains("ctrl-g"), "{unfocused}");
    }
}
