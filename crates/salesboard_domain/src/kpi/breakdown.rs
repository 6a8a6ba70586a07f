//! Breakdowns (`--by DIM`) and filters (`--filter DIM=VALUE`).
//!
//! A time dimension (day, ISO week, month, quarter, year) splits the period
//! into sub-periods, clipped to it; every KPI is computed for each sub-period
//! as for a report of its own. A record dimension (rep, team, product,
//! category, channel, region, industry, segment) splits the records by their
//! key (see [`super::scope::Attribution`]); records without a value form the
//! group `null`, so the groups of an additive KPI sum to the total.
//!
//! A filter on a time dimension narrows the period; a filter on a record
//! dimension keeps the records with that key (`DIM=` with nothing after the
//! `=`: the records without a value).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::report::{KpiGroup, kpi_figures};
use super::scope::{Attribution, Scope, View};
use crate::period::PeriodKind;
use crate::{Period, ValidationError};

/// What a breakdown or a filter is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Local calendar day, `2024-03-05`.
    Day,
    /// ISO week, `2024-W10`.
    Week,
    /// Calendar month, `2024-03`.
    Month,
    /// Calendar quarter, `2024-Q1`.
    Quarter,
    /// Calendar year, `2024`.
    Year,
    /// The owning user (user id).
    Rep,
    /// The owning user's team.
    Team,
    /// The product (SKU) of an order line.
    Product,
    /// The product's category.
    Category,
    /// The customer's acquisition channel; spend's own channel.
    Channel,
    /// The customer's region.
    Region,
    /// The customer's industry.
    Industry,
    /// `new` (the customer's first order is in the period) or `returning`.
    Segment,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 13] = [
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
        Dimension::Quarter,
        Dimension::Year,
        Dimension::Rep,
        Dimension::Team,
        Dimension::Product,
        Dimension::Category,
        Dimension::Channel,
        Dimension::Region,
        Dimension::Industry,
        Dimension::Segment,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
            Dimension::Quarter => "quarter",
            Dimension::Year => "year",
            Dimension::Rep => "rep",
            Dimension::Team => "team",
            Dimension::Product => "product",
            Dimension::Category => "category",
            Dimension::Channel => "channel",
            Dimension::Region => "region",
            Dimension::Industry => "industry",
            Dimension::Segment => "segment",
        }
    }

    /// Whether the dimension splits time rather than records.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Dimension::Day
                | Dimension::Week
                | Dimension::Month
                | Dimension::Quarter
                | Dimension::Year
        )
    }

    /// Chinese names accepted on input.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Dimension::Day => &["日", "天"],
            Dimension::Week => &["周"],
            Dimension::Month => &["月"],
            Dimension::Quarter => &["季度"],
            Dimension::Year => &["年"],
            Dimension::Rep => &["销售", "销售代表", "owner"],
            Dimension::Team => &["团队"],
            Dimension::Product => &["产品", "sku"],
            Dimension::Category => &["类别"],
            Dimension::Channel => &["渠道"],
            Dimension::Region => &["地区"],
            Dimension::Industry => &["行业"],
            Dimension::Segment => &["新老客户"],
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = ValidationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_lowercase();
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == wanted || d.aliases().contains(&wanted.as_str()))
            .ok_or_else(|| {
                let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
                ValidationError::new(format!(
                    "\"{text}\" is not a dimension (one of: {})",
                    names.join(", ")
                ))
            })
    }
}

/// Parses `DIM=VALUE` (`rep=u-li`, `month=2024-02`, `channel=`).
pub fn parse_filter(text: &str) -> Result<(Dimension, String), ValidationError> {
    let (dimension, value) = text.split_once('=').ok_or_else(|| {
        ValidationError::new(format!(
            "filter \"{text}\": write it as DIM=VALUE, like rep=u-li"
        ))
    })?;
    Ok((dimension.parse()?, value.trim().to_string()))
}

