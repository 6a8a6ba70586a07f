//! The output contract of `docs/kpis.md`: one [`KpiReport`] with every KPI of
//! a period, the rep table, and with `--by` the groups. Money is a string with
//! two decimals (rounded half away from zero only here), ratios and averages
//! are numbers, missing values are `null`.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use super::breakdown::{self, Dimension};
use super::customers::{
    acquisition_spend, cac, cac_by_channel, lead_conversion_rate, new_customers,
};
use super::lifetime::lifetime;
use super::pipeline::{funnel, sales_cycle, win_rate};
use super::reps::{RepRow, rep_table};
use super::revenue::{
    aov, collected, gross_profit, growth_rate, orders, receivable, revenue, units, yoy_growth_rate,
};
use super::satisfaction::{csat, csat_avg_score, csat_responses, nps};
use super::{Facts, Fraction, KpiInput, View};
use crate::{Period, ValidationError};

/// An exact amount of money, shown and serialized rounded to cents, half
/// away from zero (`"8512.63"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    /// The amount of a quotient, if it has one.
    pub fn of(fraction: Fraction) -> Option<Amount> {
        fraction.value().map(Amount)
    }

    /// The exact amount.
    pub fn exact(self) -> Decimal {
        self.0
    }

    /// Rounded to cents, half away from zero, with exactly two decimals.
    pub fn rounded(self) -> Decimal {
        let mut cents = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if cents.is_zero() {
            cents = Decimal::ZERO;
        }
        cents.rescale(2);
        cents
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rounded())
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// §5 in the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SalesCycle {
    /// Mean days.
    pub mean: Option<f64>,
    /// Median days (nearest rank).
    pub median: Option<i64>,
    /// 90th percentile days (nearest rank).
    pub p90: Option<i64>,
    /// Won deals counted.
    pub deals: usize,
}

/// One stage of the funnel in the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelStage {
    /// Stage code.
    pub stage: String,
    /// Deals created in P that reached it.
    pub reached: usize,
    /// Their share of the deals created in P.
    pub share: Option<f64>,
}

/// Every KPI of one period (and scope), in the contract's field order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiFigures {
    /// `{from, to}`, `to` exclusive.
    pub period: Period,
    /// §1 revenue 销售额.
    pub revenue: Amount,
    /// §1 orders.
    pub orders: usize,
    /// §1 units (returns subtract).
    pub units: i64,
    /// §1 average order value 客单价.
    pub aov: Option<Amount>,
    /// §1 gross profit 毛利.
    pub gross_profit: Amount,
    /// §1 collected 回款.
    pub collected: Amount,
    /// §1 receivable 应收 at `to`.
    pub receivable: Amount,
    /// §2 growth over the previous period.
    pub growth_rate: Option<f64>,
    /// §2 growth over the same period last year.
    pub yoy_growth_rate: Option<f64>,
    /// §3 new customers.
    pub new_customers: usize,
    /// §3 acquisition spend.
    pub acquisition_spend: Amount,
    /// §3 CAC.
    pub cac: Option<Amount>,
    /// §3 CAC per channel.
    pub cac_by_channel: BTreeMap<String, Option<Amount>>,
    /// §4 annual churn rate.
    pub annual_churn_rate: Option<f64>,
    /// §4 customer lifespan in years.
    pub lifespan_years: Option<f64>,
    /// §4 CLV from profit.
    pub clv_profit: Option<Amount>,
    /// §4 CLV from revenue.
    pub clv_revenue: Option<Amount>,
    /// §5 sales cycle.
    pub sales_cycle: SalesCycle,
    /// §6 lead conversion rate.
    pub lead_conversion_rate: Option<f64>,
    /// §6 win rate 赢单率.
    pub win_rate: Option<f64>,
    /// §7 CSAT.
    pub csat: Option<f64>,
    /// §7 mean 1–5 score.
    pub csat_avg_score: Option<f64>,
    /// §7 1–5 responses.
    pub csat_responses: usize,
    /// §7 NPS.
    pub nps: Option<f64>,
    /// §6 funnel (a field beyond the contract's list).
    pub funnel: Vec<FunnelStage>,
}

/// One group of a breakdown: its key and its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiGroup {
    /// The group's key (`2024-01`, `u-li`, `new` …); `null` for the records
    /// without a value for the dimension.
    pub key: Option<String>,
    /// The same KPIs inside the group.
    #[serde(flatten)]
    pub figures: KpiFigures,
}

