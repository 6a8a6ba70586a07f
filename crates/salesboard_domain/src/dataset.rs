//! A set of records to write together: what an import or the demo generator
//! produces, in the dependency order they are stored in.

use serde::Serialize;

use crate::entities::*;

/// Records of every kind, written to a store in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Users (teams are implied by their `team`).
    pub users: Vec<User>,
    /// Products.
    pub products: Vec<Product>,
    /// Customers.
    pub customers: Vec<Customer>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Deals.
    pub deals: Vec<Deal>,
    /// Orders with their lines.
    pub orders: Vec<Order>,
    /// Payments.
    pub payments: Vec<Payment>,
    /// Follow-ups.
    pub activities: Vec<Activity>,
    /// Marketing and sales spend.
    pub spend: Vec<Spend>,
    /// Survey responses.
    pub surveys: Vec<Survey>,
    /// Targets.
    pub targets: Vec<Target>,
}

impl Dataset {
    /// Number of order lines over all orders.
    pub fn order_line_count(&self) -> usize {
        self.orders.iter().map(|order| order.lines.len()).sum()
    }

    /// Number of records of every kind (an order with its lines counts once per line).
    pub fn record_count(&self) -> usize {
        self.users.len()
            + self.products.len()
            + self.customers.len()
            + self.contacts.len()
            + self.deals.len()
            + self.order_line_count()
            + self.payments.len()
            + self.activities.len()
            + self.spend.len()
            + self.surveys.len()
            + self.targets.len()
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.record_count() == 0 && self.orders.is_empty()
    }
}
