//! `salesboard kpi explain KPI`: how one KPI was computed — the formula, the
//! formula with the numbers, each input and the records behind it — as a
//! table for people or as JSON.

use anyhow::Context;
use clap::Args;
use salesboard_app::kpi::explain_kpi;
use salesboard_domain::kpi::explain::{
    Aggregate, Explanation, Figure, Input, KpiName, Record, Span,
};
use salesboard_store::Store;

use super::{PeriodArgs, align, grouped, int, money, number, parse_filters};
use crate::cli::Format;

/// The options of `kpi explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The KPI: revenue, orders, units, aov, gross_profit, collected,
    /// receivable, growth_rate, yoy_growth_rate, new_customers,
    /// acquisition_spend, cac, cac_by_channel (with --channel),
    /// annual_churn_rate, lifespan_years, clv_profit, clv_revenue,
    /// sales_cycle, lead_conversion_rate, win_rate, csat, csat_avg_score,
    /// csat_responses, nps, or a field of a rep's row: rep.revenue,
    /// rep.orders, rep.new_customers, rep.deals_won, rep.deals_lost,
    /// rep.win_rate, rep.sales_cycle_median, rep.activities, rep.target,
    /// rep.attainment (with --rep).
    #[arg(value_name = "KPI")]
    pub kpi: String,
    /// The channel of cac_by_channel.
    #[arg(long)]
    pub channel: Option<String>,
    /// The rep (user id) of a rep.FIELD.
    #[arg(long)]
    pub rep: Option<String>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Keep only the records with DIM=VALUE, as for the report (repeatable).
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    pub filters: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Prints the explanation of one KPI.
pub async fn run(store: &impl Store, args: ExplainArgs) -> anyhow::Result<()> {
    let kpi = KpiName::parse(&args.kpi, args.channel.as_deref(), args.rep.as_deref())?;
    let period = args.period.resolve()?;
    let filters = parse_filters(&args.filters)?;
    let explanation = explain_kpi(store, &kpi, period, &filters)
        .await
        .with_context(|| format!("cannot explain {kpi}"))?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&explanation)? + "\n",
        Format::Table => table(&explanation),
    };
    print!("{text}");
    Ok(())
}

/// The KPIs shown as percentages besides their ratio.
const PERCENT: [&str; 8] = [
    "growth_rate",
    "yoy_growth_rate",
    "annual_churn_rate",
    "lead_conversion_rate",
    "win_rate",
    "csat",
    "rep.win_rate",
    "rep.attainment",
];

fn table(e: &Explanation) -> String {
    let mut subject = format!("{} {} ({})", e.label_en, e.label_zh, e.kpi);
    if let Some(channel) = &e.channel {
        subject += &format!(", channel 渠道 {channel}");
    }
    if let Some(rep) = &e.rep {
        subject += &format!(", rep 销售 {rep}");
    }
    let mut out = format!(
        "{subject}  {}  ({} – {}, end exclusive)\n",
        e.period, e.period.from, e.period.to
    );
    if !e.filters.is_empty() {
        let filters: Vec<String> = e
            .filters
            .iter()
            .map(|f| {
                let value = f.value.as_deref().unwrap_or("(none 无)");
                format!("{}={value}", f.dimension)
            })
            .collect();
        out += &format!("Filters 筛选: {}\n", filters.join(", "));
    }
    out.push('\n');
    out += &align(
        &[
            vec!["Formula 公式".into(), e.formula.clone()],
            vec!["Substituted 代入".into(), e.substituted.clone()],
            vec!["Value 结果".into(), value(e)],
        ],
        &[false, false],
    );
    for (at, input) in e.inputs.iter().enumerate() {
        out.push('\n');
        out += &input_table(input, at.checked_sub(1).and_then(|i| e.inputs.get(i)));
    }
    if !e.notes.is_empty() {
        out += "\nNotes 说明\n";
        for note in &e.notes {
            out += &format!("- {note}\n");
        }
    }
    out
}

fn value(e: &Explanation) -> String {
    match &e.value {
        None => "— (none 无)".into(),
        Some(Figure::Ratio(r)) if PERCENT.contains(&e.kpi.as_str()) => {
            format!("{} ({:.2}%)", trimmed(number(Some(*r), 6)), r * 100.0)
        }
        Some(figure) => figure_text(figure),
    }
}

