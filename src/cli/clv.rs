//! `salesboard clv`: predictive customer lifetime value (`docs/kpis.md` §4
//! `clv_predictive`), the fitted BG/NBD and Gamma-Gamma parameters and, with
//! `--customers`, every customer's prediction; JSON or a table.

use anyhow::Context;
use clap::{Args, ValueEnum};
use salesboard_app::clv::predictive_clv;
use salesboard_domain::kpi::Amount;
use salesboard_domain::kpi::predictive::{CustomerClv, PredictiveClv, parse_date};
use salesboard_store::Store;

use super::Format;
use super::status::pad;

#[derive(Debug, Args)]
pub struct ClvArgs {
    /// The purchase model (with Gamma-Gamma for the value of a purchase).
    #[arg(long, value_enum, default_value_t)]
    pub model: ClvModel,
    /// The cut-off, YYYY-MM-DD: the models are fitted on the orders before
    /// this local date and predict the 365 days from it.
    #[arg(long)]
    pub to: String,
    /// Also list every customer's prediction.
    #[arg(long)]
    pub customers: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The models `clv` can fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ClvModel {
    /// BG/NBD (Fader, Hardie & Lee 2005).
    #[default]
    Bgnbd,
}

pub async fn run(store: &impl Store, args: ClvArgs) -> anyhow::Result<()> {
    let to = parse_date(&args.to).context("--to")?;
    let ClvModel::Bgnbd = args.model;
    let result = predictive_clv(store, to, args.customers)
        .await
        .context("cannot compute the predictive CLV")?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&result)? + "\n",
        Format::Table => table(&result),
    };
    print!("{text}");
    Ok(())
}

fn table(result: &PredictiveClv) -> String {
    let mut out = format!(
        "Predictive CLV 预测客户终身价值  (orders before {}, next {} days; BG/NBD + Gamma-Gamma)\n\n",
        result.to, result.horizon_days
    );
    let bgnbd = result.bgnbd.map_or_else(
        || "— (no repeat purchases 无复购)".to_string(),
        |fit| {
            let p = fit.params;
            format!(
                "r {}  alpha {}  a {}  b {}  log-likelihood {:.2}",
                num(p.r),
                num(p.alpha),
                num(p.a),
                num(p.b),
                fit.log_likelihood
            )
        },
    );
    let gamma_gamma = result.gamma_gamma.map_or_else(
        || "— (no repeat purchases 无复购)".to_string(),
        |fit| {
            let p = fit.params;
            format!(
                "p {}  q {}  gamma {}  log-likelihood {:.2}",
                num(p.p),
                num(p.q),
                num(p.gamma),
                fit.log_likelihood
            )
        },
    );
    let rows = [
        ("BG/NBD 购买模型", bgnbd),
        ("Gamma-Gamma 金额模型", gamma_gamma),
        (
            "Customers 客户",
            format!(
                "{} ({} with repeat purchases 有复购)",
                result.customers, result.repeat_customers
            ),
        ),
        ("CLV, predictive 预测终身价值", money(result.clv_predictive)),
    ];
    for (label, value) in rows {
        out += &format!("{}  {value}\n", pad(label, 30));
    }
    if let Some(customers) = &result.per_customer {
        let id_width = customers
            .iter()
            .map(|c| unicode_width::UnicodeWidthStr::width(c.rfm.customer_id.as_str()))
            .chain([8])
            .max()
            .unwrap_or(8);
        out += &format!(
            "\n{}  {:>9}  {:>8}  {:>7}  {:>10}  {:>12}  {:>17}  {:>12}\n",
            pad("customer", id_width),
            "frequency",
            "recency",
            "T",
            "mean value",
            "E[purchases]",
            "E[value/purchase]",
            "E[value]"
        );
        for c in customers {
            out += &customer_row(c, id_width);
        }
    }
    out
}

fn customer_row(c: &CustomerClv, id_width: usize) -> String {
    let opt = |v: Option<f64>, decimals: usize| {
        v.map_or_else(|| "—".to_string(), |v| format!("{v:.decimals$}"))
    };
    format!(
        "{}  {:>9}  {:>8.2}  {:>7.2}  {:>10}  {:>12}  {:>17}  {:>12}\n",
        pad(&c.rfm.customer_id, id_width),
        c.rfm.frequency,
        c.rfm.recency,
        c.rfm.age,
        opt(c.rfm.monetary_value, 2),
        opt(c.expected_purchases, 4),
        opt(c.expected_average_value, 2),
        money(c.expected_value),
    )
}

fn num(value: f64) -> String {
    format!("{value:.4}")
}

fn money(amount: Option<Amount>) -> String {
    amount.map_or_else(|| "—".to_string(), |a| a.to_string())
}
