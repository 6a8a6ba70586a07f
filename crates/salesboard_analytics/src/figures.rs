//! The figures computed from the columns, one pass over a period's range.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use salesboard_domain::Period;
use salesboard_domain::kpi::pipeline::nearest_rank;
use salesboard_domain::kpi::{Amount, Fraction, KpiFigures, SalesCycle};
use serde::Serialize;

use crate::columns::{Dictionary, Engine, MAX_LIFESPAN_YEARS, amount};
use crate::selection::{Kind, Selection};

/// Churn, lifespan and CLV over a trailing year.
struct Lifetime {
    annual_churn_rate: Option<f64>,
    lifespan_years: Option<f64>,
    clv_profit: Option<Amount>,
    clv_revenue: Option<Amount>,
}

/// CSAT and NPS of a period's answers.
struct Satisfaction {
    csat: Option<f64>,
    csat_avg_score: Option<f64>,
    csat_responses: usize,
    nps: Option<f64>,
}

/// A key with its revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// Rep id, product SKU or month (`2024-03`); `None` for records without one.
    pub key: Option<String>,
    /// Revenue.
    pub revenue: Amount,
}

impl Engine {
    pub(crate) fn revenue_units(&self, rows: &Selection, from: NaiveDate, to: NaiveDate) -> i128 {
        self.rows(rows, Kind::Lines, from, to)
            .map(|i| self.lines.amount[i])
            .sum()
    }

    /// Payments received in `[from, to)`.
    fn paid(&self, rows: &Selection, from: NaiveDate, to: NaiveDate) -> Decimal {
        let cents = self.rows(rows, Kind::Payments, from, to);
        Decimal::new(cents.map(|i| self.payment_cents[i]).sum(), 2)
    }

    /// Spend dated in `[from, to)`.
    fn spent(&self, rows: &Selection, from: NaiveDate, to: NaiveDate) -> Decimal {
        let cents = self.rows(rows, Kind::Spend, from, to);
        Decimal::new(cents.map(|i| self.spend_cents[i]).sum(), 2)
    }

    /// Every KPI of a period without filters, as the output contract shows
    /// them.
    pub fn figures(&self, period: &Period) -> KpiFigures {
        self.figures_of(&Selection::all(), period)
    }

    /// Every KPI of a period over the selected rows.
    pub(crate) fn figures_of(&self, rows: &Selection, period: &Period) -> KpiFigures {
        let lines = self.rows(rows, Kind::Lines, period.from, period.to);
        let (mut revenue, mut profit, mut units, mut orders) = (0_i128, 0_i128, 0_i64, 0_usize);
        // An order's lines are next to each other (same day, kept in order),
        // so a new order number is a new order.
        let mut last_order = u32::MAX;
        for i in lines {
            revenue += self.lines.amount[i];
            profit += self.lines.profit[i];
            units += self.lines.quantity[i];
            if self.lines.order[i] != last_order {
                last_order = self.lines.order[i];
                orders += 1;
            }
        }
        let revenue = amount(revenue);
        let growth = |base: Period| {
            let before = amount(self.revenue_units(rows, base.from, base.to));
            Fraction::new(revenue - before, before).ratio()
        };
        let billed = amount(self.billed_before(rows, period.to));
        let paid = Decimal::new(self.paid_before(rows, period.to), 2);
        let spend = self.spent(rows, period.from, period.to);
        let new_customers = self
            .rows(rows, Kind::FirstOrders, period.from, period.to)
            .len();
        let (sales_cycle, win_rate) = self.deals(rows, period);
        let satisfaction = self.satisfaction(rows, period);
        let lifetime = self.lifetime(rows, period.to);
        KpiFigures {
            period: *period,
            revenue: Amount(revenue),
            orders,
            units,
            aov: Amount::of(Fraction::new(revenue, Decimal::from(orders))),
            gross_profit: Amount(amount(profit)),
            collected: Amount(self.paid(rows, period.from, period.to)),
            receivable: Amount(billed - paid),
            growth_rate: growth(period.previous()),
            yoy_growth_rate: growth(period.same_period_last_year()),
            new_customers,
            acquisition_spend: Amount(spend),
            cac: Amount::of(Fraction::new(spend, Decimal::from(new_customers))),
            cac_by_channel: self.cac_by_channel(rows, period),
            annual_churn_rate: lifetime.annual_churn_rate,
            lifespan_years: lifetime.lifespan_years,
            clv_profit: lifetime.clv_profit,
            clv_revenue: lifetime.clv_revenue,
            sales_cycle,
            lead_conversion_rate: self.lead_conversion_rate(rows, period),
            win_rate,
            csat: satisfaction.csat,
            csat_avg_score: satisfaction.csat_avg_score,
            csat_responses: satisfaction.csat_responses,
            nps: satisfaction.nps,
            funnel: self.funnel_of(rows, period),
        }
    }

