//! §4 Customer lifetime value 客户终身价值, explained over the trailing year
//! `Y = [to − 365 days, to)` and the year before it `Y0`: the customers
//! active in each, the churned ones, and the order lines, orders and spend
//! of Y.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::acquisition::{NEW_CUSTOMERS, SPEND, new_customers_input, spend_input};
use super::records::{self, Name, count_figure, input, money, money_figure, whole};
use super::{Aggregate, Figure, Input, KpiName, Parts, Record, Span};
use crate::kpi::customers::cac_between;
use crate::kpi::lifetime::{
    Dates, Lifetime, MAX_LIFESPAN_YEARS, lifetime, order_year, trailing_year, year_before,
};
use crate::kpi::report::Amount;
use crate::kpi::{Fraction, View};

const ACTIVE: Name = (
    "active_customers",
    "Customers active in Y (a counted order)",
    "活跃客户",
);
const ACTIVE_Y0: Name = (
    "active_customers_y0",
    "Customers active in Y0 (the year before)",
    "上一年活跃客户",
);
const CHURNED: Name = (
    "churned",
    "Churned: active in Y0, no counted order in Y",
    "流失客户",
);
const SETTING: Name = (
    "customer_lifespan_years",
    "Setting customer_lifespan_years",
    "客户生命周期设置(年)",
);
const GROSS_PROFIT: Name = ("gross_profit", "Gross profit in Y", "毛利");
const REVENUE: Name = ("revenue", "Revenue in Y", "销售额");
const ORDERS: Name = ("orders", "Orders in Y", "订单数");

/// What every §4 explanation starts from.
struct Years {
    y: Dates,
    y0: Dates,
    reference: Lifetime,
    active: Vec<Record>,
    active_y0: Vec<Record>,
    churned: Vec<Record>,
}

/// Explains a §4 KPI at `to`.
pub(super) fn explain(view: &View, kpi: &KpiName, to: NaiveDate) -> Parts {
    let (y, y0) = (trailing_year(to), year_before(to));
    let active = records::active_customers(view, view.lines_between(y.0, y.1));
    let active_y0 = records::active_customers(view, view.lines_between(y0.0, y0.1));
    let still: HashSet<&str> = active.iter().map(|r| r.id.as_str()).collect();
    let churned = active_y0
        .iter()
        .filter(|r| !still.contains(r.id.as_str()))
        .map(|r| Record {
            note: format!("{} in Y0; no counted order in Y", r.note),
            ..r.clone()
        })
        .collect();
    let years = Years {
        y,
        y0,
        reference: lifetime(view, to),
        active,
        active_y0,
        churned,
    };
    match kpi {
        KpiName::AnnualChurnRate => explain_churn(&years),
        KpiName::LifespanYears => explain_lifespan(view, &years),
        KpiName::ClvProfit => explain_clv_profit(view, &years),
        KpiName::ClvRevenue => explain_clv_revenue(view, &years),
        _ => Parts::default(),
    }
}

fn span((from, to): Dates) -> Span {
    Span::new(from, to)
}

fn years_text(years: &Years) -> String {
    format!(
        "Y = {} (the trailing 365 days), Y0 = {} (the 365 days before)",
        span(years.y),
        span(years.y0)
    )
}

/// `churned` and `active_customers_y0`.
fn churn_inputs(years: &Years) -> Vec<Input> {
    let churn = years.reference.annual_churn_rate;
    vec![
        input(
            CHURNED,
            span(years.y0),
            whole(churn.numerator),
            Aggregate::Count,
            years.churned.clone(),
        ),
        input(
            ACTIVE_Y0,
            span(years.y0),
            whole(churn.denominator),
            Aggregate::Count,
            years.active_y0.clone(),
        ),
    ]
}

fn explain_churn(years: &Years) -> Parts {
    let churn = years.reference.annual_churn_rate;
    let none = if churn.value().is_none() {
        " (no customer was active in Y0)"
    } else {
        ""
    };
    Parts {
        formula: format!(
            "annual_churn_rate = churned / active_customers(Y0): the share of the customers with \
             a counted order in Y0 that have none in Y; {}",
            years_text(years)
        ),
        substituted: format!(
            "{} / {} = {}{}{none}",
            churn.numerator,
            churn.denominator,
            records::quotient(churn),
            records::percent(churn)
        ),
        value: churn.ratio().map(Figure::Ratio),
        inputs: churn_inputs(years),
        notes: Vec::new(),
    }
}

/// The lifespan's inputs, definition and substituted text.
fn lifespan(view: &View, years: &Years) -> (Vec<Input>, String, String) {
    let churn = years.reference.annual_churn_rate;
    let result = years.reference.lifespan_years;
    if let Some(setting) = view.facts.lifespan_setting {
        let value = Fraction::whole(setting)
            .ratio()
            .map_or(Figure::Count(0), Figure::Ratio);
        let setting_input = input(
            SETTING,
            span(years.y),
            value,
            Aggregate::Setting,
            Vec::new(),
        );
        return (
            vec![setting_input],
            "lifespan_years = the setting customer_lifespan_years".into(),
            format!(
                "setting customer_lifespan_years = {}",
                records::number(setting)
            ),
        );
    }
    let cap = MAX_LIFESPAN_YEARS;
    let text = match result {
        None => "— (annual_churn_rate is null: no customer was active in Y0)".to_string(),
        Some(years) if churn.numerator.is_zero() => {
            format!("nobody churned → {} (the cap)", records::quotient(years))
        }
        Some(years) if churn.numerator * Decimal::from(cap) < churn.denominator => format!(
            "1 / ({} / {}) = {} / {} → {} (the cap)",
            churn.numerator,
            churn.denominator,
            churn.denominator,
            churn.numerator,
            records::quotient(years)
        ),
        Some(years) => format!(
            "1 / ({} / {}) = {}",
            churn.numerator,
            churn.denominator,
            records::quotient(years)
        ),
    };
    (
        churn_inputs(years),
        format!(
            "lifespan_years = 1 / annual_churn_rate, at most {cap} (also when nobody churns), \
             annual_churn_rate = churned / active_customers(Y0)"
        ),
        text,
    )
}

