//! §4 Customer lifetime value 客户终身价值 (CLV): churn, lifespan and the two
//! CLV formulas, over the trailing year `Y = [to − 365 days, to)` and the
//! year before it `Y0 = [to − 730 days, to − 365 days)`, in local dates.
//!
//! [`lifetime`] computes all four from one pass over each year's orders; the
//! single-KPI functions below it call it.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::customers::cac_between;
use super::facts::Marks;
use super::{Fraction, View, count};

/// The longest lifespan reported, in years (also when nobody churns).
pub const MAX_LIFESPAN_YEARS: i64 = 10;

/// `[from, to)` in local dates.
pub type Dates = (NaiveDate, NaiveDate);

/// `Y = [to − 365 days, to)`.
pub fn trailing_year(to: NaiveDate) -> Dates {
    (to - Duration::days(365), to)
}

/// `Y0 = [to − 730 days, to − 365 days)`.
pub fn year_before(to: NaiveDate) -> Dates {
    trailing_year(trailing_year(to).0)
}

/// The counted orders of some dates, summed in one pass.
#[derive(Debug, Clone)]
pub struct OrderYear {
    /// Revenue (§1).
    pub revenue: Decimal,
    /// Gross profit (§1).
    pub gross_profit: Decimal,
    /// Distinct orders.
    pub orders: usize,
    /// The active customers: those with at least one counted order.
    pub active: Marks,
}

/// Revenue, gross profit, orders and active customers of the dates.
pub fn order_year(view: &View, (from, to): Dates) -> OrderYear {
    let mut year = OrderYear {
        revenue: Decimal::ZERO,
        gross_profit: Decimal::ZERO,
        orders: 0,
        active: Marks::new(view.facts.customer_count),
    };
    let mut orders = Marks::new(view.facts.order_count);
    for line in view.lines_between(from, to) {
        year.revenue += line.amount;
        year.gross_profit += line.profit;
        orders.mark(line.order_number);
        year.active.mark(line.customer_number);
    }
    year.orders = orders.count();
    year
}

/// The four lifetime KPIs at `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifetime {
    /// Share of the customers active in Y0 with no counted order in Y.
    pub annual_churn_rate: Fraction,
    /// Expected customer lifespan in years.
    pub lifespan_years: Option<Fraction>,
    /// CLV from profit.
    pub clv_profit: Option<Fraction>,
    /// CLV from revenue.
    pub clv_revenue: Option<Fraction>,
}

/// §4 at `to`:
///
/// - `annual_churn_rate` = share of customers active in Y0 that have no
///   counted order in Y (no value when none were active in Y0);
/// - `lifespan_years` = the setting `customer_lifespan_years` when set, else
///   `1 / annual_churn_rate` capped at 10 (10 when churn is 0; none when churn
///   has no value);
/// - `clv_profit` = gross_profit(Y) / active_customers(Y) × lifespan_years − cac(Y);
/// - `clv_revenue` = aov(Y) × (orders(Y) / active_customers(Y)) × lifespan_years.
pub fn lifetime(view: &View, to: NaiveDate) -> Lifetime {
    let (y, y0) = (trailing_year(to), year_before(to));
    let year = order_year(view, y);
    let before = order_year(view, y0);

    let churned = before
        .active
        .iter()
        .filter(|customer| !year.active.contains(*customer))
        .count();
    let annual_churn_rate = Fraction::new(count(churned), count(before.active.count()));

    let cap = Decimal::from(MAX_LIFESPAN_YEARS);
    let lifespan_years = match view.facts.lifespan_setting {
        Some(years) => Some(Fraction::whole(years)),
        None if before.active.count() == 0 => None,
        None if count(churned) * cap <= count(before.active.count()) => Some(Fraction::whole(cap)),
        None => Some(Fraction::new(count(before.active.count()), count(churned))),
    };

    let active = count(year.active.count());
    let orders = count(year.orders);
    let clv_profit = lifespan_years.and_then(|lifespan| {
        Fraction::new(year.gross_profit, active)
            .times(lifespan)?
            .minus(cac_between(view, y.0, y.1))
    });
    let clv_revenue = lifespan_years.and_then(|lifespan| {
        let aov = Fraction::new(year.revenue, orders);
        let frequency = Fraction::new(orders, active);
        aov.times(frequency)?.times(lifespan)
    });
    Lifetime {
        annual_churn_rate,
        lifespan_years,
        clv_profit,
        clv_revenue,
    }
}

/// `active_customers` in the dates.
pub fn active_customers(view: &View, dates: Dates) -> usize {
    order_year(view, dates).active.count()
}

