//! The records a caller's KPIs are computed from: exactly the rows the
//! policy lets them read, chosen by the same rules as the store's queries
//! (`salesboard_store::sql::records`), and tested to agree with them.

use std::collections::HashSet;

use salesboard_domain::Dataset;
use salesboard_domain::entities::{
    Activity, Contact, Customer, Deal, Order, Payment, Product, Spend, Survey, Target,
    TargetOwnerKind, User,
};
use salesboard_domain::kpi::KpiInput;
use salesboard_store::records::RowScope;

/// The part of `input` that `scope` lets one see; marketing spend only when
/// `spend_visible`.
pub fn visible_input(input: &KpiInput, scope: &RowScope, spend_visible: bool) -> KpiInput {
    let (users, team, pool) = match scope {
        RowScope::All => {
            let mut all = input.clone();
            if !spend_visible {
                all.dataset.spend.clear();
            }
            return all;
        }
        RowScope::Nothing => {
            return KpiInput {
                dataset: Dataset::default(),
                stage_changes: Vec::new(),
                time_zone: input.time_zone,
                customer_lifespan_years: input.customer_lifespan_years,
            };
        }
        RowScope::Owners { users, team, pool } => (users, team, *pool),
    };
    let data = &input.dataset;
    let users: HashSet<&str> = users.iter().map(String::as_str).collect();
    let customers: HashSet<&str> = data
        .customers
        .iter()
        .filter(|c| c.owner.as_deref().map_or(pool, |o| users.contains(o)))
        .map(|c| c.id.as_str())
        .collect();
    let owned = |owner: Option<&String>, customer: &str| match owner {
        Some(owner) => users.contains(owner.as_str()),
        None => customers.contains(customer),
    };
    let orders: HashSet<&str> = data
        .orders
        .iter()
        .filter(|o| owned(o.owner.as_ref(), &o.customer_id))
        .map(|o| o.id.as_str())
        .collect();
    let deals: HashSet<&str> = data
        .deals
        .iter()
        .filter(|d| owned(d.owner.as_ref(), &d.customer_id))
        .map(|d| d.id.as_str())
        .collect();
    subset(
        input,
        &Keep {
            users: &|u: &User| users.contains(u.id.as_str()),
            products: &|_: &Product| true,
            customers: &|c: &Customer| customers.contains(c.id.as_str()),
            contacts: &|c: &Contact| customers.contains(c.customer_id.as_str()),
            deals: &|d: &Deal| deals.contains(d.id.as_str()),
            orders: &|o: &Order| orders.contains(o.id.as_str()),
            payments: &|p: &Payment| orders.contains(p.order_id.as_str()),
            activities: &|a: &Activity| owned(a.owner.as_ref(), &a.customer_id),
            spend: &|_: &Spend| spend_visible,
            surveys: &|s: &Survey| match (&s.customer_id, &s.order_id) {
                (Some(customer), _) => customers.contains(customer.as_str()),
                (None, Some(order)) => orders.contains(order.as_str()),
                (None, None) => false,
            },
            targets: &|t: &Target| match t.owner_kind {
                TargetOwnerKind::User => users.contains(t.owner.as_str()),
                TargetOwnerKind::Team => team.as_deref() == Some(t.owner.as_str()),
            },
        },
    )
}

/// Which records of each kind a subset of the records keeps.
pub(crate) struct Keep<'k> {
    pub users: &'k dyn Fn(&User) -> bool,
    pub products: &'k dyn Fn(&Product) -> bool,
    pub customers: &'k dyn Fn(&Customer) -> bool,
    pub contacts: &'k dyn Fn(&Contact) -> bool,
    pub deals: &'k dyn Fn(&Deal) -> bool,
    pub orders: &'k dyn Fn(&Order) -> bool,
    pub payments: &'k dyn Fn(&Payment) -> bool,
    pub activities: &'k dyn Fn(&Activity) -> bool,
    pub spend: &'k dyn Fn(&Spend) -> bool,
    pub surveys: &'k dyn Fn(&Survey) -> bool,
    pub targets: &'k dyn Fn(&Target) -> bool,
}