fn figure_text(figure: &Figure) -> String {
    match figure {
        Figure::Money(amount) => money(*amount),
        Figure::Count(n) => n.to_string(),
        Figure::Ratio(r) => trimmed(number(Some(*r), 6)),
        Figure::Cycle(cycle) => format!(
            "mean {} days, median {}, p90 {} ({} deals)",
            trimmed(number(cycle.mean, 2)),
            int(cycle.median),
            int(cycle.p90),
            cycle.deals
        ),
    }
}

/// `0.500000` → `0.5`.
fn trimmed(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The input's heading, then its records (or a reference to the same
/// records of the input before).
fn input_table(input: &Input, before: Option<&Input>) -> String {
    let (how, field) = match input.aggregate {
        Aggregate::Count => ("count of", None),
        Aggregate::SumAmount => ("Σ amount of", Some("amount 金额")),
        Aggregate::SumProfit => ("Σ profit of", Some("profit 毛利")),
        Aggregate::SumQuantity => ("Σ quantity of", Some("quantity 数量")),
        Aggregate::SumScore => ("Σ score of", Some("score 分数")),
        Aggregate::SumDays => ("Σ days of", Some("days 天数")),
        Aggregate::Setting => ("setting 设置", None),
    };
    let n = input.records.len();
    let summary = match input.aggregate {
        Aggregate::Setting => how.to_string(),
        _ => format!("{how} {n} record{}", if n == 1 { "" } else { "s" }),
    };
    let mut out = format!(
        "{} — {} {} = {}  ({summary}, {})\n",
        input.name,
        input.label_en,
        input.label_zh,
        figure_text(&input.value),
        span(&input.period)
    );
    if input.aggregate == Aggregate::Setting {
        return out;
    }
    if n == 0 {
        return out + "  (no records 无记录)\n";
    }
    if let Some(before) = before.filter(|b| b.records == input.records) {
        return out + &format!("  (the same {n} records as {} 同上)\n", before.name);
    }
    let shown = field.or_else(|| {
        input
            .records
            .iter()
            .any(|r| r.amount.is_some())
            .then_some("amount 金额")
    });
    let mut header = vec!["kind 类型", "id", "date 日期"];
    header.extend(shown);
    header.push("note 说明");
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for record in &input.records {
        let mut row = vec![kind(record), record.id.clone(), record.date.to_string()];
        if shown.is_some() {
            row.push(cell(record, input.aggregate));
        }
        row.push(record.note.clone());
        rows.push(row);
    }
    let mut right = vec![false, false, false];
    if shown.is_some() {
        right.push(true);
    }
    right.push(false);
    for line in align(&rows, &right).lines() {
        out += &format!("  {line}\n");
    }
    out
}

fn kind(record: &Record) -> String {
    serde_json::to_value(record.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The figure of a record that the input sums (the amount for a count).
fn cell(record: &Record, aggregate: Aggregate) -> String {
    let whole = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    match aggregate {
        Aggregate::SumProfit => record.profit.map(|p| grouped(&p.to_string())),
        Aggregate::SumQuantity => Some(whole(record.quantity)),
        Aggregate::SumScore => Some(whole(record.score)),
        Aggregate::SumDays => Some(whole(record.days)),
        _ => record.amount.map(|a| grouped(&a.to_string())),
    }
    .unwrap_or_default()
}

fn span(span: &Span) -> String {
    match span.from {
        Some(from) => format!("{from} – {}", span.to),
        None => format!("before 截至 {}", span.to),
    }
}

#[cfg(test)]
mod tests {
    use super::super::width;
    use super::*;

    #[test]
    fn ratios_are_trimmed_and_cells_are_grouped() {
        assert_eq!(trimmed("0.500000".into()), "0.5");
        assert_eq!(trimmed("10.000000".into()), "10");
        assert_eq!(trimmed("—".into()), "—");
        assert_eq!(grouped("1382.925"), "1,382.925");
        assert_eq!(width("客户获取成本"), 12);
    }
}
