//! Which rows a question looks at: a [`Selection`] holds, for every kind of
//! record, either all rows or the (day-sorted) rows that meet a scope's
//! conditions, as the reference's `View` admits records one by one. A row's
//! key in a record dimension follows from its attribution
//! ([`crate::attribution`]); a breakdown splits the selected rows by key.

use std::cmp::Ordering;
use std::ops::{AddAssign, Range};
use std::sync::OnceLock;

use chrono::NaiveDate;
use salesboard_domain::Period;
use salesboard_domain::kpi::Dimension;

use crate::attribution::{Clients, NONE};
use crate::columns::{Dictionary, Engine, day, range};

/// The code of a wanted key that no row has (a value nobody uses).
const NO_MATCH: u32 = u32::MAX - 1;
/// Segment codes.
const NEW: u32 = 0;
const RETURNING: u32 = 1;
const SEGMENTS: [&str; 2] = ["new", "returning"];

/// The kinds of records a KPI reads, each sorted by its own day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Counted order lines, by order day.
    Lines,
    /// Payments, by payment day.
    Payments,
    /// Spend, by its day.
    Spend,
    /// First orders of customers, by order day.
    FirstOrders,
    /// Closed deals, by closing day.
    Closed,
    /// Deals, by creation day.
    Deals,
    /// Follow-ups, by day.
    Activities,
    /// Survey responses, by day.
    Surveys,
    /// Customers as leads, by creation day.
    Leads,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Lines,
        Kind::Payments,
        Kind::Spend,
        Kind::FirstOrders,
        Kind::Closed,
        Kind::Deals,
        Kind::Activities,
        Kind::Surveys,
        Kind::Leads,
    ];
}

/// The rows of one kind a selection holds.
#[derive(Debug, Clone, Default)]
pub(crate) enum Pick {
    /// Every row.
    #[default]
    All,
    /// These rows, ascending (so sorted by day).
    Rows(Vec<u32>),
}

/// The rows of every kind a question looks at.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    picks: [Pick; 9],
    /// Whether to keep running sums of the selected lines' amounts and
    /// payments' cents, made when first asked: for a selection asked about
    /// many periods (a view), so that the balance at the end of each is a
    /// binary search, not a pass over the past.
    remember: bool,
    billed: OnceLock<Vec<i128>>,
    paid: OnceLock<Vec<i64>>,
}

impl Selection {
    /// Every row of every kind.
    pub(crate) fn all() -> Selection {
        Selection::default()
    }

    /// The same rows, keeping running sums once asked.
    pub(crate) fn remembered(mut self) -> Selection {
        self.remember = true;
        self
    }

    /// The rows of a kind.
    pub(crate) fn pick(&self, kind: Kind) -> &Pick {
        &self.picks[kind as usize]
    }
}

/// Row numbers of one kind in a range of days.
pub(crate) enum Rows<'a> {
    Range(Range<usize>),
    Picked(std::slice::Iter<'a, u32>),
}

impl Iterator for Rows<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Rows::Range(rows) => rows.next(),
            Rows::Picked(rows) => rows.next().map(|row| *row as usize),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Rows::Range(rows) => rows.size_hint(),
            Rows::Picked(rows) => rows.size_hint(),
        }
    }
}

impl ExactSizeIterator for Rows<'_> {}

/// A scope's conditions as codes: `(dimension, wanted key)`.
pub(crate) type Codes = Vec<(Dimension, u32)>;

impl Engine {
    /// The day column of a kind.
    fn days(&self, kind: Kind) -> &[i32] {
        match kind {
            Kind::Lines => &self.lines.day,
            Kind::Payments => &self.payment_day,
            Kind::Spend => &self.spend_day,
            Kind::FirstOrders => &self.first_order_day,
            Kind::Closed => &self.closed_day,
            Kind::Deals => &self.created_deal_day,
            Kind::Activities => &self.activity_day,
            Kind::Surveys => &self.survey_day,
            Kind::Leads => &self.created_day,
        }
    }