    fn cac_by_channel(
        &self,
        rows: &Selection,
        period: &Period,
    ) -> BTreeMap<String, Option<Amount>> {
        let channels = self.spend_channels(rows);
        let mut spend: BTreeMap<u32, i64> = channels.iter().map(|c| (*c, 0)).collect();
        for i in self.rows(rows, Kind::Spend, period.from, period.to) {
            if self.spend_channel[i] != u32::MAX {
                *spend.entry(self.spend_channel[i]).or_default() += self.spend_cents[i];
            }
        }
        let mut acquired: BTreeMap<u32, usize> = BTreeMap::new();
        for i in self.rows(rows, Kind::FirstOrders, period.from, period.to) {
            let channel = self.first_order_channel[i];
            if channel != u32::MAX {
                *acquired.entry(channel).or_default() += 1;
                spend.entry(channel).or_default();
            }
        }
        spend
            .into_iter()
            .map(|(channel, cents)| {
                let customers = acquired.get(&channel).copied().unwrap_or_default();
                let name = self
                    .channels
                    .names
                    .get(channel as usize)
                    .cloned()
                    .unwrap_or_default();
                (
                    name,
                    Amount::of(Fraction::new(
                        Decimal::new(cents, 2),
                        Decimal::from(customers),
                    )),
                )
            })
            .collect()
    }

    fn lead_conversion_rate(&self, rows: &Selection, period: &Period) -> Option<f64> {
        let (mut cohort, mut converted) = (0_usize, 0_usize);
        for i in self.rows(rows, Kind::Leads, period.from, period.to) {
            cohort += 1;
            converted += usize::from(self.created_converted[i]);
        }
        Fraction::new(Decimal::from(converted), Decimal::from(cohort)).ratio()
    }