/// The records `keep` keeps, with the stage changes of the kept deals.
pub(crate) fn subset(input: &KpiInput, keep: &Keep) -> KpiInput {
    fn kept<T: Clone>(records: &[T], keep: &dyn Fn(&T) -> bool) -> Vec<T> {
        records.iter().filter(|r| keep(r)).cloned().collect()
    }
    let data = &input.dataset;
    let deals = kept(&data.deals, keep.deals);
    let deal_ids: HashSet<&str> = deals.iter().map(|d| d.id.as_str()).collect();
    let stage_changes = input
        .stage_changes
        .iter()
        .filter(|c| deal_ids.contains(c.deal_id.as_str()))
        .cloned()
        .collect();
    KpiInput {
        dataset: Dataset {
            users: kept(&data.users, keep.users),
            products: kept(&data.products, keep.products),
            customers: kept(&data.customers, keep.customers),
            contacts: kept(&data.contacts, keep.contacts),
            deals,
            orders: kept(&data.orders, keep.orders),
            payments: kept(&data.payments, keep.payments),
            activities: kept(&data.activities, keep.activities),
            spend: kept(&data.spend, keep.spend),
            surveys: kept(&data.surveys, keep.surveys),
            targets: kept(&data.targets, keep.targets),
        },
        stage_changes,
        time_zone: input.time_zone,
        customer_lifespan_years: input.customer_lifespan_years,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use salesboard_domain::entities::Role;
    use salesboard_store::records::{
        ACTIVITIES, CONTACTS, CUSTOMERS, DEALS, ListQuery, ORDERS, PAYMENTS, RecordKind, SURVEYS,
        TARGETS, USERS, Value,
    };
    use salesboard_store::{Store, WriteContext};

    use super::*;
    use crate::demo::{DemoConfig, generate};
    use crate::kpi::kpi_input;
    use crate::policy::{self, Action, Actor};

    async fn stored_ids(
        store: &impl Store,
        kind: &RecordKind,
        scope: &RowScope,
    ) -> BTreeSet<String> {
        let query = ListQuery {
            filters: Vec::new(),
            search: None,
            sort: None,
            offset: 0,
            limit: i64::MAX,
        };
        let page = store
            .list_records(kind, scope, &query)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        page.rows
            .iter()
            .map(|row| match &row[0] {
                Value::Text(id) => id.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn ids<T>(records: &[T], id: impl Fn(&T) -> String) -> BTreeSet<String> {
        records.iter().map(id).collect()
    }

    /// The store's queries and the in-memory filter choose the same records
    /// for every user of a demo company, kind by kind.
    #[tokio::test]
    async fn the_kpis_cover_exactly_the_records_the_lists_show() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = crate::open_store(&dir.path().join("d.db").display().to_string())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut data = generate(&DemoConfig::new(3000, 7), &mut |_| {});
        // Some records without an owner: the pool, and orders that fall back
        // to their customer's owner.
        for customer in data.customers.iter_mut().step_by(9) {
            customer.owner = None;
        }
        for order in data.orders.iter_mut().step_by(5) {
            order.owner = None;
        }
        for deal in data.deals.iter_mut().step_by(4) {
            deal.owner = None;
        }
        store
            .write_dataset(&data, &WriteContext::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let input = kpi_input(&store).await.unwrap_or_else(|e| panic!("{e}"));
        let mut checked = 0;
        for user in &input.dataset.users {
            let actor = Actor {
                user_id: user.id.clone(),
                name: user.name.clone(),
                role: user.role,
                team_id: user.team.clone(),
                language: None,
            };
            let scope = policy::scope_named(&store, &actor, "customers", Action::Read)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let visible = visible_input(&input, &scope, true).dataset;
            let pairs: [(RecordKind, BTreeSet<String>); 9] = [
                (CUSTOMERS, ids(&visible.customers, |c| c.id.clone())),
                (CONTACTS, ids(&visible.contacts, |c| c.id.clone())),
                (DEALS, ids(&visible.deals, |d| d.id.clone())),
                (ORDERS, ids(&visible.orders, |o| o.id.clone())),
                (PAYMENTS, ids(&visible.payments, |p| p.id.clone())),
                (ACTIVITIES, ids(&visible.activities, |a| a.id.clone())),
                (SURVEYS, ids(&visible.surveys, |s| s.id.clone())),
                (USERS, ids(&visible.users, |u| u.id.clone())),
                (
                    TARGETS,
                    ids(&visible.targets, |t| {
                        format!("{}:{}:{}", t.owner, t.period, t.metric)
                    }),
                ),
            ];
            for (kind, expected) in pairs {
                let stored = stored_ids(&store, &kind, &scope).await;
                assert_eq!(stored, expected, "{} of {}", kind.name, user.id);
                if user.role == Role::Rep && kind.name == "orders" {
                    assert!(!expected.is_empty() && expected.len() < input.dataset.orders.len());
                }
                checked += 1;
            }
        }
        assert!(checked >= 9 * 5, "{checked}");
    }
}
