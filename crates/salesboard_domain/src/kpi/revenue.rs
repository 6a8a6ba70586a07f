//! §1 Revenue 销售额 and §2 Sales growth rate 销售增长率.
//!
//! Over counted lines (the order is not cancelled) of orders with
//! `ordered_at ∈ P`; a return is a line with negative quantity and lowers
//! revenue, units and gross profit.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::facts::Marks;
use super::{Fraction, View, count};
use crate::Period;

/// `revenue(P)` = Σ line amounts of counted lines of orders with `ordered_at ∈ P`.
pub fn revenue(view: &View, period: &Period) -> Decimal {
    revenue_between(view, period.from, period.to)
}

/// Revenue of orders placed in `[from, to)`.
pub fn revenue_between(view: &View, from: NaiveDate, to: NaiveDate) -> Decimal {
    view.lines_between(from, to).map(|line| line.amount).sum()
}

/// `orders(P)` = number of distinct orders with a counted line in P.
pub fn orders(view: &View, period: &Period) -> usize {
    orders_between(view, period.from, period.to)
}

/// Distinct orders placed in `[from, to)`.
pub fn orders_between(view: &View, from: NaiveDate, to: NaiveDate) -> usize {
    let mut orders = Marks::new(view.facts.order_count);
    view.lines_between(from, to)
        .filter(|line| orders.mark(line.order_number))
        .count()
}

/// `units(P)` = Σ quantity (returns subtract).
pub fn units(view: &View, period: &Period) -> i64 {
    view.lines(period).map(|line| line.line.quantity).sum()
}

/// `aov(P)` (average order value 客单价) = revenue / orders.
pub fn aov(view: &View, period: &Period) -> Fraction {
    Fraction::new(revenue(view, period), count(orders(view, period)))
}

/// `gross_profit(P)` = Σ (`unit_price × (1 − discount) − unit_cost`) × quantity.
pub fn gross_profit(view: &View, period: &Period) -> Decimal {
    gross_profit_between(view, period.from, period.to)
}

/// Gross profit of orders placed in `[from, to)`.
pub fn gross_profit_between(view: &View, from: NaiveDate, to: NaiveDate) -> Decimal {
    view.lines_between(from, to).map(|line| line.profit).sum()
}

/// `collected(P)` (回款) = Σ payments with `paid_at ∈ P`.
pub fn collected(view: &View, period: &Period) -> Decimal {
    view.payments_between(period.from, period.to)
        .map(|payment| payment.amount.to_decimal())
        .sum()
}

/// `receivable` (应收) at `to` = revenue of orders before `to` − payments before `to`.
pub fn receivable(view: &View, to: NaiveDate) -> Decimal {
    let billed: Decimal = view.lines_before(to).map(|line| line.amount).sum();
    let paid: Decimal = view
        .payments_between(NaiveDate::MIN, to)
        .map(|payment| payment.amount.to_decimal())
        .sum();
    billed - paid
}

/// `growth_rate(P)` = (revenue(P) − revenue(P')) / revenue(P'), P' the previous period.
pub fn growth_rate(view: &View, period: &Period) -> Fraction {
    growth(view, period, &period.previous())
}

/// `yoy_growth_rate(P)` = (revenue(P) − revenue(P'')) / revenue(P''), P'' a year earlier.
pub fn yoy_growth_rate(view: &View, period: &Period) -> Fraction {
    growth(view, period, &period.same_period_last_year())
}

fn growth(view: &View, period: &Period, base: &Period) -> Fraction {
    let before = revenue(view, base);
    Fraction::new(revenue(view, period) - before, before)
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, Scope};
    use super::*;
    use crate::OrgTimeZone;
    use crate::entities::OrderStatus;

    fn figures(input: &super::super::KpiInput, p: &str) -> (Decimal, usize, i64, Decimal) {
        let facts = Facts::new(input);
        let period = period(p);
        let view = View::new(&facts, Scope::all(period));
        (
            revenue(&view, &period),
            orders(&view, &period),
            units(&view, &period),
            gross_profit(&view, &period),
        )
    }

    #[test]
    fn an_order_at_a_minute_to_midnight_in_shanghai_belongs_to_that_day() {
        let input = tiny();
        // o3 at 2024-01-31 23:59 is January; o4 at 2024-02-01 00:00 is February.
        assert_eq!(figures(&input, "2024-01"), (dec("3600"), 1, 3, dec("3000")));
        assert_eq!(
            figures(&input, "2024-02"),
            (dec("10501"), 2, 16, dec("8500.50"))
        );
    }

    #[test]
    fn the_same_instants_fall_elsewhere_in_another_time_zone() {
        let mut input = tiny();
        input.time_zone = "Europe/London".parse().unwrap_or_else(|e| panic!("{e}"));
        // 2024-02-01 00:00 in Shanghai is 2024-01-31 16:00 in London.
        assert_eq!(figures(&input, "2024-01").1, 2);
        input.time_zone = OrgTimeZone::default();
        assert_eq!(figures(&input, "2024-01").1, 1);
    }

    #[test]
    fn returns_subtract_and_cancellations_never_count() {
        let input = tiny();
        // o7: 20 × 1200 × 0.85 − 450.50 (returned scanner); o6 (cancelled) is left out.
        assert_eq!(
            figures(&input, "2024-03"),
            (dec("19949.50"), 1, 19, dec("16249.75"))
        );
        let mut cancelled = tiny();
        for order in &mut cancelled.dataset.orders {
            order.status = OrderStatus::Cancelled;
        }
        assert_eq!(
            figures(&cancelled, "2024"),
            (Decimal::ZERO, 0, 0, Decimal::ZERO)
        );
    }

    #[test]
    fn aov_is_exact_until_rounded_and_null_without_orders() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(aov(&view, &q1).value(), Some(dec("8512.625")));
        let empty = period("2025-01");
        assert_eq!(aov(&view, &empty).value(), None);
    }

    #[test]
    fn collected_and_receivable() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(collected(&view, &q1), dec("19400"));
        assert_eq!(receivable(&view, q1.to), dec("28450.50"));
        assert_eq!(receivable(&view, date(2024, 2, 1)), dec("3600"));
    }

    #[test]
    fn growth_is_null_when_the_base_had_no_revenue() {
        let input = tiny();
        let facts = Facts::new(&input);
        let january = period("2024-01");
        let view = View::new(&facts, Scope::all(january));
        assert_eq!(
            growth_rate(&view, &january).value(),
            Some((dec("3600") - dec("13800")) / dec("13800"))
        );
        assert_eq!(yoy_growth_rate(&view, &january).ratio(), None);
        let year = period("2024");
        assert_eq!(
            yoy_growth_rate(&view, &year).value(),
            growth_rate(&view, &year).value()
        );
    }
}
