//! The alert rule, pure: which weeks are compared, which KPIs are watched and
//! when a KPI's week is an alert.
//!
//! The week is the last complete ISO week (Monday to Sunday in the
//! organization's time zone) before `now`; its baseline is the mean of the
//! four weeks before it. A KPI where higher is better alerts when it fell by
//! at least the threshold (`alert_drop_percent`, default 30 %); one where
//! lower is better (CAC, the sales cycle) when it rose by at least the
//! threshold. No baseline (a week of the four without a value, as a ratio
//! with a zero denominator has none), a baseline that is not positive, or a
//! week without a value: no alert.

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use salesboard_domain::kpi::KpiFigures;
use salesboard_domain::{OrgTimeZone, Period, Timestamp};

/// The threshold when the setting `alert_drop_percent` is not set.
pub const DEFAULT_DROP_PERCENT: Decimal = Decimal::from_parts(30, 0, 0, false, 0);

/// Decimals kept of a ratio (a share or a mean of days), which the KPI
/// engine gives as a binary floating-point number.
const RATIO_DECIMALS: u32 = 6;

/// How many weeks make the baseline.
pub const BASELINE_WEEKS: usize = 4;

/// Which way a KPI is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A drop is bad news (revenue, orders …).
    HigherIsBetter,
    /// A rise is bad news (CAC, the sales cycle).
    LowerIsBetter,
}

/// How a KPI's figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Money: rounded to cents, half away from zero, like the KPI JSON.
    Money,
    /// A count: whole numbers (a baseline may have decimals).
    Count,
    /// A share or a mean, kept to six decimals.
    Ratio,
}

/// A KPI the alert rule watches.
#[derive(Debug, Clone, Copy)]
pub struct WatchedKpi {
    /// Its name in the output contract.
    pub name: &'static str,
    /// Which way it is good.
    pub direction: Direction,
    /// How it is written.
    pub unit: Unit,
    /// Its figure in a week's KPIs, if it has one.
    pub read: fn(&KpiFigures) -> Option<Decimal>,
}

fn ratio(value: Option<f64>) -> Option<Decimal> {
    value
        .and_then(|v| Decimal::try_from(v).ok())
        .map(|d| d.round_dp_with_strategy(RATIO_DECIMALS, RoundingStrategy::MidpointAwayFromZero))
}

/// The KPIs watched: the totals a sudden change of which needs a person's
/// attention. `sales_cycle` is the mean days from a deal's creation to its
/// win (`sales_cycle.mean`).
pub const WATCHED: [WatchedKpi; 7] = [
    WatchedKpi {
        name: "revenue",
        direction: Direction::HigherIsBetter,
        unit: Unit::Money,
        read: |f| Some(f.revenue.exact()),
    },
    WatchedKpi {
        name: "orders",
        direction: Direction::HigherIsBetter,
        unit: Unit::Count,
        read: |f| Some(Decimal::from(f.orders)),
    },
    WatchedKpi {
        name: "new_customers",
        direction: Direction::HigherIsBetter,
        unit: Unit::Count,
        read: |f| Some(Decimal::from(f.new_customers)),
    },
    WatchedKpi {
        name: "win_rate",
        direction: Direction::HigherIsBetter,
        unit: Unit::Ratio,
        read: |f| ratio(f.win_rate),
    },
    WatchedKpi {
        name: "csat",
        direction: Direction::HigherIsBetter,
        unit: Unit::Ratio,
        read: |f| ratio(f.csat),
    },
    WatchedKpi {
        name: "cac",
        direction: Direction::LowerIsBetter,
        unit: Unit::Money,
        read: |f| f.cac.map(|a| a.exact()),
    },
    WatchedKpi {
        name: "sales_cycle",
        direction: Direction::LowerIsBetter,
        unit: Unit::Ratio,
        read: |f| ratio(f.sales_cycle.mean),
    },
];

