//! Keeping the KPI records current after writes without reading every
//! record again. The audit entries after a snapshot's change version name
//! what changed: a record by kind and key, or an import by the window of
//! `updated_at` its rows were written in. Only those records are read again
//! and put in place of the old ones (a record that is gone is dropped), in
//! the order a full read gives ([`canonical_order`]), so that the patched
//! records equal what [`kpi_input`](crate::kpi::kpi_input) would read.
//! Settings (the time zone, the lifespan) are read with every patch; an
//! unknown kind of change or too many mean a full read.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeSet;

use rust_decimal::Decimal;
use salesboard_domain::entities::{
    Activity, Contact, Customer, Deal, Order, Payment, Product, Spend, Survey, Target, User,
};
use salesboard_domain::kpi::KpiInput;
use salesboard_domain::time::OrgTimeZone;
use salesboard_domain::{Dataset, StageChange};
use salesboard_store::{RecordKeys, Store, is_dataset_kind};
use serde::Serialize;

use crate::kpi::{KpiError, customer_lifespan_years};
use crate::settings;

/// More changes than this since a snapshot: read everything again.
const MAX_CHANGES: i64 = 10_000;

/// More records to read again than this: read everything again.
const MAX_RECORDS: usize = 200_000;

/// How a snapshot's records were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Refresh {
    /// Every record.
    Full,
    /// The previous snapshot's records, with those `changes` audit entries
    /// name read again (`records` of them).
    Patched {
        /// Audit entries since the previous snapshot.
        changes: usize,
        /// Records named by them.
        records: usize,
    },
}

/// The records that changed since a snapshot, read again: what turns the
/// snapshot's records into the store's.
#[derive(Debug)]
pub struct Patch {
    keys: RecordKeys,
    fresh: Dataset,
    deals: BTreeSet<String>,
    stage_changes: Vec<StageChange>,
    time_zone: OrgTimeZone,
    lifespan_years: Option<Decimal>,
    changes: usize,
}

/// The patch from change version `since` to now, or `None` when the changes
/// need a full read (an import from before imports said when they began, a
/// kind of record it does not know, or too many).
pub async fn read_patch(store: &impl Store, since: i64) -> Result<Option<Patch>, KpiError> {
    let changes = store.changes_since(since, MAX_CHANGES + 1).await?;
    if changes.len() as i64 > MAX_CHANGES {
        return Ok(None);
    }
    let mut keys = RecordKeys::new();
    for change in &changes {
        match (change.entity.as_str(), &change.entity_id, change.started_at) {
            // The time zone and the lifespan are read with every patch;
            // teams are names (users carry the team).
            ("settings" | "teams", _, _) => {}
            // (A clock that stepped back during the import: read it all.)
            ("dataset", _, Some(started_at)) if started_at <= change.at => {
                for (kind, written) in store.keys_written_between(started_at, change.at).await? {
                    keys.entry(kind).or_default().extend(written);
                }
            }
            (entity, Some(id), _) if is_dataset_kind(entity) => {
                keys.entry(entity.to_string())
                    .or_default()
                    .insert(id.clone());
            }
            _ => return Ok(None),
        }
    }
    let records: usize = keys.values().map(BTreeSet::len).sum();
    if records > MAX_RECORDS {
        return Ok(None);
    }
    read_keys(store, keys, changes.len()).await.map(Some)
}

/// The patch that reads again the records `keys` names (the work after
/// `changes` audit entries that named them).
pub async fn read_keys(
    store: &impl Store,
    keys: RecordKeys,
    changes: usize,
) -> Result<Patch, KpiError> {
    let fresh = store.read_records(&keys).await?;
    let deals = keys.get("deals").cloned().unwrap_or_default();
    let stage_changes = if deals.is_empty() {
        Vec::new()
    } else {
        store.stage_changes_of(&deals).await?
    };
    Ok(Patch {
        keys,
        fresh,
        deals,
        stage_changes,
        time_zone: settings::timezone(store).await?,
        lifespan_years: customer_lifespan_years(store).await?,
        changes,
    })
}

impl Patch {
    /// How the records it makes were read.
    pub fn refresh(&self) -> Refresh {
        Refresh::Patched {
            changes: self.changes,
            records: self.keys.values().map(BTreeSet::len).sum(),
        }
    }

    /// `previous` with the changed records in place of the old ones.
    pub fn apply(self, previous: &KpiInput) -> KpiInput {
        let mut input = previous.clone();
        self.apply_to(&mut input);
        input
    }

