//! The stats tab for the selected container: CPU and memory history, rates, limits.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::theme::Theme;
use super::util::detail_block;
use crate::app::State;
use crate::app::model::CState;
use crate::app::stats::{fmt_bytes_binary, fmt_bytes_decimal, fmt_percent};

pub fn draw(f: &mut Frame, area: Rect, state: &State, theme: &Theme, focused: bool) {
    let block = detail_block(state.tab, Line::from(""), theme, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(c) = state.selected_container() else {
        f.render_widget(
            Paragraph::new("Select a container.").style(theme.dim()),
            inner,
        );
        return;
    };
    let hist = state.stats.get(&c.id);
    let Some(latest) = hist.and_then(|h| h.latest()) else {
        let msg = if c.state == CState::Running {
            "Waiting for the first sample…".to_string()
        } else {
            format!("{} is {}: no live stats.", c.name, c.state.as_str())
        };
        f.render_widget(Paragraph::new(msg).style(theme.dim()), inner);
        return;
    };
    let Some(hist) = hist else { return };
    let [text_area, charts] =
        Layout::horizontal([Constraint::Length(38), Constraint::Fill(1)]).areas(inner);
    let (rx, tx) = hist.net_rates().unwrap_or((0.0, 0.0));
    let (br, bw) = hist.blk_rates().unwrap_or((0.0, 0.0));
    let limit = if latest.mem_limit > 0 {
        fmt_bytes_binary(latest.mem_limit)
    } else {
        "none".into()
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("CPU   ", theme.accent()),
            Span::raw(format!(
                "{} of {} CPUs",
                fmt_percent(latest.cpu_percent),
                latest.online_cpus
            )),
        ]),
        Line::from(vec![
            Span::styled("MEM   ", theme.accent()),
            Span::raw(format!(
                "{} / {} ({})",
                fmt_bytes_binary(latest.mem_used),
                limit,
                fmt_percent(latest.mem_percent)
            )),
        ]),
        Line::from(vec![
            Span::styled("NET   ", theme.accent()),
            Span::raw(format!(
                "rx {}/s tx {}/s",
                fmt_bytes_decimal(rx),
                fmt_bytes_decimal(tx)
            )),
        ]),
        Line::from(vec![
            Span::styled("BLOCK ", theme.accent()),
            Span::raw(format!(
                "read {}/s write {}/s",
                fmt_bytes_decimal(br),
                fmt_bytes_decimal(bw)
            )),
        ]),
        Line::from(vec![
            Span::styled("PIDS  ", theme.accent()),
            Span::raw(latest.pids.to_string()),
        ]),
        limits_line(state, &c.id, theme),
    ];
    f.render_widget(Paragraph::new(lines), text_area);
    if charts.width < 4 || charts.height < 2 {
        return;
    }
    let [cpu_title, cpu_area, mem_title, mem_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(charts);
    let w = usize::from(charts.width);
    let tail = |v: Vec<u64>| -> Vec<u64> {
        let skip = v.len().saturating_sub(w);
        v.into_iter().skip(skip).collect()
    };
    let cpu = tail(hist.cpu_series());
    let mem = tail(hist.mem_series());
    // CPU: 0–100 % (or more on several cores) so an idle container draws low, not full.
    let cpu_max = cpu.iter().copied().max().unwrap_or(0).max(1000);
    // Memory: up to the limit when it is near, else a quarter above the peak.
    let mem_peak = mem.iter().copied().max().unwrap_or(0);
    let mem_max = if latest.mem_limit > 0 && latest.mem_limit / 4 <= mem_peak {
        latest.mem_limit
    } else {
        mem_peak + mem_peak / 4 + 1
    };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("CPU ", theme.accent()),
            Span::styled(
                format!(
                    "last {} samples, top = {}",
                    cpu.len(),
                    fmt_percent(cpu_max as f64 / 10.0)
                ),
                theme.dim(),
            ),
        ])),
        cpu_title,
    );
    f.render_widget(
        Sparkline::default()
            .data(cpu)
            .max(cpu_max)
            .style(theme.ok()),
        cpu_area,
    );
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("MEM ", theme.accent()),
            Span::styled(format!("top = {}", fmt_bytes_binary(mem_max)), theme.dim()),
        ])),
        mem_title,
    );
    f.render_widget(
        Sparkline::default()
            .data(mem)
            .max(mem_max)
            .style(theme.accent()),
        mem_area,
    );
}

/// "LIMITS cpus 0.5 · mem 64MiB · pids 100 · shares 1024", from inspect.
fn limits_line(state: &State, id: &str, theme: &Theme) -> Line<'static> {
    let Some((lid, l)) = &state.limits else {
        return Line::from(Span::styled("LIMITS …", theme.dim()));
    };
    if lid != id {
        return Line::from(Span::styled("LIMITS …", theme.dim()));
    }
    let mut parts = Vec::new();
    parts.push(match l.cpus() {
        Some(c) => format!("cpus {c}"),
        None => "cpus unlimited".into(),
    });
    parts.push(if l.memory > 0 {
        format!("mem {}", fmt_bytes_binary(l.memory as u64))
    } else {
        "mem unlimited".into()
    });
    if l.pids_limit > 0 {
        parts.push(format!("pids {}", l.pids_limit));
    }
    if l.cpu_shares > 0 {
        parts.push(format!("shares {}", l.cpu_shares));
    }
    Line::from(vec![
        Span::styled("LIMITS ", theme.accent()),
        Span::raw(parts.join(" · ")),
    ])
}
