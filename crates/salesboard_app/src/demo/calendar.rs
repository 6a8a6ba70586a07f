//! The days the data covers, in the organization's time zone: business hours,
//! growth, and the seasons of Chinese B2B sales (a slump around the Spring
//! Festival and Golden Week, pushes before quarter ends and the year end).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveTime, Weekday};
use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{OrgTimeZone, Timestamp};

/// Days since the first day of the data; negative before it.
pub(super) type Day = i32;

/// Yearly growth of new business.
pub(super) const GROWTH_PER_YEAR: f64 = 1.28;
/// How long before the data the oldest customers were created.
pub(super) const HISTORY_DAYS: Day = 730;
/// Seconds in a day on the wall clock.
const DAY_SECONDS: i64 = 86_400;

/// The three years before the end, and how to place events in them.
pub(super) struct Window {
    /// The first day of the data.
    pub start: NaiveDate,
    /// Number of days: the data ends before day `days`.
    pub days: Day,
    /// The first instant after the data.
    pub end: Timestamp,
    /// The organization's time zone.
    pub tz: OrgTimeZone,
    /// First days of the calendar months the data touches.
    pub months: Vec<NaiveDate>,
    month_of_day: Vec<usize>,
    /// Local midnight of `start`, in seconds as if the local time were UTC.
    start_local: i64,
    /// UTC offset at local noon of each day from `-HISTORY_DAYS - 1`.
    offsets: Vec<i64>,
    /// Prefix sums of the seasonal weight of each day (`days + 1` long).
    season_sums: Vec<f64>,
    /// Prefix sums of seasonal weight times growth.
    growth_sums: Vec<f64>,
}

impl Window {
    /// The three years before `end` in `tz`.
    pub(super) fn new(end: NaiveDate, tz: OrgTimeZone) -> Self {
        let start = end
            .checked_sub_months(Months::new(36))
            .unwrap_or(end - Duration::days(1096));
        let days = Day::try_from((end - start).num_days()).unwrap_or(1).max(1);
        let start_local = start.and_time(NaiveTime::MIN).and_utc().timestamp();
        let dates: Vec<NaiveDate> = (0..days).map(|day| date_at(start, day)).collect();
        let season: Vec<f64> = dates.iter().map(|&date| season_factor(date)).collect();
        let growth: Vec<f64> = (0..days).map(growth_factor).collect();
        let weighted: Vec<f64> = season.iter().zip(&growth).map(|(s, g)| s * g).collect();
        let months = months_between(start, end);
        let month_of_day = dates
            .iter()
            .map(|date| {
                months
                    .partition_point(|first| first <= date)
                    .saturating_sub(1)
            })
            .collect();
        let offsets = (-HISTORY_DAYS - 1..days)
            .map(|day| noon_offset(tz, date_at(start, day)))
            .collect();
        Window {
            start,
            days,
            end: tz.start_of_day(end),
            tz,
            months,
            month_of_day,
            start_local,
            offsets,
            season_sums: prefix_sums(&season),
            growth_sums: prefix_sums(&weighted),
        }
    }

    /// The month (index into `months`) a day of the data falls in.
    pub(super) fn month_of(&self, day: Day) -> usize {
        let index = usize::try_from(day.clamp(0, self.days - 1)).unwrap_or(0);
        self.month_of_day.get(index).copied().unwrap_or(0)
    }

    /// Days `[from, to)` of a month, relative to the start (clipped to the data).
    pub(super) fn month_days(&self, month: usize) -> (Day, Day) {
        let day_of = |date: Option<&NaiveDate>| {
            date.map_or(self.days, |&date| {
                Day::try_from((date - self.start).num_days()).unwrap_or(0)
            })
        };
        let from = day_of(self.months.get(month)).max(0);
        let to = day_of(self.months.get(month + 1)).min(self.days);
        (from, to)
    }

    /// The instant of a local time of day (minutes after midnight) on a day.
    pub(super) fn at(&self, day: Day, minute: u32) -> Timestamp {
        let index = usize::try_from(day + HISTORY_DAYS + 1).unwrap_or(0);
        let offset = self
            .offsets
            .get(index)
            .or(self.offsets.last())
            .copied()
            .unwrap_or(0);
        Timestamp::from_unix_seconds(
            self.start_local + i64::from(day) * DAY_SECONDS + i64::from(minute) * 60 - offset,
        )
    }

    /// A random moment of office hours on a day.
    pub(super) fn office(&self, day: Day, rng: &mut StdRng) -> Timestamp {
        self.at(day, office_minute(rng))
    }

    /// A random moment of office hours on a day, but after `not_before` (and
    /// before the end).
    pub(super) fn office_after(
        &self,
        day: Day,
        not_before: Timestamp,
        rng: &mut StdRng,
    ) -> Timestamp {
        let at = self.office(day, rng);
        if at > not_before {
            return at;
        }
        let later = not_before.unix_seconds() + rng.random_range(300..5_400);
        Timestamp::from_unix_seconds(later.min(self.end.unix_seconds() - 1)).max(not_before)
    }

