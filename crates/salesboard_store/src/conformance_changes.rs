//! Conformance of change tracking: what a cache of every record (the KPI
//! engine's) needs from a backend to stay current after writes, run against
//! each backend by [`conformance_tests!`](crate::conformance_tests).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::conformance::sample_dataset;
use crate::{RecordAudit, RecordKeys, Store, WriteContext};

fn import() -> WriteContext {
    WriteContext {
        actor: None,
        source: "conformance".into(),
        record: None,
    }
}

fn keys(pairs: &[(&str, &[&str])]) -> RecordKeys {
    pairs
        .iter()
        .map(|(kind, ids)| {
            (
                kind.to_string(),
                ids.iter().map(|id| id.to_string()).collect(),
            )
        })
        .collect()
}

/// Every audit entry after a version comes back, oldest first: an import
/// with the window its rows were written in, a record's write with its kind
/// and key, a setting with its name.
pub async fn changes_name_what_each_write_changed(store: &impl Store) {
    let mut data = sample_dataset();
    store
        .write_dataset(&data, &import())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let imported = store
        .changes_since(0, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.len(), 1, "{imported:?}");
    let entry = &imported[0];
    assert_eq!(
        (
            entry.action.as_str(),
            entry.entity.as_str(),
            &entry.entity_id
        ),
        ("import", "dataset", &None)
    );
    let started_at = entry
        .started_at
        .unwrap_or_else(|| panic!("an import says when it began: {entry:?}"));
    assert!(started_at <= entry.at, "{entry:?}");
    let written = store
        .keys_written_between(started_at, entry.at)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = keys(&[
        ("users", &["u-1", "u-2"]),
        ("products", &["P-1"]),
        ("customers", &["c-1", "c-2"]),
        ("contacts", &["k-1"]),
        ("deals", &["d-1"]),
        ("orders", &["o-1", "o-2"]),
        ("payments", &["pay-1"]),
        ("activities", &["a-1"]),
        ("spend", &["s-1", "s-2"]),
        ("surveys", &["r-1"]),
    ]);
    for (kind, ids) in &expected {
        assert_eq!(written.get(kind), Some(ids), "{kind}: {written:?}");
    }
    let targets = written.get("targets").map(BTreeSet::len);
    assert_eq!(targets, Some(data.targets.len()), "{written:?}");

    let version = entry.version;
    data.customers[0].region = Some("华南".into());
    let record = WriteContext {
        actor: Some("u-2".into()),
        source: "api".into(),
        record: Some(RecordAudit {
            action: "update".into(),
            entity: "customers".into(),
            entity_id: "c-1".into(),
            before: None,
            after: None,
        }),
    };
    store
        .write_dataset(&data, &record)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_setting("timezone", "Asia/Shanghai")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let later = store
        .changes_since(version, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let named: Vec<(&str, &str, Option<&str>, Option<i64>)> = later
        .iter()
        .map(|c| {
            (
                c.action.as_str(),
                c.entity.as_str(),
                c.entity_id.as_deref(),
                c.started_at,
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("update", "customers", Some("c-1"), None),
            ("update", "settings", Some("timezone"), None),
        ]
    );
    assert!(later[0].version > version && later[1].version > later[0].version);
    let newest = store
        .change_version()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(newest, later[1].version);
    let limited = store
        .changes_since(0, 2)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limited.len(), 2);
    assert!(
        store
            .changes_since(newest, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
}

/// Records are read by key as a full read has them (orders with their
/// lines, a customer with its contacts); keys of records that do not exist
/// read nothing.
pub async fn records_are_read_by_key(store: &impl Store) {
    let data = sample_dataset();
    store
        .write_dataset(&data, &import())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let all = store.read_dataset().await.unwrap_or_else(|e| panic!("{e}"));
    let target = &all.targets[0];
    let target_key = format!(
        "{}:{}:{}",
        target.owner,
        target.period,
        target.metric.as_str()
    );
    let wanted = keys(&[
        ("customers", &["c-1", "c-404"]),
        ("orders", &["o-1"]),
        ("deals", &["d-1"]),
        ("payments", &["pay-404"]),
        ("targets", &[target_key.as_str()]),
        ("users", &["u-2"]),
    ]);
    let read = store
        .read_records(&wanted)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = |list: Vec<&str>| list.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        ids(read.customers.iter().map(|c| c.id.as_str()).collect()),
        ["c-1"]
    );
    assert_eq!(read.contacts, all.contacts[..1].to_vec());
    assert_eq!(read.contacts[0].customer_id, "c-1");
    assert_eq!(read.orders, vec![all.orders[0].clone()]);
    assert_eq!(read.orders[0].lines.len(), 2);
    assert_eq!(read.deals, all.deals);
    assert!(read.payments.is_empty());
    assert_eq!(read.targets, vec![target.clone()]);
    assert_eq!(read.users, vec![all.users[1].clone()]);
    assert!(read.products.is_empty() && read.spend.is_empty() && read.surveys.is_empty());

    let deals: BTreeSet<String> = ["d-1".to_string()].into();
    let history = store
        .stage_changes_of(&deals)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        history,
        store
            .stage_changes()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    );
    assert!(!history.is_empty());
    let none: BTreeSet<String> = ["d-404".to_string()].into();
    assert!(
        store
            .stage_changes_of(&none)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty()
    );
}

/// A later import's window names what it wrote, an order whose only change
/// is its lines among them, and not the records it left as they were.
pub async fn an_import_names_only_what_it_changed(store: &impl Store) {
    let mut data = sample_dataset();
    store
        .write_dataset(&data, &import())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let version = store
        .change_version()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Instants are whole seconds: let the second import start in a new one.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    data.orders[1].lines[0].quantity += 1;
    data.spend[0].amount = salesboard_domain::Money::from_cents(1);
    store
        .write_dataset(&data, &import())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let changes = store
        .changes_since(version, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changes.len(), 1, "{changes:?}");
    let (from, to) = (changes[0].started_at.unwrap_or(i64::MAX), changes[0].at);
    let written = store
        .keys_written_between(from, to)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        written,
        keys(&[("orders", &["o-2"]), ("spend", &["s-1"])]),
        "only the order whose line changed and the changed spend"
    );
}