/// The whole report: the contract's JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiReport {
    /// Every KPI over the period (and filters).
    #[serde(flatten)]
    pub totals: KpiFigures,
    /// §8, sorted by rank, then rep id.
    pub reps: Vec<RepRow>,
    /// With `--by`: the groups, ordered by key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<KpiGroup>>,
}

/// Every KPI of the period in the view.
pub fn kpi_figures(view: &View, period: &Period, stage_order: &[String]) -> KpiFigures {
    let cycle = sales_cycle(view, period);
    let lifetime = lifetime(view, period.to);
    KpiFigures {
        period: *period,
        revenue: Amount(revenue(view, period)),
        orders: orders(view, period),
        units: units(view, period),
        aov: Amount::of(aov(view, period)),
        gross_profit: Amount(gross_profit(view, period)),
        collected: Amount(collected(view, period)),
        receivable: Amount(receivable(view, period.to)),
        growth_rate: growth_rate(view, period).ratio(),
        yoy_growth_rate: yoy_growth_rate(view, period).ratio(),
        new_customers: new_customers(view, period),
        acquisition_spend: Amount(acquisition_spend(view, period)),
        cac: Amount::of(cac(view, period)),
        cac_by_channel: cac_by_channel(view, period)
            .into_iter()
            .map(|(channel, cac)| (channel, Amount::of(cac)))
            .collect(),
        annual_churn_rate: lifetime.annual_churn_rate.ratio(),
        lifespan_years: lifetime.lifespan_years.and_then(Fraction::ratio),
        clv_profit: lifetime.clv_profit.and_then(Amount::of),
        clv_revenue: lifetime.clv_revenue.and_then(Amount::of),
        sales_cycle: SalesCycle {
            mean: cycle.mean.ratio(),
            median: cycle.median,
            p90: cycle.p90,
            deals: cycle.deals,
        },
        lead_conversion_rate: lead_conversion_rate(view, period).ratio(),
        win_rate: win_rate(view, period).ratio(),
        csat: csat(view, period).ratio(),
        csat_avg_score: csat_avg_score(view, period).ratio(),
        csat_responses: csat_responses(view, period),
        nps: nps(view, period).ratio(),
        funnel: funnel(view, period, stage_order)
            .into_iter()
            .map(|stage| FunnelStage {
                stage: stage.stage,
                reached: stage.reached,
                share: stage.share.ratio(),
            })
            .collect(),
    }
}

/// The report of `salesboard kpi`: the period (narrowed by time filters),
/// the records the other filters select, and with `by` the groups.
/// `stage_order` is the pipeline, first stage first.
pub fn kpi_report(
    input: &KpiInput,
    period: Period,
    stage_order: &[String],
    by: Option<Dimension>,
    filters: &[(Dimension, String)],
) -> Result<KpiReport, ValidationError> {
    let facts = Facts::new(input);
    let (period, scope) = breakdown::apply_filters(period, filters)?;
    let view = View::new(&facts, scope);
    Ok(KpiReport {
        totals: kpi_figures(&view, &period, stage_order),
        reps: rep_table(&view, &period),
        groups: by.map(|dimension| breakdown::groups(&view, &period, dimension, stage_order)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::*;

    #[test]
    fn money_rounds_half_away_from_zero_only_at_output() {
        assert_eq!(Amount(dec("8512.625")).to_string(), "8512.63");
        assert_eq!(Amount(dec("-8512.625")).to_string(), "-8512.63");
        assert_eq!(Amount(dec("0.004")).to_string(), "0.00");
        assert_eq!(Amount(dec("-0.004")).to_string(), "0.00");
        assert_eq!(Amount(dec("3600")).to_string(), "3600.00");
        assert_eq!(Amount(dec("2.5")).to_string(), "2.50");
    }

    #[test]
    fn the_report_holds_the_totals_the_reps_and_groups_only_when_asked() {
        let input = tiny();
        let q1 = period("2024-Q1");
        let report = kpi_report(&input, q1, &stages(), None, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.totals.revenue.to_string(), "34050.50");
        assert_eq!(
            report.totals.aov.map(|a| a.to_string()).as_deref(),
            Some("8512.63")
        );
        assert_eq!(
            report.totals.cac.map(|a| a.to_string()).as_deref(),
            Some("3266.67")
        );
        assert_eq!(report.reps.len(), 2);
        assert!(report.groups.is_none());
        let funnel: Vec<usize> = report.totals.funnel.iter().map(|s| s.reached).collect();
        assert_eq!(funnel, [6, 6, 5, 4, 3]);
        let by_month = kpi_report(&input, q1, &stages(), Some(Dimension::Month), &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(by_month.groups.map(|g| g.len()), Some(3));
    }
}