    /// Puts the changed records in place of the old ones in `input` (the
    /// records of the change version the patch was read from).
    pub fn apply_to(self, input: &mut KpiInput) {
        let Patch {
            keys,
            fresh,
            deals,
            stage_changes,
            time_zone,
            lifespan_years,
            ..
        } = self;
        let none = BTreeSet::new();
        let named = |kind: &str| keys.get(kind).unwrap_or(&none);
        let data = &mut input.dataset;
        replace(&mut data.users, named("users"), fresh.users);
        replace(&mut data.products, named("products"), fresh.products);
        replace(&mut data.customers, named("customers"), fresh.customers);
        replace(&mut data.deals, named("deals"), fresh.deals);
        replace(&mut data.orders, named("orders"), fresh.orders);
        replace(&mut data.payments, named("payments"), fresh.payments);
        replace(&mut data.activities, named("activities"), fresh.activities);
        replace(&mut data.spend, named("spend"), fresh.spend);
        replace(&mut data.surveys, named("surveys"), fresh.surveys);
        replace(&mut data.targets, named("targets"), fresh.targets);
        // A customer's contacts were read again with it (a deleted
        // customer's are deleted with it).
        let (customers, contacts) = (named("customers"), named("contacts"));
        if !customers.is_empty() || !contacts.is_empty() {
            data.contacts
                .retain(|c| !contacts.contains(&c.id) && !customers.contains(&c.customer_id));
            data.contacts.extend(fresh.contacts);
            data.contacts.sort_by(Keyed::order);
        }
        if !deals.is_empty() {
            input
                .stage_changes
                .retain(|change| !deals.contains(&change.deal_id));
            input.stage_changes.extend(stage_changes);
            // Stable: each deal's changes stay oldest first.
            input
                .stage_changes
                .sort_by(|a, b| a.deal_id.cmp(&b.deal_id));
        }
        input.time_zone = time_zone;
        input.customer_lifespan_years = lifespan_years;
    }
}

/// `records` without those `named`, with `fresh` (those of them that still
/// exist), in key order (the sort finds the old records in order and only
/// merges the new ones in).
fn replace<T: Keyed>(records: &mut Vec<T>, named: &BTreeSet<String>, fresh: Vec<T>) {
    if named.is_empty() {
        return;
    }
    records.retain(|record| !named.contains(record.key().as_ref()));
    records.extend(fresh);
    records.sort_by(Keyed::order);
}

/// Puts records in the order a full read gives on every database: each kind
/// by key (bytewise, whatever the database's collation), the stage history
/// by deal and, within a deal, oldest first.
pub fn canonical_order(input: &mut KpiInput) {
    let data = &mut input.dataset;
    data.users.sort_by(Keyed::order);
    data.products.sort_by(Keyed::order);
    data.customers.sort_by(Keyed::order);
    data.contacts.sort_by(Keyed::order);
    data.deals.sort_by(Keyed::order);
    data.orders.sort_by(Keyed::order);
    data.payments.sort_by(Keyed::order);
    data.activities.sort_by(Keyed::order);
    data.spend.sort_by(Keyed::order);
    data.surveys.sort_by(Keyed::order);
    data.targets.sort_by(Keyed::order);
    // Stable: each deal's changes stay oldest first.
    input
        .stage_changes
        .sort_by(|a, b| a.deal_id.cmp(&b.deal_id));
}

/// A record's key as the audit log names it, and its place in a full read.
trait Keyed {
    fn key(&self) -> Cow<'_, str>;

    fn order(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

macro_rules! keyed_by {
    ($($kind:ty => $field:ident),* $(,)?) => {
        $(impl Keyed for $kind {
            fn key(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.$field)
            }
        })*
    };
}

keyed_by!(
    User => id,
    Product => sku,
    Customer => id,
    Contact => id,
    Deal => id,
    Order => id,
    Payment => id,
    Activity => id,
    Spend => id,
    Survey => id,
);

impl Keyed for Target {
    /// `owner:period:metric`, as the store keys a target.
    fn key(&self) -> Cow<'_, str> {
        Cow::Owned(format!(
            "{}:{}:{}",
            self.owner,
            self.period,
            self.metric.as_str()
        ))
    }

    fn order(&self, other: &Self) -> Ordering {
        fn place(t: &Target) -> (&str, &str, &str, &str) {
            (
                t.owner_kind.as_str(),
                t.owner.as_str(),
                t.period.as_str(),
                t.metric.as_str(),
            )
        }
        place(self).cmp(&place(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::kpi_input;
    use crate::test_support::tiny_store;

    #[tokio::test]
    async fn the_first_import_patched_onto_nothing_is_every_record() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let patch = read_patch(&store, 0)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("an import since version 0 is a patch"));
        let Refresh::Patched { changes, records } = patch.refresh() else {
            panic!("a patch says it is one");
        };
        let full = kpi_input(&store).await.unwrap_or_else(|e| panic!("{e}"));
        let data = &full.dataset;
        let every = data.users.len()
            + data.products.len()
            + data.customers.len()
            + data.contacts.len()
            + data.deals.len()
            + data.orders.len()
            + data.payments.len()
            + data.activities.len()
            + data.spend.len()
            + data.surveys.len()
            + data.targets.len();
        assert_eq!((changes, records), (1, every));
        assert_eq!(patch.apply(&KpiInput::default()), full);
    }

    #[tokio::test]
    async fn nothing_since_the_newest_version_is_an_empty_patch() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let version = store.change_version().await.unwrap_or_default();
        let full = kpi_input(&store).await.unwrap_or_else(|e| panic!("{e}"));
        let patch = read_patch(&store, version)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no change is a patch"));
        assert_eq!(
            patch.refresh(),
            Refresh::Patched {
                changes: 0,
                records: 0
            }
        );
        assert_eq!(patch.apply(&full), full);
    }
}
