//! Export → import → export gives the same bytes (reliability-plan row 17),
//! on generated companies of up to 10,000 customers (more than one chunk of
//! the export), with text full of formula starts, quotes, separators and
//! line breaks, orders with several lines, discounts and returns, and
//! follow-ups; the XLSX export imports back to the same CSV too.

use proptest::prelude::*;
use rust_decimal::Decimal;
use salesboard_domain::{OrgTimeZone, Timestamp};

use crate::common::{Db, TestApp};
use crate::exports::{export_all, import, read_export};

/// Free text as people and attackers type it.
fn text() -> impl Strategy<Value = String> {
    "[=+@ \t\r\n\0'\",;a-z客户-]{0,10}"
}

/// One generated customer, maybe with an order and a follow-up.
#[derive(Debug, Clone)]
struct Generated {
    name: String,
    industry: String,
    phone: String,
    owner: usize,
    created: i64,
    lines: Vec<(i64, i64, i64)>,
    cancelled: bool,
    note: String,
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        (
            text(),
            text(),
            text(),
            0..7usize,
            1_577_836_800..1_767_225_600i64,
        ),
        (
            prop::collection::vec(
                (
                    0..99_999_999i64,
                    prop_oneof![-3..0i64, 1..50i64],
                    0..=1_000_000i64,
                ),
                0..4,
            ),
            any::<bool>(),
            text(),
        ),
    )
        .prop_map(
            |((name, industry, phone, owner, created), (lines, cancelled, note))| Generated {
                name,
                industry,
                phone,
                owner,
                created,
                lines,
                cancelled,
                note,
            },
        )
}

const OWNERS: [&str; 7] = ["admin", "mgr1", "repa", "repa2", "mgr2", "repb", ""];

fn local(seconds: i64) -> String {
    OrgTimeZone::default()
        .local_datetime(Timestamp::from_unix_seconds(seconds))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn csv_file(headers: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(headers)
        .unwrap_or_else(|e| panic!("{e}"));
    for row in rows {
        writer.write_record(row).unwrap_or_else(|e| panic!("{e}"));
    }
    writer.into_inner().unwrap_or_else(|e| panic!("{e}"))
}

/// The generated company as import files.
fn source_files(company: &[Generated]) -> Vec<(String, Vec<u8>)> {
    let mut customers = Vec::new();
    let mut orders = Vec::new();
    let mut activities = Vec::new();
    for (i, g) in company.iter().enumerate() {
        let id = format!("g{i}");
        let name = match g.name.trim() {
            "" => "x".to_string(),
            name => name.to_string(),
        };
        customers.push(vec![
            id.clone(),
            name,
            g.industry.clone(),
            OWNERS[g.owner].to_string(),
            local(g.created),
            g.phone.clone(),
        ]);
        for (price, quantity, ppm) in &g.lines {
            orders.push(vec![
                format!("o{i}"),
                id.clone(),
                OWNERS[g.owner].to_string(),
                local(g.created + 86_400),
                "P1".to_string(),
                Decimal::new(*price, 2).to_string(),
                quantity.to_string(),
                Decimal::new(*ppm, 6).normalize().to_string(),
                if g.cancelled {
                    "cancelled"
                } else {
                    "completed"
                }
                .to_string(),
            ]);
        }
        activities.push(vec![
            format!("a{i}"),
            id,
            local(g.created + 3_600),
            g.note.clone(),
        ]);
    }
    vec![
        (
            "customers.csv".into(),
            csv_file(
                &[
                    "customer_id",
                    "name",
                    "industry",
                    "owner",
                    "created_at",
                    "phone",
                ],
                customers,
            ),
        ),
        (
            "orders.csv".into(),
            csv_file(
                &[
                    "order_id",
                    "customer_id",
                    "owner",
                    "ordered_at",
                    "sku",
                    "unit_price",
                    "quantity",
                    "discount",
                    "status",
                ],
                orders,
            ),
        ),
        (
            "activities.csv".into(),
            csv_file(
                &["activity_id", "customer_id", "occurred_at", "note"],
                activities,
            ),
        ),
    ]
}

const KINDS: [&str; 3] = ["customers", "orders", "activities"];

async fn round_trip(company: Vec<Generated>) {
    let app = TestApp::spawn(Db::Sqlite).await;
    import(&app, &source_files(&company)).await;
    let first = export_all(&app, &KINDS, "csv").await;
    // The fixture's six customers and the generated ones.
    let customers = read_export(&first[0].1).rows.len();
    assert_eq!(customers, company.len() + 6);
    for format in ["csv", "xlsx"] {
        let files = export_all(&app, &KINDS, format).await;
        let again = TestApp::spawn(Db::Sqlite).await;
        import(&again, &files).await;
        let second = export_all(&again, &KINDS, "csv").await;
        for ((name, a), (_, b)) in first.iter().zip(&second) {
            assert!(a == b, "{name} through {format} differs");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2, max_shrink_iters: 8, ..ProptestConfig::default() })]

    #[test]
    fn export_import_export_is_byte_identical(
        company in prop::collection::vec(generated(), 5_001..=10_000)
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        runtime.block_on(round_trip(company));
    }
}