/// `annual_churn_rate` at `to` (see [`lifetime`]).
pub fn annual_churn_rate(view: &View, to: NaiveDate) -> Fraction {
    lifetime(view, to).annual_churn_rate
}

/// `lifespan_years` at `to` (see [`lifetime`]).
pub fn lifespan_years(view: &View, to: NaiveDate) -> Option<Fraction> {
    lifetime(view, to).lifespan_years
}

/// `clv_profit` at `to` (see [`lifetime`]).
pub fn clv_profit(view: &View, to: NaiveDate) -> Option<Fraction> {
    lifetime(view, to).clv_profit
}

/// `clv_revenue` at `to` (see [`lifetime`]).
pub fn clv_revenue(view: &View, to: NaiveDate) -> Option<Fraction> {
    lifetime(view, to).clv_revenue
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;

    fn cents(fraction: Option<Fraction>) -> Option<Decimal> {
        fraction.and_then(Fraction::value).map(|v| {
            v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        })
    }

    #[test]
    fn the_trailing_year_spans_the_leap_day() {
        // 2024-03-01 − 365 days = 2023-03-02: the year holds 29 February.
        assert_eq!(
            trailing_year(date(2024, 3, 1)),
            (date(2023, 3, 2), date(2024, 3, 1))
        );
        assert_eq!(
            year_before(date(2024, 3, 1)),
            (date(2022, 3, 2), date(2023, 3, 2))
        );
        // 2025-01-01 − 365 days = 2024-01-02: 1 January 2024 is outside.
        assert_eq!(trailing_year(date(2025, 1, 1)).0, date(2024, 1, 2));
        let input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024")));
        // In Y of 2024-03-01: c7 (2023-07), c1, c2, c3; in Y0: c7.
        assert_eq!(active_customers(&view, trailing_year(date(2024, 3, 1))), 4);
        assert_eq!(active_customers(&view, year_before(date(2024, 3, 1))), 1);
    }

    #[test]
    fn clv_over_a_year_holding_29_february() {
        let input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024-02")));
        let to = date(2024, 3, 1);
        assert_eq!(annual_churn_rate(&view, to).ratio(), Some(0.0));
        assert_eq!(
            lifespan_years(&view, to).and_then(Fraction::ratio),
            Some(10.0)
        );
        // 26500.50 / 4 × 10 − 5300 / 3 = 64484.583…
        assert_eq!(cents(clv_profit(&view, to)), Some(dec("64484.58")));
        assert_eq!(cents(clv_revenue(&view, to)), Some(dec("84752.50")));
    }

    #[test]
    fn churn_sets_the_lifespan_unless_the_setting_does() {
        let mut input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024")));
        let to = date(2025, 1, 1);
        // Active in Y0: c7 and c1; c7 bought nothing in Y.
        assert_eq!(annual_churn_rate(&view, to).ratio(), Some(0.5));
        assert_eq!(
            lifespan_years(&view, to).and_then(Fraction::ratio),
            Some(2.0)
        );
        assert_eq!(cents(clv_profit(&view, to)), Some(dec("12308.46")));
        assert_eq!(cents(clv_revenue(&view, to)), Some(dec("20025.25")));

        input.customer_lifespan_years = Some(dec("3"));
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024")));
        assert_eq!(
            lifespan_years(&view, to).and_then(Fraction::ratio),
            Some(3.0)
        );
        // 30150.25 / 4 × 3 − 8300 / 3 = 22612.6875 − 2766.666… = 19846.020…
        assert_eq!(cents(clv_profit(&view, to)), Some(dec("19846.02")));
    }

    #[test]
    fn without_customers_before_there_is_no_churn_and_no_clv() {
        let input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2022")));
        let to = date(2023, 1, 1);
        assert_eq!(annual_churn_rate(&view, to).ratio(), None);
        assert!(lifespan_years(&view, to).is_none());
        assert!(clv_profit(&view, to).is_none());
        assert!(clv_revenue(&view, to).is_none());
    }

    #[test]
    fn a_high_churn_gives_a_short_lifespan_and_a_low_one_is_capped() {
        let input = tiny();
        let facts = Facts::new(&input);
        let view = View::new(&facts, Scope::all(period("2024")));
        // Y0 of 2025-06-01 holds c7, c1, c2, c3 and c5 (orders 2023-07 … 2024-04);
        // none of them buys in Y: churn 1, lifespan 1.
        let to = date(2025, 6, 1);
        assert_eq!(annual_churn_rate(&view, to).ratio(), Some(1.0));
        assert_eq!(
            lifespan_years(&view, to).and_then(Fraction::ratio),
            Some(1.0)
        );
    }
}