/// The weeks one check compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertWeeks {
    /// The last complete week.
    pub week: Period,
    /// Its ISO name, like `2024-W10`.
    pub label: String,
    /// The four weeks before it, oldest first.
    pub baseline: [Period; BASELINE_WEEKS],
}

fn week_from(monday: NaiveDate) -> Option<Period> {
    Period::range(monday, monday.checked_add_days(Days::new(7))?).ok()
}

/// The Monday that begins the local week of `instant`, if the calendar has it.
pub fn monday_of(tz: OrgTimeZone, instant: Timestamp) -> Option<NaiveDate> {
    let day = tz.local_date(instant);
    day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
}

/// The ISO name of the week beginning on `monday`: `2024-W10`.
pub fn week_label(monday: NaiveDate) -> String {
    let iso = monday.iso_week();
    format!("{}-W{:02}", iso.year(), iso.week())
}

/// The last complete week before `now` in `tz`, and the four before it
/// (`None` only at the ends of the calendar).
pub fn alert_weeks(tz: OrgTimeZone, now: Timestamp) -> Option<AlertWeeks> {
    let this_monday = monday_of(tz, now)?;
    let weeks_ago = |weeks: u64| {
        this_monday
            .checked_sub_days(Days::new(7 * weeks))
            .and_then(week_from)
    };
    let last = this_monday.checked_sub_days(Days::new(7))?;
    Some(AlertWeeks {
        week: week_from(last)?,
        label: week_label(last),
        baseline: [weeks_ago(5)?, weeks_ago(4)?, weeks_ago(3)?, weeks_ago(2)?],
    })
}

/// A KPI's week against its baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The week's figure.
    pub value: Decimal,
    /// The mean of the four weeks before.
    pub baseline: Decimal,
    /// `(value − baseline) / baseline × 100`, rounded to two decimals.
    pub change_percent: Decimal,
}

/// Whether `value` against the weeks of `history` is an alert for a KPI that
/// is good in `direction`, at `threshold_percent`: the change if it is.
/// The threshold is compared exactly, before any rounding: a change of
/// exactly the threshold alerts.
pub fn evaluate(
    direction: Direction,
    value: Option<Decimal>,
    history: [Option<Decimal>; BASELINE_WEEKS],
    threshold_percent: Decimal,
) -> Option<Change> {
    let value = value?;
    let mut sum = Decimal::ZERO;
    for week in history {
        sum = sum.checked_add(week?)?;
    }
    if sum <= Decimal::ZERO {
        return None;
    }
    let weeks = Decimal::from(BASELINE_WEEKS);
    // (value − sum / 4) / (sum / 4) × 100 compared with ± threshold, times 4 × sum > 0.
    let scaled_change = value
        .checked_mul(weeks)?
        .checked_sub(sum)?
        .checked_mul(Decimal::ONE_HUNDRED)?;
    let scaled_threshold = threshold_percent.checked_mul(sum)?;
    let alert = match direction {
        Direction::HigherIsBetter => scaled_change <= -scaled_threshold,
        Direction::LowerIsBetter => scaled_change >= scaled_threshold,
    };
    if !alert {
        return None;
    }
    let baseline = sum.checked_div(weeks)?;
    let change_percent = scaled_change
        .checked_div(sum)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(Change {
        value,
        baseline,
        change_percent,
    })
}

/// A figure as written in an alert: money to cents, counts and ratios to at
/// most six decimals without trailing zeros.
pub fn written(unit: Unit, figure: Decimal) -> String {
    match unit {
        Unit::Money => salesboard_domain::kpi::Amount(figure).to_string(),
        Unit::Count | Unit::Ratio => figure
            .round_dp_with_strategy(RATIO_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
    }
}

/// A percentage as written in an alert: two decimals (`-50.00`).
pub fn written_percent(percent: Decimal) -> String {
    let mut percent = percent;
    percent.rescale(2);
    percent.to_string()
}
