//! Which records a KPI looks at: a [`Scope`] is a list of conditions
//! `dimension = key` (the `--filter`s, plus the group of a breakdown), and a
//! [`View`] is the facts seen through a scope.
//!
//! Every record is attributed to one key per record dimension (see
//! [`Attribution`]): an order line to its order's owner, customer and
//! product; a deal, follow-up or survey to its owner and customer; spend to
//! its channel. A record without a value for a dimension has the key `None`,
//! which a condition `DIM=` (empty) selects, so that the groups of a
//! breakdown together hold every record once.

use chrono::NaiveDate;

use super::breakdown::Dimension;
use super::facts::{Dated, Facts, FirstOrder, LineFact, before, between, within};
use crate::Period;
use crate::entities::*;

/// The conditions a record must meet, and the period that decides the
/// `segment` (new customers are those whose first order is in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// `(dimension, key)`; `None` selects records without a value. Record
    /// dimensions only: time dimensions narrow the period instead.
    pub conditions: Vec<(Dimension, Option<String>)>,
    /// The period of the report (or of the group), for `segment`.
    pub segment_period: Period,
}

impl Scope {
    /// Every record.
    pub fn all(segment_period: Period) -> Self {
        Scope {
            conditions: Vec::new(),
            segment_period,
        }
    }

    /// This scope with one more condition.
    pub fn and(&self, dimension: Dimension, key: Option<&str>) -> Scope {
        let mut narrower = self.clone();
        narrower
            .conditions
            .push((dimension, key.map(str::to_string)));
        narrower
    }
}

/// What a record is attributed to, from which its key in every record
/// dimension follows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attribution<'a> {
    /// The owning user (`rep`, and through the user's team `team`).
    pub owner: Option<&'a str>,
    /// The customer (`region`, `industry`, `segment`).
    pub customer: Option<&'a Customer>,
    /// The product (`product`, and through it `category`).
    pub sku: Option<&'a str>,
    /// The channel (the customer's, or spend's own).
    pub channel: Option<&'a str>,
    /// A fixed segment, for records without a customer (spend: `new`).
    pub segment: Option<&'static str>,
}

impl<'a> Attribution<'a> {
    /// Attributed to an owner and a customer.
    pub fn of(owner: Option<&'a str>, customer: Option<&'a Customer>) -> Self {
        Attribution {
            owner,
            customer,
            channel: customer.and_then(|c| c.channel.as_deref()),
            ..Attribution::default()
        }
    }

    /// The record's key in a record dimension (`None` for time dimensions).
    pub fn key(&self, dimension: Dimension, facts: &Facts<'a>, scope: &Scope) -> Option<&'a str> {
        match dimension {
            Dimension::Rep => self.owner,
            Dimension::Team => self
                .owner
                .and_then(|owner| facts.user_by_id.get(owner))
                .and_then(|user| user.team.as_deref()),
            Dimension::Product => self.sku,
            Dimension::Category => self
                .sku
                .and_then(|sku| facts.product_by_sku.get(sku))
                .and_then(|product| product.category.as_deref()),
            Dimension::Channel => self.channel,
            Dimension::Region => self.customer.and_then(|c| c.region.as_deref()),
            Dimension::Industry => self.customer.and_then(|c| c.industry.as_deref()),
            Dimension::Segment => self.segment.or_else(|| {
                self.customer.map(|c| {
                    if facts.is_new_in(&c.id, &scope.segment_period) {
                        "new"
                    } else {
                        "returning"
                    }
                })
            }),
            Dimension::Day
            | Dimension::Week
            | Dimension::Month
            | Dimension::Quarter
            | Dimension::Year => None,
        }
    }
}

/// The facts seen through a scope: what every KPI function reads.
#[derive(Debug, Clone)]
pub struct View<'f, 'a> {
    /// The prepared input.
    pub facts: &'f Facts<'a>,
    /// The records looked at.
    pub scope: Scope,
}

impl<'f, 'a> View<'f, 'a> {
    /// The facts through a scope.
    pub fn new(facts: &'f Facts<'a>, scope: Scope) -> Self {
        View { facts, scope }
    }