/// The period narrowed by the time filters, and the scope of the others.
pub fn apply_filters(
    period: Period,
    filters: &[(Dimension, String)],
) -> Result<(Period, Scope), ValidationError> {
    let mut period = period;
    let mut conditions = Vec::new();
    for (dimension, value) in filters {
        if dimension.is_time() {
            let part = time_key_period(*dimension, value)?;
            period = if period.encloses(&part) {
                part
            } else {
                Period::range(period.from.max(part.from), period.to.min(part.to)).map_err(|_| {
                    ValidationError::new(format!(
                        "filter {dimension}={value} lies outside the period {period}"
                    ))
                })?
            };
        } else {
            if *dimension == Dimension::Segment && !matches!(value.as_str(), "new" | "returning") {
                return Err(ValidationError::new(format!(
                    "filter segment={value}: the segment is new or returning"
                )));
            }
            conditions.push((*dimension, (!value.is_empty()).then(|| value.clone())));
        }
    }
    Ok((
        period,
        Scope {
            conditions,
            segment_period: period,
        },
    ))
}

/// The groups of a breakdown of the view's records over the period.
pub fn groups(
    view: &View,
    period: &Period,
    by: Dimension,
    stage_order: &[String],
) -> Vec<KpiGroup> {
    if by.is_time() {
        return time_groups(period, by)
            .into_iter()
            .map(|(key, part)| {
                let scope = Scope {
                    conditions: view.scope.conditions.clone(),
                    segment_period: part,
                };
                let group = View::new(view.facts, scope);
                KpiGroup {
                    key: Some(key),
                    figures: kpi_figures(&group, &part, stage_order),
                }
            })
            .collect();
    }
    record_keys(view, by)
        .into_iter()
        .map(|key| KpiGroup {
            figures: kpi_figures(&view.and(by, key.as_deref()), period, stage_order),
            key,
        })
        .collect()
}

/// The sub-periods of a time dimension, clipped to the period, with keys.
/// A whole calendar month, quarter or year keeps its kind (so its previous
/// period is the calendar one); a clipped one is a plain range of days.
pub fn time_groups(period: &Period, by: Dimension) -> Vec<(String, Period)> {
    let mut parts = Vec::new();
    let mut start = period.from;
    while start < period.to {
        let Some((key, unit)) = time_unit(by, start) else {
            break;
        };
        let part = if period.encloses(&unit) {
            unit
        } else {
            match Period::range(start, unit.to.min(period.to)) {
                Ok(part) => part,
                Err(_) => break,
            }
        };
        start = part.to;
        parts.push((key, part));
    }
    parts
}

/// The key and the whole unit (day, week …) holding a date.
fn time_unit(by: Dimension, date: NaiveDate) -> Option<(String, Period)> {
    let day = |from: NaiveDate, days: i64| Period::range(from, from + Duration::days(days)).ok();
    match by {
        Dimension::Day => Some((date.format("%Y-%m-%d").to_string(), day(date, 1)?)),
        Dimension::Week => {
            let week = date.iso_week();
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            Some((
                format!("{}-W{:02}", week.year(), week.week()),
                day(monday, 7)?,
            ))
        }
        Dimension::Month => calendar(format!("{}-{:02}", date.year(), date.month())),
        Dimension::Quarter => calendar(format!("{}-Q{}", date.year(), date.month0() / 3 + 1)),
        Dimension::Year => calendar(date.year().to_string()),
        _ => None,
    }
}

fn calendar(key: String) -> Option<(String, Period)> {
    let unit = Period::parse(&key).ok()?;
    Some((key, unit))
}

/// The period of `--from D --to D`: local dates `YYYY-MM-DD`, `to` exclusive.
pub fn period_between(from: &str, to: &str) -> Result<Period, ValidationError> {
    let day = |text: &str| time_key_period(Dimension::Day, text).map(|day| day.from);
    Period::range(day(from)?, day(to)?)
}

