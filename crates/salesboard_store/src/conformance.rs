//! The conformance suite: what every [`Store`] backend must do, written once
//! and run against each backend by [`conformance_tests!`](crate::conformance_tests).

use chrono::NaiveDate;
use salesboard_domain::entities::*;
use salesboard_domain::{Dataset, Discount, Money, OrgTimeZone, Timestamp};

use crate::{AuthStore, SessionKind, SessionRow, Store, StoreError, WriteContext};

fn at(date: &str) -> Timestamp {
    let zone = OrgTimeZone::default();
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| zone.start_of_day(d))
        .unwrap_or(Timestamp::from_unix_seconds(0))
}

fn context() -> WriteContext {
    WriteContext {
        actor: None,
        source: "conformance".into(),
        record: None,
    }
}

/// A small dataset with one record of every kind, some optional fields empty
/// and some set, a return line and a cancelled order.
pub fn sample_dataset() -> Dataset {
    let mut extra = Extra::new();
    extra.insert("微信".into(), "tea_wechat".into());
    Dataset {
        users: vec![
            User {
                id: "u-1".into(),
                name: "李伟".into(),
                email: Some("li@example.com".into()),
                role: Role::Rep,
                team: Some("East".into()),
                extra: Extra::new(),
            },
            User {
                id: "u-2".into(),
                name: "Chen".into(),
                email: None,
                role: Role::Manager,
                team: Some("East".into()),
                extra: Extra::new(),
            },
        ],
        products: vec![Product {
            sku: "P-1".into(),
            name: "CRM".into(),
            category: Some("Software".into()),
            unit_price: Some(Money::from_cents(120_000)),
            unit_cost: None,
            extra: Extra::new(),
        }],
        customers: vec![
            Customer {
                id: "c-1".into(),
                name: "杭州茶业".into(),
                kind: Some(CustomerKind::Company),
                industry: Some("Food".into()),
                region: Some("East".into()),
                channel: Some("search".into()),
                owner: Some("u-1".into()),
                phone: Some("13800138000".into()),
                email: None,
                created_at: at("2024-01-05"),
                first_contact_at: Some(at("2024-01-06")),
                extra,
            },
            Customer {
                id: "c-2".into(),
                name: "Pool customer".into(),
                kind: None,
                industry: None,
                region: None,
                channel: None,
                owner: None,
                phone: None,
                email: Some("x@example.com".into()),
                created_at: at("2024-02-29"),
                first_contact_at: None,
                extra: Extra::new(),
            },
        ],
        contacts: vec![Contact {
            id: "k-1".into(),
            customer_id: "c-1".into(),
            name: "王经理".into(),
            title: Some("采购".into()),
            phone: None,
            email: None,
            extra: Extra::new(),
        }],
        deals: vec![Deal {
            id: "d-1".into(),
            customer_id: "c-1".into(),
            owner: Some("u-1".into()),
            title: Some("Rollout".into()),
            stage: "proposal".into(),
            amount: Some(Money::from_cents(500_000)),
            created_at: at("2024-01-06"),
            closed_at: None,
            status: DealStatus::Open,
            lost_reason: None,
            extra: Extra::new(),
        }],
        orders: vec![
            Order {
                id: "o-1".into(),
                customer_id: "c-1".into(),
                owner: Some("u-1".into()),
                ordered_at: Timestamp::from_unix_seconds(1_706_716_740),
                status: OrderStatus::Completed,
                deal_id: Some("d-1".into()),
                lines: vec![
                    OrderLine {
                        sku: Some("P-1".into()),
                        unit_price: Money::from_cents(120_000),
                        quantity: 10,
                        discount: Discount::from_ppm(150_000).unwrap_or_default(),
                    },
                    OrderLine {
                        sku: None,
                        unit_price: Money::from_cents(45_050),
                        quantity: -1,
                        discount: Discount::NONE,
                    },
                ],
                extra: Extra::new(),
            },
            Order {
                id: "o-2".into(),
                customer_id: "c-2".into(),
                owner: None,
                ordered_at: at("2024-03-01"),
                status: OrderStatus::Cancelled,
                deal_id: None,
                lines: vec![OrderLine {
                    sku: Some("P-1".into()),
                    unit_price: Money::from_cents(9_223_372_036_854),
                    quantity: 1,
                    discount: Discount::NONE,
                }],
                extra: Extra::new(),
            },
        ],
        payments: vec![Payment {
            id: "pay-1".into(),
            order_id: "o-1".into(),
            amount: Money::from_cents(-1),
            paid_at: at("2024-02-10"),
        }],
        activities: vec![Activity {
            id: "a-1".into(),
            customer_id: "c-1".into(),
            deal_id: Some("d-1".into()),
            owner: Some("u-1".into()),
            kind: Some(ActivityKind::Visit),
            occurred_at: at("2024-01-07"),
            note: Some("拜访 \"quoted\", with comma".into()),
        }],
        spend: vec![
            Spend {
                id: "s-1".into(),
                date: at("2024-01-01"),
                channel: Some("search".into()),
                category: Some("marketing".into()),
                amount: Money::from_cents(200_000),
                campaign: None,
            },
            Spend {
                id: "s-2".into(),
                date: at("2024-01-01"),
                channel: None,
                category: Some("sales".into()),
                amount: Money::from_cents(1),
                campaign: Some("travel".into()),
            },
        ],
        surveys: vec![Survey {
            id: "r-1".into(),
            customer_id: Some("c-1".into()),
            order_id: Some("o-1".into()),
            score: 0,
            scale: SurveyScale::Ten,
            responded_at: at("2024-02-11"),
            comment: None,
        }],
        targets: vec![
            Target {
                owner: "East".into(),
                owner_kind: TargetOwnerKind::Team,
                period: "2024-Q1".into(),
                metric: TargetMetric::Revenue,
                value_hundredths: 4_000_000,
            },
            Target {
                owner: "u-1".into(),
                owner_kind: TargetOwnerKind::User,
                period: "2024-01".into(),
                metric: TargetMetric::NewCustomers,
                value_hundredths: 300,
            },
        ],
    }
}