fn explain_lifespan(view: &View, years: &Years) -> Parts {
    let (inputs, definition, text) = lifespan(view, years);
    let value = years.reference.lifespan_years;
    Parts {
        formula: format!("{definition}; {}", years_text(years)),
        substituted: text,
        value: value.and_then(Fraction::ratio).map(Figure::Ratio),
        inputs,
        notes: Vec::new(),
    }
}

/// The active customers of Y.
fn active_input(view: &View, years: &Years) -> Input {
    input(
        ACTIVE,
        span(years.y),
        count_figure(order_year(view, years.y).active.count()),
        Aggregate::Count,
        years.active.clone(),
    )
}

/// Why a CLV has no value.
fn reason(years: &Years, active: usize, other: (bool, &'static str)) -> String {
    if years.reference.lifespan_years.is_none() {
        " (no lifespan: no customer was active in Y0)".into()
    } else if active == 0 {
        " (no active customers in Y)".into()
    } else if other.0 {
        other.1.into()
    } else {
        String::new()
    }
}

/// A CLV as money, `—` without a value, and why it has none.
fn result(value: Option<Fraction>, why: &str) -> String {
    let shown = value.map_or_else(|| "—".to_string(), records::money_quotient);
    format!("{shown}{why}")
}

fn lifespan_number(years: &Years) -> String {
    years
        .reference
        .lifespan_years
        .map_or_else(|| "—".to_string(), records::quotient)
}

fn explain_clv_profit(view: &View, years: &Years) -> Parts {
    let (y_from, y_to) = years.y;
    let year = order_year(view, years.y);
    let value = years.reference.clv_profit;
    let cac = cac_between(view, y_from, y_to);
    let lines: Vec<_> = view
        .lines_between(y_from, y_to)
        .map(|l| records::line_profit(view, l))
        .collect();
    let (mut inputs, definition, lifespan_text) = lifespan(view, years);
    inputs.insert(
        0,
        input(
            GROSS_PROFIT,
            span(years.y),
            money_figure(year.gross_profit),
            Aggregate::SumProfit,
            lines,
        ),
    );
    inputs.insert(1, active_input(view, years));
    inputs.push(spend_input(view, y_from, y_to, SPEND));
    inputs.push(new_customers_input(view, y_from, y_to, NEW_CUSTOMERS));
    let shown = value.and_then(Amount::of).map(Figure::Money);
    let why = reason(
        years,
        year.active.count(),
        (cac.value().is_none(), " (no new customers in Y: no cac(Y))"),
    );
    Parts {
        formula: format!(
            "clv_profit = gross_profit(Y) / active_customers(Y) × lifespan_years − cac(Y), \
             cac(Y) = acquisition_spend(Y) / new_customers(Y); {definition}; {}",
            years_text(years)
        ),
        substituted: format!(
            "{} / {} × {} − {} / {} = {}; lifespan_years: {lifespan_text}",
            money(year.gross_profit),
            year.active.count(),
            lifespan_number(years),
            money(cac.numerator),
            cac.denominator,
            result(value, &why)
        ),
        value: shown,
        inputs,
        notes: Vec::new(),
    }
}

fn explain_clv_revenue(view: &View, years: &Years) -> Parts {
    let (y_from, y_to) = years.y;
    let year = order_year(view, years.y);
    let value = years.reference.clv_revenue;
    let orders = records::orders(view, view.lines_between(y_from, y_to));
    let (mut inputs, definition, lifespan_text) = lifespan(view, years);
    let front = vec![
        input(
            REVENUE,
            span(years.y),
            money_figure(year.revenue),
            Aggregate::SumAmount,
            orders.clone(),
        ),
        input(
            ORDERS,
            span(years.y),
            count_figure(year.orders),
            Aggregate::Count,
            orders,
        ),
        active_input(view, years),
    ];
    inputs.splice(0..0, front);
    let why = reason(
        years,
        year.active.count(),
        (year.orders == 0, " (no orders in Y)"),
    );
    Parts {
        formula: format!(
            "clv_revenue = aov(Y) × (orders(Y) / active_customers(Y)) × lifespan_years, \
             aov(Y) = revenue(Y) / orders(Y); {definition}; {}",
            years_text(years)
        ),
        substituted: format!(
            "({} / {}) × ({} / {}) × {} = {}; lifespan_years: {lifespan_text}",
            money(year.revenue),
            year.orders,
            year.orders,
            year.active.count(),
            lifespan_number(years),
            result(value, &why)
        ),
        value: value.and_then(Amount::of).map(Figure::Money),
        inputs,
        notes: Vec::new(),
    }
}