/// The period a time key names, for a filter (`2024-03-05`, `2024-W10`,
/// `2024-03`, `2024-Q1`, `2024`).
pub fn time_key_period(by: Dimension, key: &str) -> Result<Period, ValidationError> {
    let invalid =
        |example: &str| ValidationError::new(format!("{by}={key}: write the {by} like {example}"));
    let key = key.trim();
    match by {
        Dimension::Day => {
            let date =
                NaiveDate::parse_from_str(key, "%Y-%m-%d").map_err(|_| invalid("2024-03-05"))?;
            Period::range(date, date + Duration::days(1))
        }
        Dimension::Week => {
            let (year, week) = key.split_once("-W").ok_or_else(|| invalid("2024-W10"))?;
            let monday = year
                .parse()
                .ok()
                .zip(week.parse().ok())
                .and_then(|(y, w)| NaiveDate::from_isoywd_opt(y, w, Weekday::Mon))
                .ok_or_else(|| invalid("2024-W10"))?;
            Period::range(monday, monday + Duration::days(7))
        }
        Dimension::Month | Dimension::Quarter | Dimension::Year => {
            let (kind, example) = match by {
                Dimension::Month => (PeriodKind::Month, "2024-03"),
                Dimension::Quarter => (PeriodKind::Quarter, "2024-Q1"),
                _ => (PeriodKind::Year, "2024"),
            };
            Period::parse(key)
                .ok()
                .filter(|p| p.kind() == kind)
                .ok_or_else(|| invalid(example))
        }
        _ => Err(ValidationError::new(format!(
            "{by} is not a time dimension"
        ))),
    }
}