    /// This view narrowed to one key of a dimension.
    pub fn and(&self, dimension: Dimension, key: Option<&str>) -> Self {
        View::new(self.facts, self.scope.and(dimension, key))
    }

    /// Whether a record so attributed is in scope.
    pub fn admits(&self, attribution: &Attribution<'a>) -> bool {
        self.scope.conditions.iter().all(|(dimension, key)| {
            attribution.key(*dimension, self.facts, &self.scope) == key.as_deref()
        })
    }

    fn pick<'s, T: Copy + 's>(
        &'s self,
        items: &'s [Dated<T>],
        attribute: impl Fn(T) -> Attribution<'a> + 's,
    ) -> impl Iterator<Item = Dated<T>> + 's {
        let everything = self.scope.conditions.is_empty();
        items
            .iter()
            .copied()
            .filter(move |item| everything || self.admits(&attribute(item.record)))
    }

    /// Counted order lines ordered in `[from, to)`.
    pub fn lines_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = LineFact<'a>> + '_ {
        self.pick(between(&self.facts.lines, from, to), |l| self.line(l))
            .map(|l| l.record)
    }

    /// Counted order lines ordered in the period.
    pub fn lines(&self, period: &Period) -> impl Iterator<Item = LineFact<'a>> + '_ {
        self.lines_between(period.from, period.to)
    }

    /// Counted order lines ordered before `to`.
    pub fn lines_before(&self, to: NaiveDate) -> impl Iterator<Item = LineFact<'a>> + '_ {
        self.lines_between(NaiveDate::MIN, to)
    }

    /// Payments received in `[from, to)`.
    pub fn payments_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &'a Payment> + '_ {
        self.pick(between(&self.facts.payments, from, to), |p| self.payment(p))
            .map(|p| p.record)
    }

    /// Customers whose first order is in `[from, to)`.
    pub fn first_orders_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = FirstOrder<'a>> + '_ {
        self.pick(between(&self.facts.first_orders, from, to), |f| {
            self.first_order(f)
        })
        .map(|f| f.record)
    }

    /// Spend dated in `[from, to)`.
    pub fn spend_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &'a Spend> + '_ {
        self.pick(between(&self.facts.spend, from, to), |s| self.spend(s))
            .map(|s| s.record)
    }

    /// Every spend entry, at any date.
    pub fn all_spend(&self) -> impl Iterator<Item = &'a Spend> + '_ {
        self.pick(before(&self.facts.spend, NaiveDate::MAX), |s| self.spend(s))
            .map(|s| s.record)
    }

    /// Deals closed (won or lost) in the period.
    pub fn deals_closed(&self, period: &Period) -> impl Iterator<Item = &'a Deal> + '_ {
        self.pick(within(&self.facts.deals_closed, period), |d| self.deal(d))
            .map(|d| d.record)
    }

    /// Deals created in the period.
    pub fn deals_created(&self, period: &Period) -> impl Iterator<Item = &'a Deal> + '_ {
        self.pick(within(&self.facts.deals_created, period), |d| self.deal(d))
            .map(|d| d.record)
    }

    /// Follow-ups in the period.
    pub fn activities(&self, period: &Period) -> impl Iterator<Item = &'a Activity> + '_ {
        self.pick(within(&self.facts.activities, period), |a| self.activity(a))
            .map(|a| a.record)
    }

    /// Survey responses in the period.
    pub fn surveys(&self, period: &Period) -> impl Iterator<Item = &'a Survey> + '_ {
        self.pick(within(&self.facts.surveys, period), |s| self.survey(s))
            .map(|s| s.record)
    }

    /// Customers created in the period (the lead cohort).
    pub fn customers_created(&self, period: &Period) -> impl Iterator<Item = &'a Customer> + '_ {
        self.pick(within(&self.facts.customers_created, period), |c| {
            self.lead(c)
        })
        .map(|c| c.record)
    }

