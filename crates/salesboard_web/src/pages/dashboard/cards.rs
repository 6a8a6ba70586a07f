//! The KPI cards (value, change over the compared period, a sparkline of the
//! last twelve months drawn as inline SVG on the server) and the rows of the
//! rep leaderboard.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use salesboard_app::kpi_board::{Board, Compare};
use salesboard_domain::kpi::{Fraction, KpiFigures};

use super::super::format;
use super::super::i18n::Lang;

/// A change over the compared period.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Change {
    /// `↑` or `↓`.
    pub arrow: &'static str,
    /// `12.3%`, `4.5 pp` …
    pub text: String,
    /// `good` or `bad` (for CAC and the sales cycle a rise is bad).
    pub class: &'static str,
}

/// One KPI card.
#[derive(Debug)]
pub(super) struct Card {
    /// The KPI explained when the card is clicked (`revenue`, `cac` …).
    pub kpi: &'static str,
    /// The label.
    pub label: &'static str,
    /// The value for people.
    pub value: String,
    /// The value as the API writes it (money as an exact decimal string).
    pub raw: String,
    /// The change over the compared period.
    pub change: Option<Change>,
    /// What the change is over (`vs previous period` …).
    pub against: &'static str,
    /// The sparkline's `points`, empty without two values.
    pub spark: String,
}

/// How a card's figure is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Figure {
    Money(Option<Decimal>),
    Count(usize),
    Ratio(Option<f64>),
    Days(Option<f64>),
}

impl Figure {
    fn written(self, lang: Lang) -> String {
        match self {
            Figure::Money(amount) => format::money(amount.map(|a| a.to_string()).as_deref()),
            Figure::Count(n) => format::count(i64::try_from(n).unwrap_or(i64::MAX)),
            Figure::Ratio(ratio) => format::percent(ratio),
            Figure::Days(days) => format::days(days, lang),
        }
    }