/// Counts and sums per value of a field cover the scope and the filters.
pub async fn group_totals_count_and_sum_within_the_scope(store: &impl Store) {
    use crate::records::{CUSTOMERS, DEALS, GroupTotal, ListQuery, ORDERS, RowScope, Value};
    store
        .write_dataset(&sample_dataset(), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let field = |kind: &crate::records::RecordKind, name: &str| {
        kind.field(name).unwrap_or_else(|| panic!("{name}"))
    };
    let everything = ListQuery {
        filters: Vec::new(),
        search: None,
        sort: None,
        offset: 0,
        limit: 0,
    };
    let total = |group: Value, count: i64, sum: i64| GroupTotal { group, count, sum };
    let deals = store
        .group_totals(
            &DEALS,
            &RowScope::All,
            &everything,
            field(&DEALS, "stage"),
            Some(field(&DEALS, "amount")),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        deals,
        vec![total(Value::Text("proposal".into()), 1, 500_000)]
    );
    // u-1's customers and the pool, by channel: c-1 (search) and c-2 (none).
    let rep = RowScope::Owners {
        users: vec!["u-1".into()],
        team: None,
        pool: true,
    };
    let mut customers = store
        .group_totals(
            &CUSTOMERS,
            &rep,
            &everything,
            field(&CUSTOMERS, "channel"),
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    customers.sort_by_key(|t| matches!(t.group, Value::Null));
    assert_eq!(
        customers,
        vec![
            total(Value::Text("search".into()), 1, 0),
            total(Value::Null, 1, 0)
        ]
    );
    // Without the pool, u-1 sees c-1 only; a filter narrows to completed orders.
    let own = RowScope::Owners {
        users: vec!["u-1".into()],
        team: None,
        pool: false,
    };
    let completed = ListQuery {
        filters: vec![(field(&ORDERS, "status"), Value::Text("completed".into()))],
        ..everything.clone()
    };
    let orders = store
        .group_totals(
            &ORDERS,
            &RowScope::All,
            &completed,
            field(&ORDERS, "owner"),
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(orders, vec![total(Value::Text("u-1".into()), 1, 0)]);
    let mine = store
        .group_totals(
            &CUSTOMERS,
            &own,
            &everything,
            field(&CUSTOMERS, "channel"),
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mine, vec![total(Value::Text("search".into()), 1, 0)]);
}

/// A new store holds nothing.
pub async fn a_new_store_is_empty(store: &impl Store) {
    let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(counts, crate::Counts::default());
    assert_eq!(store.read_dataset().await.ok(), Some(Dataset::default()));
}

/// What is written reads back equal, field by field.
pub async fn written_records_read_back_equal(store: &impl Store) {
    let data = sample_dataset();
    let report = store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.customers.created, 2);
    assert_eq!(report.order_lines.created, 3);
    assert_eq!(report.teams.created, 1);
    assert_eq!(report.stage_changes, 1);
    let back = store.read_dataset().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, data);
    let counts = store.counts().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            counts.users,
            counts.teams,
            counts.orders,
            counts.order_lines,
            counts.spend
        ),
        (2, 1, 2, 3, 2)
    );
}