    /// The selected rows of a kind dated in `[from, to)`.
    pub(crate) fn rows<'s>(
        &'s self,
        selection: &'s Selection,
        kind: Kind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Rows<'s> {
        let days = self.days(kind);
        match selection.pick(kind) {
            Pick::All => Rows::Range(range(days, from, to)),
            Pick::Rows(rows) => {
                let before = |limit: i32| rows.partition_point(|row| days[*row as usize] < limit);
                let start = before(day(from));
                let end = before(day(to)).max(start);
                Rows::Picked(rows[start..end].iter())
            }
        }
    }

    /// Every selected row of a kind, at any date.
    fn every_row<'s>(&'s self, selection: &'s Selection, kind: Kind) -> Rows<'s> {
        match selection.pick(kind) {
            Pick::All => Rows::Range(0..self.days(kind).len()),
            Pick::Rows(rows) => Rows::Picked(rows.iter()),
        }
    }

    /// The dictionary of a record dimension (`None` for segment and time).
    fn dictionary(&self, dimension: Dimension) -> Option<&Dictionary> {
        match dimension {
            Dimension::Rep => Some(&self.owners),
            Dimension::Team => Some(&self.keys.teams),
            Dimension::Product => Some(&self.products),
            Dimension::Category => Some(&self.keys.categories),
            Dimension::Channel => Some(&self.channels),
            Dimension::Region => Some(&self.keys.regions),
            Dimension::Industry => Some(&self.keys.industries),
            _ => None,
        }
    }

    /// The code of a wanted key (`NONE` for rows without a value).
    pub(crate) fn wanted(&self, dimension: Dimension, key: Option<&str>) -> u32 {
        let Some(key) = key else { return NONE };
        let found = match dimension {
            Dimension::Segment => SEGMENTS.iter().position(|s| *s == key).map(|at| at as u32),
            _ => self.dictionary(dimension).and_then(|d| d.find(key)),
        };
        found.unwrap_or(NO_MATCH)
    }

    /// The name of a key code.
    fn key_name(&self, dimension: Dimension, code: u32) -> Option<String> {
        let names: &[String] = match self.dictionary(dimension) {
            Some(dictionary) => &dictionary.names,
            None => {
                return SEGMENTS.get(code as usize).map(|s| s.to_string());
            }
        };
        names.get(code as usize).cloned()
    }

    /// A row's key in a record dimension, as the reference's
    /// `Attribution::key` gives it; `segment` is the period (as day numbers)
    /// whose first orders make a customer new.
    fn key(&self, kind: Kind, row: usize, dimension: Dimension, segment: (i32, i32)) -> u32 {
        let (owner, client) = match kind {
            Kind::Lines => (self.lines.owner[row], self.lines.client[row]),
            Kind::Spend => {
                return match dimension {
                    Dimension::Channel => self.spend_channel[row],
                    Dimension::Segment => NEW,
                    _ => NONE,
                };
            }
            _ => {
                let tags = match kind {
                    Kind::Payments => &self.payment_tags,
                    Kind::FirstOrders => &self.first_order_tags,
                    Kind::Closed => &self.closed_tags,
                    Kind::Deals => &self.created_deal_tags,
                    Kind::Activities => &self.activity_tags,
                    Kind::Surveys => &self.survey_tags,
                    _ => &self.created_tags,
                };
                (tags.owner[row], tags.client[row])
            }
        };
        let product = match kind {
            Kind::Lines => self.lines.product[row],
            _ => NONE,
        };
        match dimension {
            Dimension::Rep => owner,
            Dimension::Team => Clients::key(&self.keys.owner_team, owner),
            Dimension::Product => product,
            Dimension::Category => Clients::key(&self.keys.product_category, product),
            Dimension::Channel => Clients::key(&self.clients.channel, client),
            Dimension::Region => Clients::key(&self.clients.region, client),
            Dimension::Industry => Clients::key(&self.clients.industry, client),
            Dimension::Segment => match self.clients.first_day.get(client as usize) {
                None => NONE,
                Some(first) if (segment.0..segment.1).contains(first) => NEW,
                Some(_) => RETURNING,
            },
            Dimension::Day
            | Dimension::Week
            | Dimension::Month
            | Dimension::Quarter
            | Dimension::Year => NONE,
        }
    }

    /// The rows that meet every condition, with `segment_period` deciding
    /// the segment.
    pub(crate) fn select(&self, conditions: &Codes, segment_period: &Period) -> Selection {
        if conditions.is_empty() {
            return Selection::all();
        }
        let segment = (day(segment_period.from), day(segment_period.to));
        let picks = Kind::ALL.map(|kind| {
            let rows = (0..self.days(kind).len())
                .filter(|row| {
                    conditions.iter().all(|(dimension, wanted)| {
                        self.key(kind, *row, *dimension, segment) == *wanted
                    })
                })
                .map(|row| row as u32)
                .collect();
            Pick::Rows(rows)
        });
        Selection {
            picks,
            ..Selection::default()
        }
    }

    /// The groups of a breakdown of the selected rows by a record
    /// dimension: every key the rows take (at any date), ordered, `None`
    /// last, each with its rows and its code.
    pub(crate) fn split(
        &self,
        selection: &Selection,
        by: Dimension,
        segment_period: &Period,
    ) -> Vec<(Option<String>, u32, Selection)> {
        let segment = (day(segment_period.from), day(segment_period.to));
        let keys = self.dictionary(by).map_or(SEGMENTS.len(), Dictionary::len);
        let mut groups: Vec<[Vec<u32>; 9]> = Vec::new();
        groups.resize_with(keys + 1, Default::default);
        for kind in Kind::ALL {
            for row in self.every_row(selection, kind) {
                let key = self.key(kind, row, by, segment);
                let slot = if key == NONE { keys } else { key as usize };
                if let Some(group) = groups.get_mut(slot) {
                    group[kind as usize].push(row as u32);
                }
            }
        }
        let mut split: Vec<(Option<String>, u32, Selection)> = groups
            .into_iter()
            .enumerate()
            .filter(|(_, rows)| rows.iter().any(|r| !r.is_empty()))
            .map(|(slot, rows)| {
                let code = if slot == keys { NONE } else { slot as u32 };
                let selection = Selection {
                    picks: rows.map(Pick::Rows),
                    ..Selection::default()
                };
                (self.key_name(by, code), code, selection)
            })
            .collect();
        split.sort_by(|a, b| match (&a.0, &b.0) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        });
        split
    }

    /// The amounts (in 10⁻⁸) of the selected lines ordered before `to`.
    pub(crate) fn billed_before(&self, selection: &Selection, to: NaiveDate) -> i128 {
        if !selection.remember {
            return self.revenue_units(selection, NaiveDate::MIN, to);
        }
        let sums = selection.billed.get_or_init(|| {
            running_sums(self.every_row(selection, Kind::Lines), &self.lines.amount)
        });
        let count = self.rows(selection, Kind::Lines, NaiveDate::MIN, to).len();
        sums.get(count).copied().unwrap_or_default()
    }

    /// The cents of the selected payments received before `to`.
    pub(crate) fn paid_before(&self, selection: &Selection, to: NaiveDate) -> i64 {
        if !selection.remember {
            let paid = self.rows(selection, Kind::Payments, NaiveDate::MIN, to);
            return paid.map(|i| self.payment_cents[i]).sum();
        }
        let sums = selection.paid.get_or_init(|| {
            running_sums(
                self.every_row(selection, Kind::Payments),
                &self.payment_cents,
            )
        });
        let count = self
            .rows(selection, Kind::Payments, NaiveDate::MIN, to)
            .len();
        sums.get(count).copied().unwrap_or_default()
    }

    /// The channels named by the selected spend, at any date.
    pub(crate) fn spend_channels(&self, selection: &Selection) -> Vec<u32> {
        if let Pick::All = selection.pick(Kind::Spend) {
            return self.spend_channels.clone();
        }
        let mut channels: Vec<u32> = self
            .every_row(selection, Kind::Spend)
            .map(|row| self.spend_channel[row])
            .filter(|channel| *channel != NONE)
            .collect();
        channels.sort_unstable();
        channels.dedup();
        channels
    }
}

/// `0`, then the sum of the first row's values, of the first two …
fn running_sums<T: Copy + Default + AddAssign>(rows: Rows, values: &[T]) -> Vec<T> {
    let mut sum = T::default();
    let mut sums = Vec::with_capacity(rows.len() + 1);
    sums.push(sum);
    for row in rows {
        sum += values[row];
        sums.push(sum);
    }
    sums
}