    fn raw(self) -> String {
        match self {
            Figure::Money(amount) => amount.map(|a| a.to_string()).unwrap_or_default(),
            Figure::Count(n) => n.to_string(),
            Figure::Ratio(v) | Figure::Days(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    /// For drawing only.
    fn plotted(self) -> Option<f64> {
        match self {
            Figure::Money(amount) => amount.and_then(|a| a.to_f64()),
            Figure::Count(n) => Some(n as f64),
            Figure::Ratio(v) | Figure::Days(v) => v,
        }
    }
}

/// The cards' KPIs: explained name, label key, and whether a fall is good.
const CARDS: [(&str, &str, bool); 10] = [
    ("revenue", "revenue", false),
    ("growth_rate", "growth", false),
    ("new_customers", "new_customers", false),
    ("cac", "cac", true),
    ("clv_revenue", "clv", false),
    ("sales_cycle", "sales_cycle", true),
    ("win_rate", "win_rate", false),
    ("lead_conversion_rate", "conversion", false),
    ("csat", "csat", false),
    ("aov", "aov", false),
];

/// The card KPI `kpi` of some figures; growth is over the compared period.
fn figure(kpi: &str, figures: &KpiFigures, compare: Compare) -> Figure {
    let money = |a: Option<salesboard_domain::kpi::Amount>| Figure::Money(a.map(|a| a.rounded()));
    match kpi {
        "revenue" => money(Some(figures.revenue)),
        "growth_rate" => Figure::Ratio(match compare {
            Compare::Previous => figures.growth_rate,
            Compare::LastYear => figures.yoy_growth_rate,
        }),
        "new_customers" => Figure::Count(figures.new_customers),
        "cac" => money(figures.cac),
        "clv_revenue" => money(figures.clv_revenue),
        "sales_cycle" => Figure::Days(figures.sales_cycle.mean),
        "win_rate" => Figure::Ratio(figures.win_rate),
        "lead_conversion_rate" => Figure::Ratio(figures.lead_conversion_rate),
        "csat" => Figure::Ratio(figures.csat),
        _ => money(figures.aov),
    }
}

/// The change from `before` to `now`: relative for money, counts and days,
/// in percentage points for ratios; none when either is missing or the
/// relative change has a zero base.
fn change(now: Figure, before: Figure, lower_is_better: bool, lang: Lang) -> Option<Change> {
    let (delta, text) = match (now, before) {
        (Figure::Money(Some(now)), Figure::Money(Some(before))) => {
            let ratio = Fraction::new(now - before, before.abs()).ratio()?;
            (ratio, format::percent(Some(ratio.abs())))
        }
        (Figure::Count(now), Figure::Count(before)) => {
            let ratio = Fraction::new(
                Decimal::from(now) - Decimal::from(before),
                Decimal::from(before),
            )
            .ratio()?;
            (ratio, format::percent(Some(ratio.abs())))
        }
        (Figure::Days(Some(now)), Figure::Days(Some(before))) if before != 0.0 => {
            let ratio = (now - before) / before.abs();
            (ratio, format::percent(Some(ratio.abs())))
        }
        (Figure::Ratio(Some(now)), Figure::Ratio(Some(before))) => {
            let points = now - before;
            (points, format::points(points.abs(), lang))
        }
        _ => return None,
    };
    let up = delta >= 0.0;
    Some(Change {
        arrow: if up { "↑" } else { "↓" },
        text,
        class: if up != lower_is_better { "good" } else { "bad" },
    })
}

/// The sparkline's width and height in SVG units.
const SPARK_SIZE: (f64, f64) = (120.0, 32.0);

/// `points` of a polyline through the values (missing ones skipped), scaled
/// to [`SPARK_SIZE`] with a pixel of margin; empty for fewer than two values.
pub(super) fn sparkline(values: &[Option<f64>]) -> String {
    let present: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    if present.len() < 2 {
        return String::new();
    }
    let (low, high) = present
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let (width, height) = SPARK_SIZE;
    let step = width / (values.len().max(2) - 1) as f64;
    present
        .iter()
        .map(|(i, v)| {
            let share = if high > low {
                (v - low) / (high - low)
            } else {
                0.5
            };
            let y = 1.0 + (height - 2.0) * (1.0 - share);
            format!("{:.1},{:.1}", *i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cards of a board.
pub(super) fn cards(board: &Board, compare: Compare, lang: Lang) -> Vec<Card> {
    let recent = &board.months[board.months.len().saturating_sub(12)..];
    CARDS
        .into_iter()
        .map(|(kpi, label, lower_is_better)| {
            let now = figure(kpi, &board.totals, compare);
            let before = figure(kpi, &board.compared, compare);
            let change = if kpi == "growth_rate" {
                // A growth rate is itself a change: its sign is its direction.
                now.plotted().map(|g| Change {
                    arrow: if g >= 0.0 { "↑" } else { "↓" },
                    text: String::new(),
                    class: if g >= 0.0 { "good" } else { "bad" },
                })
            } else {
                change(now, before, lower_is_better, lang)
            };
            let trend: Vec<Option<f64>> = recent
                .iter()
                .map(|month| figure(kpi, &month.figures, compare).plotted())
                .collect();
            Card {
                kpi: explained(kpi, compare),
                label: lang.t(match (kpi, compare) {
                    ("growth_rate", Compare::Previous) => "growth_previous",
                    _ => label,
                }),
                value: now.written(lang),
                raw: now.raw(),
                change,
                against: lang.t(match compare {
                    Compare::Previous => "vs_previous",
                    Compare::LastYear => "vs_last_year",
                }),
                spark: sparkline(&trend),
            }
        })
        .collect()
}

/// The KPI a card explains.
fn explained(kpi: &'static str, compare: Compare) -> &'static str {
    match (kpi, compare) {
        ("growth_rate", Compare::LastYear) => "yoy_growth_rate",
        _ => kpi,
    }
}

/// One row of the leaderboard.
#[derive(Debug)]
pub(super) struct RepLine {
    /// 1 = highest revenue; ties share a rank.
    pub rank: usize,
    /// The user id.
    pub rep: String,
    /// The name (the id when the caller cannot see the user).
    pub name: String,
    /// The team.
    pub team: String,
    /// Revenue.
    pub revenue: String,
    /// Orders.
    pub orders: String,
    /// Revenue target.
    pub target: String,
    /// Attainment as a percentage.
    pub attainment: String,
    /// The attainment bar's width, 0–100 (attainment capped at 100%).
    pub bar: String,
}

/// The leaderboard: the rep table with names and teams.
pub(super) fn rep_lines(board: &Board) -> Vec<RepLine> {
    board
        .reps
        .iter()
        .map(|row| {
            let person = board.choices.people.iter().find(|p| p.id == row.rep);
            RepLine {
                rank: row.rank,
                rep: row.rep.clone(),
                name: person.map_or_else(|| row.rep.clone(), |p| p.name.clone()),
                team: person.and_then(|p| p.team.clone()).unwrap_or_default(),
                revenue: format::money(Some(&row.revenue.to_string())),
                orders: format::count(i64::try_from(row.orders).unwrap_or(i64::MAX)),
                target: format::money(row.target.map(|t| t.to_string()).as_deref()),
                attainment: format::percent(row.attainment),
                bar: format!(
                    "{:.1}",
                    row.attainment
                        .map_or(0.0, |a| (a * 100.0).clamp(0.0, 100.0))
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn changes_are_relative_for_amounts_and_in_points_for_ratios() {
        let lang = Lang::En;
        let revenue = change(
            Figure::Money(Some(dec("1500.00"))),
            Figure::Money(Some(dec("1200.00"))),
            false,
            lang,
        );
        let up = |text: &str, class| Change {
            arrow: "↑",
            text: text.into(),
            class,
        };
        assert_eq!(revenue, Some(up("25.0%", "good")));
        // A rise in a cost is bad; a fall is good.
        let cac = change(
            Figure::Money(Some(dec("90"))),
            Figure::Money(Some(dec("120"))),
            true,
            lang,
        );
        assert_eq!(
            cac,
            Some(Change {
                arrow: "↓",
                text: "25.0%".into(),
                class: "good"
            })
        );
        let cycle = change(
            Figure::Days(Some(30.0)),
            Figure::Days(Some(24.0)),
            true,
            lang,
        );
        assert_eq!(cycle, Some(up("25.0%", "bad")));
        let win = change(
            Figure::Ratio(Some(0.5)),
            Figure::Ratio(Some(0.375)),
            false,
            lang,
        );
        assert_eq!(win, Some(up("12.5 pp", "good")));
        // Nothing to compare with: no change rather than a division by zero.
        assert_eq!(
            change(Figure::Count(3), Figure::Count(0), false, lang),
            None
        );
        assert_eq!(
            change(
                Figure::Money(Some(dec("5"))),
                Figure::Money(None),
                false,
                lang
            ),
            None
        );
    }

    #[test]
    fn a_sparkline_spans_the_box_and_skips_missing_months() {
        assert_eq!(sparkline(&[Some(1.0)]), "");
        assert_eq!(sparkline(&[None, None]), "");
        // Three months over 120 units: x = 0, 60, 120; the lowest at the
        // bottom (y = 31), the highest at the top (y = 1).
        assert_eq!(
            sparkline(&[Some(10.0), Some(30.0), Some(20.0)]),
            "0.0,31.0 60.0,1.0 120.0,16.0"
        );
        assert_eq!(
            sparkline(&[Some(5.0), None, Some(5.0)]),
            "0.0,16.0 120.0,16.0"
        );
    }
}