/// Every key a record dimension takes over the view's records, at any date,
/// in order, `None` (records without a value) last.
pub fn record_keys(view: &View, by: Dimension) -> Vec<Option<String>> {
    let (from, to) = (NaiveDate::MIN, NaiveDate::MAX);
    let mut attributions: Vec<Attribution> = Vec::new();
    attributions.extend(view.lines_between(from, to).map(|l| view.line(l)));
    attributions.extend(view.payments_between(from, to).map(|p| view.payment(p)));
    attributions.extend(
        view.first_orders_between(from, to)
            .map(|f| view.first_order(f)),
    );
    attributions.extend(view.spend_between(from, to).map(|s| view.spend(s)));
    if let Ok(always) = Period::range(from, to) {
        attributions.extend(view.deals_created(&always).map(|d| view.deal(d)));
        attributions.extend(view.activities(&always).map(|a| view.activity(a)));
        attributions.extend(view.surveys(&always).map(|s| view.survey(s)));
        attributions.extend(view.customers_created(&always).map(|c| view.lead(c)));
    }
    let keys: BTreeSet<Option<&str>> = attributions
        .iter()
        .map(|attribution| attribution.key(by, view.facts, &view.scope))
        .collect();
    let mut ordered: Vec<Option<String>> = keys
        .iter()
        .flatten()
        .map(|key| Some(key.to_string()))
        .collect();
    if keys.contains(&None) {
        ordered.push(None);
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::super::{Facts, KpiFigures};
    use super::*;
    use rust_decimal::Decimal;

    fn keys(parts: &[(String, Period)]) -> Vec<(&str, NaiveDate, NaiveDate)> {
        parts
            .iter()
            .map(|(key, p)| (key.as_str(), p.from, p.to))
            .collect()
    }

    #[test]
    fn months_of_a_quarter_are_calendar_months() {
        let parts = time_groups(&period("2024-Q1"), Dimension::Month);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].1, period("2024-02"));
        assert_eq!(parts[1].1.previous(), period("2024-01"));
        assert_eq!(time_groups(&period("2024"), Dimension::Day).len(), 366);
    }

    #[test]
    fn weeks_are_iso_weeks_clipped_to_the_period() {
        let range =
            Period::range(date(2024, 1, 3), date(2024, 1, 17)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            keys(&time_groups(&range, Dimension::Week)),
            [
                ("2024-W01", date(2024, 1, 3), date(2024, 1, 8)),
                ("2024-W02", date(2024, 1, 8), date(2024, 1, 15)),
                ("2024-W03", date(2024, 1, 15), date(2024, 1, 17)),
            ]
        );
        let new_year =
            Period::range(date(2024, 12, 28), date(2025, 1, 2)).unwrap_or_else(|e| panic!("{e}"));
        let parts = time_groups(&new_year, Dimension::Week);
        assert_eq!(parts[1].0, "2025-W01");
        assert_eq!(parts[1].1.from, date(2024, 12, 30));
    }

    #[test]
    fn a_clipped_month_is_a_plain_range() {
        let range =
            Period::range(date(2024, 1, 15), date(2024, 3, 10)).unwrap_or_else(|e| panic!("{e}"));
        let parts = time_groups(&range, Dimension::Month);
        assert_eq!(
            keys(&parts),
            [
                ("2024-01", date(2024, 1, 15), date(2024, 2, 1)),
                ("2024-02", date(2024, 2, 1), date(2024, 3, 1)),
                ("2024-03", date(2024, 3, 1), date(2024, 3, 10)),
            ]
        );
        assert_eq!(parts[0].1.previous().from, date(2023, 12, 29));
    }

    #[test]
    fn filters_parse_and_narrow() {
        assert_eq!(
            parse_filter("rep=u-li").ok(),
            Some((Dimension::Rep, "u-li".to_string()))
        );
        assert_eq!(
            parse_filter("渠道=search").map(|f| f.0).ok(),
            Some(Dimension::Channel)
        );
        assert!(parse_filter("rep").is_err());
        assert!(parse_filter("colour=red").is_err());
        let q1 = period("2024-Q1");
        let (narrowed, scope) = apply_filters(q1, &[(Dimension::Month, "2024-02".into())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(narrowed, period("2024-02"));
        assert_eq!(scope.segment_period, period("2024-02"));
        assert!(apply_filters(q1, &[(Dimension::Month, "2024-05".into())]).is_err());
        assert!(apply_filters(q1, &[(Dimension::Month, "2024-Q2".into())]).is_err());
        assert!(apply_filters(q1, &[(Dimension::Segment, "old".into())]).is_err());
        let (_, scope) = apply_filters(q1, &[(Dimension::Channel, String::new())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scope.conditions, [(Dimension::Channel, None)]);
        let range = period_between("2024-01-15", "2024-02-15").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (range.from, range.to, range.days()),
            (date(2024, 1, 15), date(2024, 2, 15), 31)
        );
        assert!(period_between("2024-02-15", "2024-01-15").is_err());
        assert!(period_between("2024-02-30", "2024-03-15").is_err());
        let week = time_key_period(Dimension::Week, "2024-W05").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((week.from, week.to), (date(2024, 1, 29), date(2024, 2, 5)));
    }

    type Sums = (Decimal, i64, usize, Decimal, Decimal, Decimal, usize, usize);

    fn additive(f: &KpiFigures) -> Sums {
        (
            f.revenue.exact(),
            f.units,
            f.new_customers,
            f.acquisition_spend.exact(),
            f.collected.exact(),
            f.receivable.exact(),
            f.csat_responses,
            f.sales_cycle.deals,
        )
    }

    #[test]
    fn the_groups_of_every_dimension_sum_to_the_total() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        let total = kpi_figures(&view, &q1, &stages());
        for by in Dimension::ALL {
            let groups = groups(&view, &q1, by, &stages());
            let mut sum: Sums = Default::default();
            let mut orders = 0;
            for group in &groups {
                let g = additive(&group.figures);
                sum = (
                    sum.0 + g.0,
                    sum.1 + g.1,
                    sum.2 + g.2,
                    sum.3 + g.3,
                    sum.4 + g.4,
                    sum.5 + g.5,
                    sum.6 + g.6,
                    sum.7 + g.7,
                );
                orders += group.figures.orders;
            }
            let mut expected = additive(&total);
            if by.is_time() {
                // Receivable is a balance at each sub-period's end, not a flow.
                expected.5 = Decimal::ZERO;
                sum.5 = Decimal::ZERO;
            }
            assert_eq!(sum, expected, "--by {by}");
            // An order with lines of two products counts in both groups.
            if !matches!(by, Dimension::Product | Dimension::Category) {
                assert_eq!(orders, total.orders, "--by {by}");
            }
        }
    }

    #[test]
    fn record_keys_are_ordered_with_the_unattributed_last() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        let channels = record_keys(&view, Dimension::Channel);
        assert_eq!(
            channels,
            [
                Some("email".to_string()),
                Some("referral".to_string()),
                Some("search".to_string()),
                Some("social".to_string()),
                None
            ]
        );
        let segments = record_keys(&view, Dimension::Segment);
        assert_eq!(
            segments,
            [Some("new".to_string()), Some("returning".to_string())]
        );
        let by_rep = groups(&view, &q1, Dimension::Rep, &stages());
        let li = by_rep.iter().find(|g| g.key.as_deref() == Some("u-li"));
        assert_eq!(
            li.map(|g| g.figures.revenue.to_string()).as_deref(),
            Some("10000.00")
        );
    }
}