    /// An order line: the order's owner and customer, the line's product.
    pub fn line(&self, line: LineFact<'a>) -> Attribution<'a> {
        Attribution {
            sku: line.line.sku.as_deref(),
            ..self.order(line.order)
        }
    }

    /// An order: its owner and customer.
    pub fn order(&self, order: &'a Order) -> Attribution<'a> {
        Attribution::of(
            order.owner.as_deref(),
            self.facts.customer(&order.customer_id),
        )
    }

    /// A payment: as its order.
    pub fn payment(&self, payment: &'a Payment) -> Attribution<'a> {
        self.facts
            .order_by_id
            .get(payment.order_id.as_str())
            .map(|order| self.order(order))
            .unwrap_or_default()
    }

    /// A new customer: the owner of the first order (§8), the customer.
    pub fn first_order(&self, first: FirstOrder<'a>) -> Attribution<'a> {
        Attribution::of(first.order.owner.as_deref(), Some(first.customer))
    }

    /// A deal: its owner and customer.
    pub fn deal(&self, deal: &'a Deal) -> Attribution<'a> {
        Attribution::of(
            deal.owner.as_deref(),
            self.facts.customer(&deal.customer_id),
        )
    }

    /// A follow-up: who logged it, and the customer.
    pub fn activity(&self, activity: &'a Activity) -> Attribution<'a> {
        Attribution::of(
            activity.owner.as_deref(),
            self.facts.customer(&activity.customer_id),
        )
    }

    /// A customer as a lead (the conversion cohort): its owner, itself.
    pub fn lead(&self, customer: &'a Customer) -> Attribution<'a> {
        Attribution::of(customer.owner.as_deref(), Some(customer))
    }

    /// Spend: its own channel; acquisition spend belongs to the `new` segment.
    pub fn spend(&self, spend: &'a Spend) -> Attribution<'a> {
        Attribution {
            channel: spend.channel.as_deref(),
            segment: Some("new"),
            ..Attribution::default()
        }
    }

    /// A survey response: its order's owner (else the customer's owner) and
    /// its customer (else the order's customer).
    pub fn survey(&self, survey: &'a Survey) -> Attribution<'a> {
        let order = survey
            .order_id
            .as_deref()
            .and_then(|id| self.facts.order_by_id.get(id).copied());
        let customer = survey
            .customer_id
            .as_deref()
            .or(order.map(|o| o.customer_id.as_str()))
            .and_then(|id| self.facts.customer(id));
        let owner = match order {
            Some(order) => order.owner.as_deref(),
            None => customer.and_then(|c| c.owner.as_deref()),
        };
        Attribution::of(owner, customer)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testdata::*;
    use super::*;

    #[test]
    fn conditions_select_records_by_their_keys() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        assert_eq!(view.lines(&q1).count(), 6);
        assert_eq!(view.and(Dimension::Rep, Some("u-li")).lines(&q1).count(), 2);
        assert_eq!(
            view.and(Dimension::Product, Some("P-HW"))
                .lines(&q1)
                .count(),
            2
        );
        assert_eq!(
            view.and(Dimension::Category, Some("Hardware"))
                .lines(&q1)
                .count(),
            2
        );
        assert_eq!(
            view.and(Dimension::Channel, Some("email"))
                .lines(&q1)
                .count(),
            2
        );
        // Spend without a channel is selected by an empty key.
        let unattributed = view.and(Dimension::Channel, None);
        assert_eq!(unattributed.spend_between(q1.from, q1.to).count(), 1);
    }

    #[test]
    fn the_segment_follows_the_first_order() {
        let input = tiny();
        let facts = Facts::new(&input);
        let q1 = period("2024-Q1");
        let view = View::new(&facts, Scope::all(q1));
        let new: Vec<&str> = view
            .and(Dimension::Segment, Some("new"))
            .lines(&q1)
            .map(|l| l.order.id.as_str())
            .collect();
        assert_eq!(new, ["o3", "o4", "o4", "o7", "o7"]);
        let returning = view.and(Dimension::Segment, Some("returning"));
        assert_eq!(
            returning
                .lines(&q1)
                .map(|l| l.order.id.as_str())
                .collect::<Vec<_>>(),
            ["o5"]
        );
    }
}
