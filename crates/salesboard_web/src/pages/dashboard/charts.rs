//! The dashboard's charts as data for `assets/app.js`: titles and labels in
//! the page's language, the numbers, their unit (money, count, percent,
//! days) and, for every bar, slice or point, the explanation it opens.

use rust_decimal::prelude::ToPrimitive;
use salesboard_app::kpi_board::{Board, ProductSales};
use salesboard_domain::Period;
use salesboard_domain::kpi::{Amount, Dimension};
use serde_json::{Value, json};

use super::super::i18n::Lang;
use super::super::{encode_query, format};
use super::query::{filter_pairs, period_pairs};

/// Bars shown in the product charts.
const PRODUCTS_SHOWN: usize = 10;

/// Upper ends (days, included) of the sales-cycle histogram's buckets; the
/// last bucket is open.
pub(super) const CYCLE_BUCKETS: [i64; 6] = [7, 14, 30, 60, 90, 180];

/// Where a chart's links point: the period and filters of the page.
pub(super) struct Links<'a> {
    /// The period shown.
    pub period: &'a Period,
    /// The page's filters.
    pub filters: &'a [(Dimension, String)],
}

impl Links<'_> {
    /// `/explain/{kpi}?…` over `period`, the page's filters, one more filter
    /// and extra parameters.
    pub fn explain(
        &self,
        kpi: &str,
        period: &Period,
        filter: Option<(Dimension, &str)>,
        extra: &[(&str, &str)],
    ) -> String {
        let mut pairs = period_pairs(period);
        pairs.extend(filter_pairs(self.filters));
        if let Some((dimension, value)) = filter {
            pairs.extend(filter_pairs(&[(dimension, value.to_string())]));
        }
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        format!("/explain/{kpi}?{}", encode_query(&pairs))
    }

    /// The same over the page's period.
    fn here(&self, kpi: &str, filter: Option<(Dimension, &str)>) -> String {
        self.explain(kpi, self.period, filter, &[])
    }
}

fn money(amount: Option<Amount>) -> Value {
    amount
        .and_then(|a| a.rounded().to_f64())
        .map_or(Value::Null, Value::from)
}

fn percent(ratio: Option<f64>) -> Value {
    ratio.map_or(Value::Null, |r| Value::from((r * 1000.0).round() / 10.0))
}

/// One series: its name, unit, value axis, values and links.
fn series(name: &str, unit: &str, axis: usize, data: Vec<Value>, links: Vec<String>) -> Value {
    json!({"name": name, "unit": unit, "axis": axis, "data": data, "links": links})
}

/// Revenue per month of the trend, with the same months a year earlier.
fn trend(board: &Board, links: &Links, lang: Lang) -> Value {
    let months = &board.months;
    let label = |period: &Period| match period.kind() {
        salesboard_domain::period::PeriodKind::Month => format::period(&period.to_string(), lang),
        _ => format::period_of(period, lang),
    };
    let now = months
        .iter()
        .map(|m| money(Some(m.figures.revenue)))
        .collect();
    let now_links = months
        .iter()
        .map(|m| links.explain("revenue", &m.figures.period, None, &[]))
        .collect();
    let before = board
        .months_last_year
        .iter()
        .map(|(_, r)| money(Some(*r)))
        .collect();
    let before_links = board
        .months_last_year
        .iter()
        .map(|(p, _)| links.explain("revenue", p, None, &[]))
        .collect();
    json!({
        "id": "trend", "kind": "line", "title": lang.t("chart_trend"),
        "zoom": months.len() > 12,
        "categories": months.iter().map(|m| label(&m.figures.period)).collect::<Vec<_>>(),
        "series": [
            series(lang.t("revenue"), "money", 0, now, now_links),
            series(lang.t("last_year"), "money", 0, before, before_links),
        ],
    })
}

/// The share of the deals created in the period that reached each stage.
fn funnel(board: &Board, links: &Links, lang: Lang) -> Value {
    let stages = &board.totals.funnel;
    json!({
        "id": "funnel", "kind": "funnel", "title": lang.t("chart_funnel"),
        "categories": stages.iter().map(|s| {
            lang.lookup(&format!("stage_{}", s.stage)).map_or_else(|| s.stage.clone(), str::to_string)
        }).collect::<Vec<_>>(),
        "series": [series(
            lang.t("deals_reached"), "count", 0,
            stages.iter().map(|s| Value::from(s.reached)).collect(),
            stages.iter().map(|_| links.here("win_rate", None)).collect(),
        )],
    })
}

/// CAC and new customers per acquisition channel.
fn channels(board: &Board, links: &Links, lang: Lang) -> Value {
    let groups = &board.channels;
    let key = |k: &Option<String>| k.clone().unwrap_or_default();
    let cac = groups
        .iter()
        .map(|g| {
            money(
                g.channel
                    .as_ref()
                    .and_then(|k| board.totals.cac_by_channel.get(k).copied().flatten()),
            )
        })
        .collect();
    let cac_links = groups
        .iter()
        .map(|g| match &g.channel {
            Some(channel) => links.explain(
                "cac_by_channel",
                links.period,
                None,
                &[("channel", channel)],
            ),
            None => links.here("cac", Some((Dimension::Channel, ""))),
        })
        .collect();
    json!({
        "id": "channels", "kind": "bar", "title": lang.t("chart_channels"),
        "categories": groups.iter().map(|g| g.channel.clone().unwrap_or_else(|| lang.t("none").to_string())).collect::<Vec<_>>(),
        "series": [
            series(lang.t("cac"), "money", 0, cac, cac_links),
            series(
                lang.t("new_customers"), "count", 1,
                groups.iter().map(|g| Value::from(g.new_customers)).collect(),
                groups.iter().map(|g| links.here("new_customers", Some((Dimension::Channel, &key(&g.channel))))).collect(),
            ),
        ],
    })
}

