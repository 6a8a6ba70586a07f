//! What a write changed, and how many records of each kind are stored.

use std::fmt;

use serde::Serialize;

/// Records of each kind, as `status --format json` prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Users.
    pub users: i64,
    /// Teams.
    pub teams: i64,
    /// Customers.
    pub customers: i64,
    /// Contacts.
    pub contacts: i64,
    /// Products.
    pub products: i64,
    /// Deals.
    pub deals: i64,
    /// Distinct orders.
    pub orders: i64,
    /// Order lines.
    pub order_lines: i64,
    /// Payments.
    pub payments: i64,
    /// Follow-ups.
    pub activities: i64,
    /// Spend entries.
    pub spend: i64,
    /// Survey responses.
    pub surveys: i64,
    /// Targets.
    pub targets: i64,
}

/// What a write did to one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EntityReport {
    /// New records.
    pub created: u64,
    /// Existing records whose values changed.
    pub updated: u64,
    /// Existing records given again with the same values.
    pub unchanged: u64,
    /// Records removed (order lines an order no longer has).
    pub removed: u64,
}

impl EntityReport {
    /// Records given.
    pub fn given(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

/// What a write did, per kind of record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WriteReport {
    /// Teams.
    pub teams: EntityReport,
    /// Users.
    pub users: EntityReport,
    /// Products.
    pub products: EntityReport,
    /// Customers.
    pub customers: EntityReport,
    /// Contacts.
    pub contacts: EntityReport,
    /// Deals.
    pub deals: EntityReport,
    /// Deal stage moves recorded.
    pub stage_changes: u64,
    /// Orders.
    pub orders: EntityReport,
    /// Order lines.
    pub order_lines: EntityReport,
    /// Payments.
    pub payments: EntityReport,
    /// Follow-ups.
    pub activities: EntityReport,
    /// Spend.
    pub spend: EntityReport,
    /// Survey responses.
    pub surveys: EntityReport,
    /// Targets.
    pub targets: EntityReport,
}

impl WriteReport {
    /// Each kind with its report, in write order.
    pub fn entries(&self) -> [(&'static str, &EntityReport); 13] {
        [
            ("teams", &self.teams),
            ("users", &self.users),
            ("products", &self.products),
            ("customers", &self.customers),
            ("contacts", &self.contacts),
            ("deals", &self.deals),
            ("orders", &self.orders),
            ("order_lines", &self.order_lines),
            ("payments", &self.payments),
            ("activities", &self.activities),
            ("spend", &self.spend),
            ("surveys", &self.surveys),
            ("targets", &self.targets),
        ]
    }

    /// Whether the write changed anything.
    pub fn changed_anything(&self) -> bool {
        self.stage_changes > 0
            || self
                .entries()
                .iter()
                .any(|(_, r)| r.created + r.updated + r.removed > 0)
    }
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<12} {:>9} {:>9} {:>9} {:>9}",
            "", "created", "updated", "unchanged", "removed"
        )?;
        for (name, report) in self.entries() {
            if report.given() + report.removed == 0 {
                continue;
            }
            writeln!(
                f,
                "{:<12} {:>9} {:>9} {:>9} {:>9}",
                name, report.created, report.updated, report.unchanged, report.removed
            )?;
        }
        Ok(())
    }
}
