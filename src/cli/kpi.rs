//! `salesboard kpi`: every KPI of `docs/kpis.md` for a period, as the JSON of
//! the output contract, a table for people, or CSV with one row per group;
//! `salesboard kpi explain KPI` shows how one of them was computed.

mod explain;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use salesboard_app::kpi::kpi_report;
use salesboard_domain::Period;
use salesboard_domain::kpi::{
    Amount, Dimension, KpiFigures, KpiReport, RepRow, parse_filter, period_between,
};
use salesboard_store::Store;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct KpiArgs {
    /// `kpi explain KPI …` instead of the whole report.
    #[command(subcommand)]
    pub command: Option<KpiCommand>,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Group by day, week, month, quarter, year, rep, team, product, category,
    /// channel, region, industry or segment.
    #[arg(long, value_name = "DIM")]
    pub by: Option<String>,
    /// Keep only the records with DIM=VALUE (repeatable; 'channel=' keeps those
    /// without a channel; a time filter like month=2024-02 narrows the period).
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    pub filters: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: KpiFormat,
}

/// What `kpi` does besides the report.
#[derive(Debug, Subcommand)]
pub enum KpiCommand {
    /// How one KPI was computed: the formula, the numbers, the inputs and the
    /// records behind each input (ids, dates, amounts), to check it by hand.
    Explain(explain::ExplainArgs),
}

/// The period of a report: `--period`, or `--from` and `--to`.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// The period: a month (2024-03), a quarter (2024-Q1) or a year (2024).
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present_all = ["from", "to"])]
    pub period: Option<String>,
    /// Instead of --period: the first day, YYYY-MM-DD (with --to).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// The day after the last one, YYYY-MM-DD (exclusive).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl PeriodArgs {
    /// The period the options name.
    fn resolve(&self) -> anyhow::Result<Period> {
        Ok(match (&self.period, &self.from, &self.to) {
            (Some(period), _, _) => Period::parse(period)?,
            (None, Some(from), Some(to)) => period_between(from, to)?,
            _ => anyhow::bail!("give --period, or --from and --to"),
        })
    }
}

/// Parses the `--filter DIM=VALUE` options.
fn parse_filters(filters: &[String]) -> anyhow::Result<Vec<(Dimension, String)>> {
    Ok(filters
        .iter()
        .map(|f| parse_filter(f))
        .collect::<Result<Vec<_>, _>>()?)
}

/// How `kpi` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum KpiFormat {
    /// For people (English and Chinese labels).
    #[default]
    Table,
    /// The output contract of docs/kpis.md.
    Json,
    /// One row per group (the whole period when there is no --by).
    Csv,
}

pub async fn run(store: &impl Store, args: KpiArgs) -> anyhow::Result<()> {
    if let Some(KpiCommand::Explain(explain_args)) = args.command {
        return explain::run(store, explain_args).await;
    }
    let period = args.period.resolve()?;
    let by = args
        .by
        .as_deref()
        .map(str::parse::<Dimension>)
        .transpose()?;
    let filters = parse_filters(&args.filters)?;
    let report = kpi_report(store, period, by, &filters)
        .await
        .context("cannot compute the KPIs")?;
    let text = match args.format {
        KpiFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        KpiFormat::Table => table(&report, by),
        KpiFormat::Csv => csv(&report),
    };
    print!("{text}");
    Ok(())
}

// ---- table ----

