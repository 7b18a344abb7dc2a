//! The overview's charts, laid out at build time (the page needs no script
//! to show them): compliance by town, and what must come down or change by
//! kind. Each chart is also given as a sentence and as a table.

use serde::Serialize;

use crate::plan::{Action, Totals};
use crate::site::pages::TownView;

#[derive(Serialize)]
pub struct Segment {
    pub x: f32,
    pub w: f32,
    pub value: usize,
    /// CSS class: `ok`, `bad`, `invalid`, `work`.
    pub class: &'static str,
}

#[derive(Serialize)]
pub struct Bar {
    pub label: String,
    pub y: f32,
    /// Where the bar ends, for its value label.
    pub end: f32,
    pub total: usize,
    pub segments: Vec<Segment>,
}

#[derive(Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    /// The chart in one sentence, for screen readers.
    pub summary: String,
    pub width: f32,
    pub height: f32,
    /// Where bars start (after the labels).
    pub left: f32,
    pub bar_height: f32,
    pub bars: Vec<Bar>,
}

const WIDTH: f32 = 640.0;
const LEFT: f32 = 170.0;
const RIGHT: f32 = 60.0;
const ROW: f32 = 30.0;
const BAR: f32 = 20.0;

fn chart(
    id: &'static str,
    title: &'static str,
    summary: String,
    rows: Vec<(String, Vec<(usize, &'static str)>)>,
) -> Chart {
    let max = rows
        .iter()
        .map(|(_, s)| s.iter().map(|(v, _)| v).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = (WIDTH - LEFT - RIGHT) / max as f32;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, parts))| {
            let mut x = LEFT;
            let segments = parts
                .into_iter()
                .filter(|(v, _)| *v > 0)
                .map(|(value, class)| {
                    let w = value as f32 * scale;
                    let s = Segment { x, w, value, class };
                    x += w;
                    s
                })
                .collect::<Vec<_>>();
            Bar {
                label,
                y: 10.0 + i as f32 * ROW,
                end: x,
                total: segments.iter().map(|s| s.value).sum(),
                segments,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        id,
        title,
        summary,
        width: WIDTH,
        height: 20.0 + bars.len() as f32 * ROW,
        left: LEFT,
        bar_height: BAR,
        bars,
    }
}

pub fn compliance_by_town(towns: &[TownView]) -> Chart {
    let summary = towns
        .iter()
        .map(|t| {
            format!(
                "{}{}个中合规{}个、不合规{}个",
                t.name,
                t.total,
                t.compliant,
                t.noncompliant + t.invalid
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let rows = towns
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                vec![
                    (t.compliant, "ok"),
                    (t.noncompliant, "bad"),
                    (t.invalid, "invalid"),
                ],
            )
        })
        .collect();
    chart(
        "chart-towns",
        "各乡镇合规情况",
        format!("{summary}。"),
        rows,
    )
}

/// The county's work, by the six kinds of the plan (the same totals the
/// overview's numbers show).
pub fn work_by_kind(totals: &Totals) -> Chart {
    let items: Vec<(&str, usize)> = Action::ALL
        .iter()
        .map(|&a| (a.zh(), totals.get(a)))
        .collect();
    let summary = items
        .iter()
        .map(|(l, v)| format!("{l}{v}项"))
        .collect::<Vec<_>>()
        .join("，");
    let rows = items
        .into_iter()
        .map(|(l, v)| (l.to_owned(), vec![(v, "work")]))
        .collect();
    chart(
        "chart-work",
        "全县需要整改的事项",
        format!("{summary}。"),
        rows,
    )
}