/// Writing the same data twice changes nothing the second time.
pub async fn writing_the_same_data_again_changes_nothing(store: &impl Store) {
    let data = sample_dataset();
    store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let audit_before = store.audit_log(100).await.map(|a| a.len()).unwrap_or(0);
    let again = store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.changed_anything(), "second write changed: {again:?}");
    assert_eq!(again.customers.unchanged, 2);
    assert_eq!(again.order_lines.unchanged, 3);
    assert_eq!(store.stage_changes().await.map(|c| c.len()).ok(), Some(1));
    assert_eq!(
        store.audit_log(100).await.map(|a| a.len()).ok(),
        Some(audit_before)
    );
    assert_eq!(store.read_dataset().await.ok(), Some(data));
}

/// A changed record counts as updated, and a deal's stage move is recorded.
pub async fn a_changed_deal_is_updated_and_its_stage_move_recorded(store: &impl Store) {
    let mut data = sample_dataset();
    store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    data.deals[0].stage = "negotiation".into();
    data.customers[1].name = "Renamed".into();
    let report = store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            report.deals.updated,
            report.customers.updated,
            report.customers.unchanged
        ),
        (1, 1, 1)
    );
    let history = store
        .stage_changes()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let moves: Vec<(Option<&str>, &str)> = history
        .iter()
        .map(|c| (c.from_stage.as_deref(), c.to_stage.as_str()))
        .collect();
    assert_eq!(
        moves,
        vec![(None, "proposal"), (Some("proposal"), "negotiation")]
    );
    assert_eq!(store.read_dataset().await.ok(), Some(data));
}

/// An order given again with fewer lines loses the lines it no longer has.
pub async fn an_order_with_fewer_lines_loses_the_surplus(store: &impl Store) {
    let mut data = sample_dataset();
    store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    data.orders[0].lines.truncate(1);
    let report = store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.order_lines.removed, report.order_lines.unchanged),
        (1, 2)
    );
    assert_eq!(store.counts().await.map(|c| c.order_lines).ok(), Some(2));
    assert_eq!(store.read_dataset().await.ok(), Some(data));
}

/// A write that fails part-way leaves the store exactly as it was.
pub async fn a_failed_write_leaves_nothing_behind(store: &impl Store) {
    let data = sample_dataset();
    store
        .write_dataset(&data, &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut broken = sample_dataset();
    broken.customers[0].name = "Changed before the failure".into();
    broken.payments.push(Payment {
        id: "pay-x".into(),
        order_id: "no-such-order".into(),
        amount: Money::from_cents(1),
        paid_at: at("2024-01-01"),
    });
    let result = store.write_dataset(&broken, &context()).await;
    assert!(
        matches!(result, Err(crate::StoreError::Conflict(_))),
        "expected a conflict, got {result:?}"
    );
    assert_eq!(store.read_dataset().await.ok(), Some(data));
}

/// Settings, password hashes and known ids.
pub async fn settings_passwords_and_known_ids(store: &impl Store) {
    assert_eq!(store.setting("timezone").await.ok(), Some(None));
    store
        .set_setting("timezone", "UTC")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_setting("timezone", "Asia/Shanghai")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.setting("timezone").await.ok(),
        Some(Some("Asia/Shanghai".into()))
    );

    store
        .write_dataset(&sample_dataset(), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.password_hash("u-1").await.ok(), Some(None));
    store
        .set_password_hash("u-1", "$argon2id$v=19$m=19456,t=2,p=1$x$y")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.password_hash("u-1").await.ok(),
        Some(Some("$argon2id$v=19$m=19456,t=2,p=1$x$y".into()))
    );
    assert!(store.set_password_hash("nobody", "h").await.is_err());

    let known = store.known_ids().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        known.user_emails.get("li@example.com").map(String::as_str),
        Some("u-1")
    );
    assert!(
        known.customers.contains("c-2")
            && known.orders.contains("o-2")
            && known.teams.contains("East")
    );
    let stages: Vec<&str> = known.stages.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        stages,
        ["lead", "qualified", "proposal", "negotiation", "won"]
    );
    let identities = store
        .customer_identities()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(identities.len(), 2);
}