    /// A day in `[from, to)` drawn by seasonal weight (for repeat purchases).
    pub(super) fn seasonal_day(&self, rng: &mut StdRng, from: Day, to: Day) -> Day {
        self.draw(&self.season_sums, rng, from, to)
    }

    /// A day in `[from, to)` drawn by seasonal weight and growth (for new business).
    pub(super) fn growing_day(&self, rng: &mut StdRng, from: Day, to: Day) -> Day {
        self.draw(&self.growth_sums, rng, from, to)
    }

    /// The seasonal weight of the days `[from, to)`.
    pub(super) fn season_weight(&self, from: Day, to: Day) -> f64 {
        let sum = |day: Day| sum_before(&self.season_sums, day.clamp(0, self.days));
        (sum(to) - sum(from)).max(0.0)
    }

    fn draw(&self, sums: &[f64], rng: &mut StdRng, from: Day, to: Day) -> Day {
        let from = from.clamp(0, self.days - 1);
        let to = to.clamp(from + 1, self.days);
        let low = sum_before(sums, from);
        let high = sum_before(sums, to);
        if high <= low {
            return rng.random_range(from..to);
        }
        let target = low + rng.random::<f64>() * (high - low);
        let index = sums.partition_point(|&sum| sum <= target).saturating_sub(1);
        Day::try_from(index).unwrap_or(from).clamp(from, to - 1)
    }
}

/// Minutes after midnight during office hours (9:00–12:00, 13:30–18:00).
fn office_minute(rng: &mut StdRng) -> u32 {
    if rng.random_bool(0.45) {
        9 * 60 + rng.random_range(0..180)
    } else {
        13 * 60 + 30 + rng.random_range(0..270)
    }
}

fn date_at(start: NaiveDate, day: Day) -> NaiveDate {
    start
        .checked_add_signed(Duration::days(i64::from(day)))
        .unwrap_or(start)
}

fn sum_before(sums: &[f64], day: Day) -> f64 {
    usize::try_from(day)
        .ok()
        .and_then(|index| sums.get(index))
        .copied()
        .unwrap_or(0.0)
}

fn prefix_sums(values: &[f64]) -> Vec<f64> {
    let mut sums = Vec::with_capacity(values.len() + 1);
    let mut total = 0.0;
    sums.push(total);
    for value in values {
        total += value;
        sums.push(total);
    }
    sums
}

fn months_between(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut first = start.with_day(1).unwrap_or(start);
    while first < end {
        months.push(first);
        match first.checked_add_months(Months::new(1)) {
            Some(next) => first = next,
            None => break,
        }
    }
    months
}

/// Seconds the local clock is ahead of UTC around noon of a date.
fn noon_offset(tz: OrgTimeZone, date: NaiveDate) -> i64 {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    tz.resolve_local(noon).map_or(0, |instant| {
        noon.and_utc().timestamp() - instant.unix_seconds()
    })
}

/// Growth of new business since the start of the data.
pub(super) fn growth_factor(day: Day) -> f64 {
    GROWTH_PER_YEAR.powf(f64::from(day) / 365.25)
}

/// How busy a day is for B2B sales, around 1 on an ordinary weekday.
fn season_factor(date: NaiveDate) -> f64 {
    const MONTHS: [f64; 12] = [
        1.0, 0.95, 1.05, 0.95, 0.95, 1.1, 0.9, 0.9, 1.05, 0.95, 1.2, 1.3,
    ];
    let (month, day) = (date.month(), date.day());
    let mut factor = MONTHS[date.month0() as usize];
    if month % 3 == 0 && day >= 15 {
        factor *= 1.35;
    }
    let from_new_year = (date - spring_festival(date.year())).num_days();
    if (-3..=7).contains(&from_new_year) {
        factor *= 0.08;
    } else if (-10..=14).contains(&from_new_year) {
        factor *= 0.45;
    }
    if (month == 10 && day <= 7) || (month == 5 && day <= 3) {
        factor *= 0.15;
    }
    match date.weekday() {
        Weekday::Sat => factor * 0.2,
        Weekday::Sun => factor * 0.08,
        _ => factor,
    }
}

/// The Spring Festival (春节) of a year, or early February when unknown.
fn spring_festival(year: i32) -> NaiveDate {
    const DATES: [(u32, u32); 21] = [
        (2, 19),
        (2, 8),
        (1, 28),
        (2, 16),
        (2, 5),
        (1, 25),
        (2, 12),
        (2, 1),
        (1, 22),
        (2, 10),
        (1, 29),
        (2, 17),
        (2, 6),
        (1, 26),
        (2, 13),
        (2, 3),
        (1, 23),
        (2, 11),
        (1, 31),
        (2, 19),
        (2, 8),
    ];
    let (month, day) = usize::try_from(year - 2015)
        .ok()
        .and_then(|index| DATES.get(index))
        .copied()
        .unwrap_or((2, 5));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}