fn table(report: &KpiReport, by: Option<Dimension>) -> String {
    let f = &report.totals;
    let mut out = format!(
        "KPIs 关键指标  {}  ({} – {}, end exclusive)\n\n",
        f.period, f.period.from, f.period.to
    );
    let mut rows: Vec<Vec<String>> = vec![
        row("Revenue 销售额", money(f.revenue)),
        row("Orders 订单数", f.orders.to_string()),
        row("Units 件数", f.units.to_string()),
        row("Average order value 客单价", opt_money(f.aov)),
        row("Gross profit 毛利", money(f.gross_profit)),
        row("Collected 回款", money(f.collected)),
        row("Receivable 应收", money(f.receivable)),
        row("Growth rate 销售增长率", growth(f.growth_rate)),
        row("Year-on-year growth 同比增长率", growth(f.yoy_growth_rate)),
        row("New customers 新客户", f.new_customers.to_string()),
        row("Acquisition spend 获客费用", money(f.acquisition_spend)),
        row("CAC 客户获取成本", opt_money(f.cac)),
    ];
    for (channel, cac) in &f.cac_by_channel {
        rows.push(row(&format!("  CAC {channel}"), opt_money(*cac)));
    }
    rows.extend([
        row("Annual churn rate 年流失率", percent(f.annual_churn_rate)),
        row(
            "Lifespan, years 客户生命周期(年)",
            number(f.lifespan_years, 2),
        ),
        row("CLV, profit 客户终身价值(利润)", opt_money(f.clv_profit)),
        row("CLV, revenue 客户终身价值(收入)", opt_money(f.clv_revenue)),
        row(
            "Sales cycle, days 销售周期(天)",
            format!(
                "mean {}, median {}, p90 {} ({} deals)",
                number(f.sales_cycle.mean, 1),
                int(f.sales_cycle.median),
                int(f.sales_cycle.p90),
                f.sales_cycle.deals
            ),
        ),
        row("Lead conversion 转化率", percent(f.lead_conversion_rate)),
        row("Win rate 赢单率", percent(f.win_rate)),
        row("CSAT 客户满意度", percent(f.csat)),
        row("CSAT average score 平均分", number(f.csat_avg_score, 2)),
        row("CSAT responses 问卷数", f.csat_responses.to_string()),
        row("NPS 净推荐值", number(f.nps.map(|n| n * 100.0), 1)),
    ]);
    out += &align(&rows, &[false, true]);

    if !f.funnel.is_empty() {
        out += "\nFunnel 销售漏斗 (deals created in the period 本期新建商机)\n";
        let stages: Vec<Vec<String>> = f
            .funnel
            .iter()
            .map(|s| vec![s.stage.clone(), s.reached.to_string(), percent(s.share)])
            .collect();
        out += &align(&stages, &[false, true, true]);
    }

    out += "\nReps 销售代表绩效\n";
    let mut reps = vec![
        [
            "rank 排名",
            "rep 销售",
            "revenue 销售额",
            "orders 订单",
            "new 新客",
            "won 赢单",
            "lost 输单",
            "win rate 赢单率",
            "cycle 周期",
            "follow-ups 跟进",
            "target 目标",
            "attainment 达成率",
        ]
        .map(String::from)
        .to_vec(),
    ];
    reps.extend(report.reps.iter().map(rep_row));
    let mut right = vec![true; 12];
    right[1] = false;
    out += &align(&reps, &right);

    if let (Some(by), Some(groups)) = (by, &report.groups) {
        out += &format!("\nBy {by} 分组\n");
        let mut rows = vec![
            [
                by.as_str(),
                "revenue 销售额",
                "growth 增长",
                "orders 订单",
                "units 件数",
                "aov 客单价",
                "gross profit 毛利",
                "new 新客",
                "spend 费用",
                "cac 获客成本",
                "win rate 赢单率",
                "csat 满意度",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for group in groups {
            let g = &group.figures;
            rows.push(vec![
                group.key.clone().unwrap_or_else(|| "(none 无)".into()),
                money(g.revenue),
                growth(g.growth_rate),
                g.orders.to_string(),
                g.units.to_string(),
                opt_money(g.aov),
                money(g.gross_profit),
                g.new_customers.to_string(),
                money(g.acquisition_spend),
                opt_money(g.cac),
                percent(g.win_rate),
                percent(g.csat),
            ]);
        }
        let mut right = vec![true; 12];
        right[0] = false;
        out += &align(&rows, &right);
    }
    out
}

fn row(label: &str, value: String) -> Vec<String> {
    vec![label.to_string(), value]
}

fn rep_row(r: &RepRow) -> Vec<String> {
    vec![
        r.rank.to_string(),
        r.rep.clone(),
        money(r.revenue),
        r.orders.to_string(),
        r.new_customers.to_string(),
        r.deals_won.to_string(),
        r.deals_lost.to_string(),
        percent(r.win_rate),
        int(r.sales_cycle_median),
        r.activities.to_string(),
        opt_money(r.target),
        percent(r.attainment),
    ]
}

/// Columns padded to the widest cell, counting CJK characters as two columns.
fn align(rows: &[Vec<String>], right: &[bool]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for cells in rows {
        let line: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
                if right.get(c).copied().unwrap_or(true) {
                    format!("{pad}{cell}")
                } else {
                    format!("{cell}{pad}")
                }
            })
            .collect();
        out += line.join("  ").trim_end();
        out.push('\n');
    }
    out
}

/// Columns on a terminal (Chinese characters take two).
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `34,050.50`.
fn money(amount: Amount) -> String {
    grouped(&amount.to_string())
}

/// A decimal number's whole part grouped by thousands: `34,050.50`,
/// `1,382.925`.
fn grouped(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{cents}")
}

fn opt_money(amount: Option<Amount>) -> String {
    amount.map(money).unwrap_or_else(|| "—".into())
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| format!("{:.2}%", r * 100.0))
}

fn growth(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r > 0.0 => format!("↑ {:.2}%", r * 100.0),
        Some(r) if r < 0.0 => format!("↓ {:.2}%", -r * 100.0),
        Some(_) => "0.00%".into(),
        None => "—".into(),
    }
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.decimals$}"))
}