/// Revenue of new and of returning customers.
fn segments(board: &Board, links: &Links, lang: Lang) -> Value {
    json!({
        "id": "segments", "kind": "pie", "title": lang.t("chart_segments"),
        "categories": [lang.t("segment_new"), lang.t("segment_returning")],
        "series": [series(
            lang.t("revenue"), "money", 0,
            vec![money(Some(board.new_revenue)), money(Some(board.returning_revenue))],
            vec![
                links.here("revenue", Some((Dimension::Segment, "new"))),
                links.here("revenue", Some((Dimension::Segment, "returning"))),
            ],
        )],
    })
}

/// A horizontal bar chart of products.
fn product_bars(
    id: &str,
    title: &str,
    products: &[&ProductSales],
    by_units: bool,
    links: &Links,
    lang: Lang,
) -> Value {
    let (name, unit, kpi) = if by_units {
        (lang.t("units"), "count", "units")
    } else {
        (lang.t("revenue"), "money", "revenue")
    };
    let data = products
        .iter()
        .map(|p| {
            if by_units {
                Value::from(p.units)
            } else {
                money(Some(p.revenue))
            }
        })
        .collect();
    json!({
        "id": id, "kind": "hbar", "title": title,
        "categories": products.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "series": [series(name, unit, 0, data,
            products.iter().map(|p| links.here(kpi, Some((Dimension::Product, &p.sku)))).collect())],
    })
}

/// The slowest products: fewest units sold, then least revenue, then SKU.
fn slowest(products: &[ProductSales]) -> Vec<&ProductSales> {
    let mut slow: Vec<&ProductSales> = products.iter().collect();
    slow.sort_by(|a, b| (a.units, a.revenue, &a.sku).cmp(&(b.units, b.revenue, &b.sku)));
    slow.truncate(PRODUCTS_SHOWN);
    slow
}

/// How many won deals' cycles fall in each bucket of [`CYCLE_BUCKETS`].
pub(super) fn cycle_histogram(days: &[i64]) -> Vec<usize> {
    let mut counts = vec![0; CYCLE_BUCKETS.len() + 1];
    for day in days {
        let bucket = CYCLE_BUCKETS
            .iter()
            .position(|upper| day <= upper)
            .unwrap_or(CYCLE_BUCKETS.len());
        counts[bucket] += 1;
    }
    counts
}

/// The buckets' labels: `0–7`, `8–14` … `181+`.
pub(super) fn cycle_labels() -> Vec<String> {
    let mut lower = 0;
    let mut labels: Vec<String> = CYCLE_BUCKETS
        .iter()
        .map(|upper| {
            let label = format!("{lower}–{upper}");
            lower = upper + 1;
            label
        })
        .collect();
    labels.push(format!("{lower}+"));
    labels
}

/// Won deals per sales-cycle bucket.
fn cycle(board: &Board, links: &Links, lang: Lang) -> Value {
    let counts = cycle_histogram(&board.cycle_days);
    json!({
        "id": "cycle", "kind": "bar", "title": lang.t("chart_cycle"),
        "categories": cycle_labels().into_iter().map(|l| format!("{l} {}", lang.t("days"))).collect::<Vec<_>>(),
        "series": [series(
            lang.t("deals_won"), "count", 0,
            counts.iter().map(|&n| Value::from(n)).collect(),
            counts.iter().map(|_| links.here("sales_cycle", None)).collect(),
        )],
    })
}

/// CSAT per month of the trend.
fn csat(board: &Board, links: &Links, lang: Lang) -> Value {
    let months = &board.months;
    json!({
        "id": "csat", "kind": "line", "title": lang.t("chart_csat"),
        "zoom": months.len() > 12,
        "categories": months.iter().map(|m| format::period_of(&m.figures.period, lang)).collect::<Vec<_>>(),
        "series": [series(
            lang.t("csat"), "percent", 0,
            months.iter().map(|m| percent(m.figures.csat)).collect(),
            months.iter().map(|m| links.explain("csat", &m.figures.period, None, &[])).collect(),
        )],
    })
}

/// Every chart of the board, for `data-charts`.
pub(super) fn charts(board: &Board, links: &Links, lang: Lang) -> Value {
    let top: Vec<&ProductSales> = board.products.iter().take(PRODUCTS_SHOWN).collect();
    json!({
        "locale": match lang { Lang::Zh => "ZH", Lang::En => "EN" },
        "lang": lang.tag(),
        "table": lang.t("chart_data_table"),
        "charts": [
            trend(board, links, lang),
            funnel(board, links, lang),
            channels(board, links, lang),
            segments(board, links, lang),
            product_bars("top-products", lang.t("chart_top_products"), &top, false, links, lang),
            product_bars("slow-products", lang.t("chart_slow_products"), &slowest(&board.products), true, links, lang),
            cycle(board, links, lang),
            csat(board, links, lang),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_days_fall_into_closed_buckets_and_one_open_one() {
        assert_eq!(
            cycle_labels(),
            ["0–7", "8–14", "15–30", "31–60", "61–90", "91–180", "181+"]
        );
        // 7 is the top of the first bucket, 8 the bottom of the second.
        let days = [0, 7, 8, 14, 15, 30, 31, 90, 91, 180, 181, 400];
        assert_eq!(cycle_histogram(&days), vec![2, 2, 2, 1, 1, 2, 2]);
        assert_eq!(cycle_histogram(&[]), vec![0; 7]);
    }
}