fn session_row(
    hash: &str,
    user: &str,
    kind: SessionKind,
    label: Option<&str>,
    at: i64,
) -> SessionRow {
    SessionRow {
        token_hash: hash.into(),
        user_id: user.into(),
        kind,
        csrf_token: (kind == SessionKind::Session).then(|| format!("csrf-{hash}")),
        label: label.map(Into::into),
        created_at: at,
        last_seen_at: at,
    }
}

/// Users are found by e-mail whatever its case, with role, team, state and
/// password hash; unknown e-mails and ids find nobody.
pub async fn users_are_found_by_email_for_login(store: &(impl Store + AuthStore)) {
    store
        .write_dataset(&sample_dataset(), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let li = store
        .login_user("  LI@Example.COM ")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("li@example.com not found"));
    assert_eq!(
        (li.id.as_str(), li.name.as_str(), li.email.as_deref()),
        ("u-1", "李伟", Some("li@example.com"))
    );
    assert_eq!(
        (li.role.as_str(), li.team_id.as_deref(), li.active),
        ("rep", Some("East"), true)
    );
    assert_eq!(li.password_hash, None);
    store
        .set_password_hash("u-1", "$argon2id$v=19$m=19456,t=2,p=1$x$y")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store
            .auth_user("u-1")
            .await
            .ok()
            .flatten()
            .and_then(|u| u.password_hash),
        Some("$argon2id$v=19$m=19456,t=2,p=1$x$y".into())
    );
    let chen = store.auth_user("u-2").await.ok().flatten();
    assert_eq!(
        chen.map(|u| (u.role, u.email)),
        Some(("manager".to_string(), None))
    );
    assert_eq!(
        store.login_user("nobody@example.com").await.ok(),
        Some(None)
    );
    assert_eq!(store.auth_user("nobody").await.ok(), Some(None));
}

/// A session reads back as stored, is touched forward only, and is gone once
/// deleted; a taken hash or an unknown user is a conflict; API tokens are
/// listed without their hashes.
pub async fn sessions_are_stored_touched_and_deleted(store: &(impl Store + AuthStore)) {
    store
        .write_dataset(&sample_dataset(), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let browser = session_row("aa01", "u-1", SessionKind::Session, None, 1_000);
    store
        .insert_session(&browser)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        store.session("aa01").await.ok(),
        Some(Some(browser.clone()))
    );
    assert_eq!(store.session("ffff").await.ok(), Some(None));

    store
        .touch_session("aa01", 1_600)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .touch_session("aa01", 1_300)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let touched = store.session("aa01").await.ok().flatten();
    assert_eq!(
        touched.map(|s| (s.created_at, s.last_seen_at)),
        Some((1_000, 1_600))
    );

    let taken = store.insert_session(&browser).await;
    assert!(
        matches!(taken, Err(StoreError::Conflict(_))),
        "a taken hash: {taken:?}"
    );
    let orphan = store
        .insert_session(&session_row(
            "bb02",
            "nobody",
            SessionKind::Session,
            None,
            1,
        ))
        .await;
    assert!(
        matches!(orphan, Err(StoreError::Conflict(_))),
        "an unknown user: {orphan:?}"
    );

    for (hash, label, at) in [("cc03", "laptop", 2_000), ("dd04", "ci", 3_000)] {
        store
            .insert_session(&session_row(hash, "u-1", SessionKind::Api, Some(label), at))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let tokens = store
        .api_tokens("u-1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<(Option<&str>, i64)> = tokens
        .iter()
        .map(|t| (t.label.as_deref(), t.created_at))
        .collect();
    assert_eq!(listed, [(Some("laptop"), 2_000), (Some("ci"), 3_000)]);
    assert_eq!(store.api_tokens("u-2").await.map(|t| t.len()).ok(), Some(0));

    store
        .delete_session("aa01")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.session("aa01").await.ok(), Some(None));
    store
        .delete_session("aa01")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.delete_sessions_of_user("u-1").await.ok(), Some(2));
    assert_eq!(store.api_tokens("u-1").await.map(|t| t.len()).ok(), Some(0));
}