    /// Revenue, profit, orders and active customers of `[from, to)`.
    fn year(
        &self,
        rows: &Selection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> (Decimal, Decimal, usize, Vec<bool>) {
        let (mut revenue, mut profit, mut orders) = (0_i128, 0_i128, 0_usize);
        let mut last_order = u32::MAX;
        let mut active = vec![false; self.customers];
        for i in self.rows(rows, Kind::Lines, from, to) {
            revenue += self.lines.amount[i];
            profit += self.lines.profit[i];
            if self.lines.order[i] != last_order {
                last_order = self.lines.order[i];
                orders += 1;
            }
            active[self.lines.customer[i] as usize] = true;
        }
        (amount(revenue), amount(profit), orders, active)
    }

    /// Churn, lifespan and CLV over the trailing year before `to`.
    fn lifetime(&self, rows: &Selection, to: NaiveDate) -> Lifetime {
        let year_start = to - chrono::Duration::days(365);
        let before_start = year_start - chrono::Duration::days(365);
        let (revenue, profit, orders, active) = self.year(rows, year_start, to);
        let (_, _, _, active_before) = self.year(rows, before_start, year_start);
        let was_active = active_before.iter().filter(|a| **a).count();
        let churned = active_before
            .iter()
            .zip(&active)
            .filter(|(before, now)| **before && !**now)
            .count();
        let count = |n: usize| Decimal::from(n);
        let cap = Decimal::from(MAX_LIFESPAN_YEARS);
        let lifespan = match self.lifespan_setting {
            Some(years) => Some(Fraction::whole(years)),
            None if was_active == 0 => None,
            None if count(churned) * cap <= count(was_active) => Some(Fraction::whole(cap)),
            None => Some(Fraction::new(count(was_active), count(churned))),
        };
        let customers = count(active.iter().filter(|a| **a).count());
        let spend = self.spent(rows, year_start, to);
        let new_customers = self.rows(rows, Kind::FirstOrders, year_start, to).len();
        let cac = Fraction::new(spend, count(new_customers));
        let clv_profit =
            lifespan.and_then(|years| Fraction::new(profit, customers).times(years)?.minus(cac));
        let clv_revenue = lifespan.and_then(|years| {
            let aov = Fraction::new(revenue, count(orders));
            aov.times(Fraction::new(count(orders), customers))?
                .times(years)
        });
        Lifetime {
            annual_churn_rate: Fraction::new(count(churned), count(was_active)).ratio(),
            lifespan_years: lifespan.and_then(Fraction::ratio),
            clv_profit: clv_profit.and_then(Amount::of),
            clv_revenue: clv_revenue.and_then(Amount::of),
        }
    }

    /// The sales cycle and win rate of deals closed in the period.
    fn deals(&self, rows: &Selection, period: &Period) -> (SalesCycle, Option<f64>) {
        let (mut won, mut lost) = (0_usize, 0_usize);
        let mut cycles = Vec::new();
        for i in self.rows(rows, Kind::Closed, period.from, period.to) {
            if self.closed_won[i] {
                won += 1;
                cycles.push(self.closed_cycle[i]);
            } else if self.closed_lost[i] {
                lost += 1;
            }
        }
        cycles.sort_unstable();
        let count = |n: usize| Decimal::from(n);
        let cycle = SalesCycle {
            mean: Fraction::new(
                cycles.iter().copied().map(Decimal::from).sum::<Decimal>(),
                count(cycles.len()),
            )
            .ratio(),
            median: nearest_rank(&cycles, 50),
            p90: nearest_rank(&cycles, 90),
            deals: cycles.len(),
        };
        (cycle, Fraction::new(count(won), count(won + lost)).ratio())
    }

    /// CSAT (1–5 answers) and NPS (0–10 answers) answered in the period.
    fn satisfaction(&self, rows: &Selection, period: &Period) -> Satisfaction {
        let (mut five, mut satisfied, mut five_total) = (0_usize, 0_usize, 0_i64);
        let (mut ten, mut promoters, mut detractors) = (0_usize, 0_usize, 0_usize);
        for i in self.rows(rows, Kind::Surveys, period.from, period.to) {
            let score = self.survey_score[i];
            if self.survey_ten[i] {
                ten += 1;
                promoters += usize::from(score >= 9);
                detractors += usize::from(score <= 6);
            } else {
                five += 1;
                satisfied += usize::from(score >= 4);
                five_total += score;
            }
        }
        let count = |n: usize| Decimal::from(n);
        Satisfaction {
            csat: Fraction::new(count(satisfied), count(five)).ratio(),
            csat_avg_score: Fraction::new(Decimal::from(five_total), count(five)).ratio(),
            csat_responses: five,
            nps: Fraction::new(count(promoters) - count(detractors), count(ten)).ratio(),
        }
    }

    /// Revenue per calendar month of the period (months clipped to it).
    pub fn monthly_revenue(&self, period: &Period) -> Vec<Ranked> {
        let mut months = Vec::new();
        let mut from = period.from;
        while from < period.to {
            let next = NaiveDate::from_ymd_opt(from.year(), from.month(), 1)
                .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
                .map_or(period.to, |next| next.min(period.to));
            months.push(Ranked {
                key: Some(format!("{}-{:02}", from.year(), from.month())),
                revenue: Amount(amount(self.revenue_units(&Selection::all(), from, next))),
            });
            from = next;
        }
        months
    }

    /// Revenue per rep (order owner), highest first, then by key.
    pub fn revenue_by_rep(&self, period: &Period) -> Vec<Ranked> {
        self.ranked(period, &self.lines.owner, &self.owners, usize::MAX)
    }

    /// The `top` products by revenue, highest first, then by SKU.
    pub fn top_products(&self, period: &Period, top: usize) -> Vec<Ranked> {
        self.ranked(period, &self.lines.product, &self.products, top)
    }

    fn ranked(
        &self,
        period: &Period,
        codes: &[u32],
        dictionary: &Dictionary,
        top: usize,
    ) -> Vec<Ranked> {
        let mut sums = vec![0_i128; dictionary.names.len() + 1];
        for i in self.rows(&Selection::all(), Kind::Lines, period.from, period.to) {
            let code = codes[i];
            let slot = if code == u32::MAX {
                dictionary.names.len()
            } else {
                code as usize
            };
            sums[slot] += self.lines.amount[i];
        }
        let mut ranked: Vec<Ranked> = sums
            .into_iter()
            .enumerate()
            .map(|(slot, units)| Ranked {
                key: dictionary.names.get(slot).cloned(),
                revenue: Amount(amount(units)),
            })
            .collect();
        ranked.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.key.cmp(&b.key)));
        ranked.truncate(top);
        ranked
    }
}