fn int(value: Option<i64>) -> String {
    value.map_or_else(|| "—".into(), |v| v.to_string())
}

// ---- csv ----

fn csv(report: &KpiReport) -> String {
    let rows: Vec<(String, Vec<(String, String)>)> = match &report.groups {
        Some(groups) => groups
            .iter()
            .map(|g| (g.key.clone().unwrap_or_default(), csv_fields(&g.figures)))
            .collect(),
        None => vec![("total".into(), csv_fields(&report.totals))],
    };
    let mut header: Vec<String> = vec!["key".into()];
    for (_, fields) in &rows {
        for (name, _) in fields {
            if !header.contains(name) {
                header.push(name.clone());
            }
        }
    }
    let mut out = csv_line(&header);
    for (key, fields) in &rows {
        let cells: Vec<String> = header
            .iter()
            .map(|column| match column.as_str() {
                "key" => key.clone(),
                _ => fields
                    .iter()
                    .find(|(name, _)| name == column)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
            })
            .collect();
        out += &csv_line(&cells);
    }
    out
}

/// The contract's fields, nested ones as `sales_cycle.mean`,
/// `cac_by_channel.search`, `funnel.won`; a missing value is empty.
fn csv_fields(f: &KpiFigures) -> Vec<(String, String)> {
    let money = |a: Amount| a.to_string();
    let opt_money = |a: Option<Amount>| a.map(|a| a.to_string()).unwrap_or_default();
    let ratio = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
    let int = |i: Option<i64>| i.map(|i| i.to_string()).unwrap_or_default();
    let mut fields: Vec<(&str, String)> = vec![
        ("from", f.period.from.to_string()),
        ("to", f.period.to.to_string()),
        ("revenue", money(f.revenue)),
        ("orders", f.orders.to_string()),
        ("units", f.units.to_string()),
        ("aov", opt_money(f.aov)),
        ("gross_profit", money(f.gross_profit)),
        ("collected", money(f.collected)),
        ("receivable", money(f.receivable)),
        ("growth_rate", ratio(f.growth_rate)),
        ("yoy_growth_rate", ratio(f.yoy_growth_rate)),
        ("new_customers", f.new_customers.to_string()),
        ("acquisition_spend", money(f.acquisition_spend)),
        ("cac", opt_money(f.cac)),
        ("annual_churn_rate", ratio(f.annual_churn_rate)),
        ("lifespan_years", ratio(f.lifespan_years)),
        ("clv_profit", opt_money(f.clv_profit)),
        ("clv_revenue", opt_money(f.clv_revenue)),
        ("sales_cycle.mean", ratio(f.sales_cycle.mean)),
        ("sales_cycle.median", int(f.sales_cycle.median)),
        ("sales_cycle.p90", int(f.sales_cycle.p90)),
        ("sales_cycle.deals", f.sales_cycle.deals.to_string()),
        ("lead_conversion_rate", ratio(f.lead_conversion_rate)),
        ("win_rate", ratio(f.win_rate)),
        ("csat", ratio(f.csat)),
        ("csat_avg_score", ratio(f.csat_avg_score)),
        ("csat_responses", f.csat_responses.to_string()),
        ("nps", ratio(f.nps)),
    ];
    let mut named: Vec<(String, String)> =
        fields.drain(..).map(|(k, v)| (k.to_string(), v)).collect();
    named.extend(
        f.cac_by_channel
            .iter()
            .map(|(channel, cac)| (format!("cac_by_channel.{channel}"), opt_money(*cac))),
    );
    named.extend(
        f.funnel
            .iter()
            .map(|s| (format!("funnel.{}", s.stage), ratio(s.share))),
    );
    named
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|cell| {
            if cell.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", cell.replace('"', "\"\""))
            } else {
                cell.clone()
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands() {
        let amount = |cents: i64| Amount(salesboard_domain::Money::from_cents(cents).to_decimal());
        assert_eq!(money(amount(3_405_050)), "34,050.50");
        assert_eq!(money(amount(-10_770_100)), "-107,701.00");
        assert_eq!(money(amount(5)), "0.05");
        assert_eq!(money(amount(100_000)), "1,000.00");
    }

    #[test]
    fn growth_has_arrows_and_cells_align_with_chinese() {
        assert_eq!(growth(Some(0.5)), "↑ 50.00%");
        assert_eq!(growth(Some(-0.25)), "↓ 25.00%");
        assert_eq!(growth(None), "—");
        assert_eq!(width("销售额 x"), 8);
        let text = align(
            &[row("销售额", "1".into()), row("ab", "22".into())],
            &[false, true],
        );
        assert_eq!(text, "销售额   1\nab      22\n");
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        assert_eq!(
            csv_line(&["a".into(), "b,c".into(), "say \"hi\"".into()]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
    }
}