/// Switching a user off deletes every session of theirs and nobody else's;
/// switching them on again keeps their password; an unknown user is an error.
pub async fn deactivating_a_user_deletes_their_sessions(store: &(impl Store + AuthStore)) {
    store
        .write_dataset(&sample_dataset(), &context())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .set_password_hash("u-1", "$argon2id$v=19$m=19456,t=2,p=1$x$y")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for (hash, user, kind) in [
        ("aa01", "u-1", SessionKind::Session),
        ("bb02", "u-1", SessionKind::Api),
        ("cc03", "u-2", SessionKind::Session),
    ] {
        store
            .insert_session(&session_row(hash, user, kind, None, 10))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    store
        .set_user_active("u-1", false)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let off = store.auth_user("u-1").await.ok().flatten();
    assert_eq!(off.map(|u| u.active), Some(false));
    assert_eq!(store.session("aa01").await.ok(), Some(None));
    assert_eq!(store.session("bb02").await.ok(), Some(None));
    assert!(matches!(store.session("cc03").await, Ok(Some(_))));
    assert_eq!(store.password_hash("u-1").await.ok(), Some(None));

    store
        .set_user_active("u-1", true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let on = store.login_user("li@example.com").await.ok().flatten();
    assert_eq!(
        on.map(|u| (u.active, u.password_hash)),
        Some((true, Some("$argon2id$v=19$m=19456,t=2,p=1$x$y".into())))
    );
    assert!(matches!(
        store.set_user_active("nobody", false).await,
        Err(StoreError::Conflict(_))
    ));
}

/// Expands to one `#[tokio::test]` per check, each on a fresh store made by
/// `$open`: an async expression giving `Some((guard, store))`, where the guard
/// (a temporary folder, say) lives as long as the test, or `None` to skip.
#[macro_export]
macro_rules! conformance_tests {
    ($open:expr) => {
        $crate::conformance_tests!(@each $open;
            a_new_store_is_empty,
            written_records_read_back_equal,
            writing_the_same_data_again_changes_nothing,
            a_changed_deal_is_updated_and_its_stage_move_recorded,
            an_order_with_fewer_lines_loses_the_surplus,
            a_failed_write_leaves_nothing_behind,
            settings_passwords_and_known_ids,
            users_are_found_by_email_for_login,
            sessions_are_stored_touched_and_deleted,
            deactivating_a_user_deletes_their_sessions,
            group_totals_count_and_sum_within_the_scope
        );
        $crate::conformance_tests!(@changes $open;
            changes_name_what_each_write_changed,
            records_are_read_by_key,
            an_import_names_only_what_it_changed
        );
        $crate::webhook_conformance_tests!($open);
        $crate::survey_link_conformance_tests!($open);
        $crate::alert_conformance_tests!($open);
    };
    (@changes $open:expr; $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some((_guard, store)) = $open {
                    $crate::conformance_changes::$check(&store).await;
                }
            }
        )+
    };
    (@each $open:expr; $($check:ident),+) => {
        $(
            #[tokio::test]
            async fn $check() {
                if let Some((_guard, store)) = $open {
                    $crate::conformance::$check(&store).await;
                }
            }
        )+
    };
}
