//! Validation of whole imports: references, merged orders, rejected rows.

use salesboard_domain::known::{KnownIds, StageInfo};
use salesboard_io::import::{FileKind, ImportOptions, SourceFile, Table, read_table, validate};

fn table(name: &str, text: &str) -> Table {
    read_table(
        &SourceFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        },
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn known() -> KnownIds {
    let mut known = KnownIds::default();
    known.users.insert("u-1".into());
    known
        .user_emails
        .insert("li@example.com".into(), "u-1".into());
    known
        .customers
        .extend(["c-1".to_string(), "c-2".to_string()]);
    known.products.insert("P-1".into());
    known.stages = ["lead", "qualified", "won"]
        .iter()
        .zip(1..)
        .map(|(code, position)| StageInfo {
            code: code.to_string(),
            position,
            label_en: code.to_string(),
            label_zh: format!("阶段{position}"),
        })
        .collect();
    known
}

const HEADER: &str =
    "order_id,customer_id,owner,ordered_at,sku,unit_price,quantity,discount,status\n";

#[test]
fn lines_of_one_order_far_apart_merge_into_one_order_in_file_order() {
    let text = format!(
        "{HEADER}o1,c-1,li@example.com,2024-01-02,P-1,10,1,,\no2,c-2,,2024-01-03,,5,2,,\no1,c-1,u-1,2024-01-02,,20,-1,10%,\n"
    );
    let outcome = validate(
        &[(FileKind::Orders, table("orders.csv", &text))],
        &known(),
        &[],
        &ImportOptions::default(),
    );
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let orders = &outcome.dataset.orders;
    assert_eq!(
        orders.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        ["o1", "o2"]
    );
    assert_eq!(orders[0].owner.as_deref(), Some("u-1"));
    let quantities: Vec<i64> = orders[0].lines.iter().map(|l| l.quantity).collect();
    assert_eq!(quantities, [1, -1]);
    assert_eq!(orders[0].lines[1].discount.ppm(), 100_000);
}

#[test]
fn a_later_line_that_disagrees_on_the_customer_names_the_first_line() {
    let text = format!("{HEADER}o1,c-1,,2024-01-02,P-1,10,1,,\no1,c-2,,2024-01-02,P-1,10,1,,\n");
    let outcome = validate(
        &[(FileKind::Orders, table("orders.csv", &text))],
        &known(),
        &[],
        &ImportOptions::default(),
    );
    let messages: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "orders.csv: line 2: order \"o1\" has an invalid line (line 3)",
            "orders.csv: line 3: customer_id: differs from line 2 of the same order \"o1\"",
        ]
    );
    assert!(outcome.dataset.orders.is_empty());
}

#[test]
fn an_order_with_a_bad_line_is_set_aside_whole_and_what_refers_to_it_too() {
    let orders = format!(
        "{HEADER}o1,c-1,,2024-01-02,P-1,10,1,,\no1,c-1,,2024-01-02,P-9,10,x,,\no2,c-1,,2024-01-02,,1,1,,\n"
    );
    let payments = "payment_id,order_id,amount,paid_at\np1,o1,10,2024-01-05\np2,o2,1,2024-01-05\n";
    let tables = [
        (FileKind::Payments, table("payments.csv", payments)),
        (FileKind::Orders, table("orders.csv", &orders)),
    ];
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let outcome = validate(&tables, &known(), &[], &options);
    let messages: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "orders.csv: line 2: order \"o1\" has an invalid line (line 3)",
            "orders.csv: line 3: quantity: \"x\" is not a whole number",
            "orders.csv: line 3: sku: no product \"P-9\" is stored or in this import",
            "payments.csv: line 2: order_id: order \"o1\" was rejected (see its own problem)",
        ]
    );
    assert_eq!(outcome.dataset.orders.len(), 1);
    assert_eq!(
        outcome
            .dataset
            .payments
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>(),
        ["p2"]
    );
    let orders_summary = outcome
        .files
        .iter()
        .find(|f| f.kind == "orders")
        .map(|f| (f.rows, f.accepted, f.rejected.len()));
    assert_eq!(orders_summary, Some((3, 1, 2)));
}

#[test]
fn deal_stages_accept_labels_and_won_or_lost_deals_need_a_close_date() {
    let text = "deal_id,customer_id,stage,created_at,closed_at,status\nd1,c-1,阶段2,2024-01-01,,open\nd2,c-1,,2024-01-01,2024-02-01,won\nd3,c-1,lead,2024-01-01,,lost\nd4,c-1,demo,2024-03-01,2024-02-01,lost\n";
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let outcome = validate(
        &[(FileKind::Deals, table("deals.csv", text))],
        &known(),
        &[],
        &options,
    );
    let stages: Vec<(&str, &str)> = outcome
        .dataset
        .deals
        .iter()
        .map(|d| (d.id.as_str(), d.stage.as_str()))
        .collect();
    assert_eq!(stages, [("d1", "qualified"), ("d2", "won")]);
    let messages: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "deals.csv: line 4: closed_at: is required for a won or lost deal",
            "deals.csv: line 5: closed_at: is before created_at",
            "deals.csv: line 5: stage: \"demo\" is not a pipeline stage (lead, qualified, won)",
        ]
    );
}

#[test]
fn targets_belong_to_a_user_by_id_or_email_or_to_a_team() {
    let users = "user_id,name,team\nu-2,Chen,East\n";
    let targets = "负责人,周期,指标,目标值\nli@example.com,2024-03,revenue,5000\nEast,2024-Q1,销售额,40000.5\nWest,2024,revenue,1\nu-2,2024-13,revenue,1\n";
    let tables = [
        (FileKind::Targets, table("目标.csv", targets)),
        (FileKind::Users, table("users.csv", users)),
    ];
    let options = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let outcome = validate(&tables, &known(), &[], &options);
    let owners: Vec<(String, &str, i64)> = outcome
        .dataset
        .targets
        .iter()
        .map(|t| {
            (
                t.owner_kind.to_string(),
                t.owner.as_str(),
                t.value_hundredths,
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            ("user".to_string(), "u-1", 500_000),
            ("team".to_string(), "East", 4_000_050)
        ]
    );
    let messages: Vec<String> = outcome.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        messages,
        [
            "目标.csv: line 4: 负责人 (owner): \"West\" is neither a user nor a team",
            "目标.csv: line 5: 周期 (period): \"2024-13\" is not a period (like 2024, 2024-Q1 or 2024-03)",
        ]
    );
}

#[test]
fn customers_that_look_alike_are_reported_against_the_import_and_the_store() {
    use salesboard_domain::known::CustomerIdentity;
    let text = "customer_id,name,created_at,phone,email\n\
                n1,杭州茶业有限公司,2024-01-01,,\n\
                n2,杭州茶业,2024-01-02,,\n\
                n3,Other Ltd,2024-01-03,+86 138-0013-8000,\n\
                n4,Fourth,2024-01-04,,Sales@Example.com\n\
                c-1,Same id as stored,2024-01-05,13800138000,\n";
    let stored = vec![
        CustomerIdentity {
            id: "c-1".into(),
            name: "Stored".into(),
            phone: Some("13800138000".into()),
            email: None,
        },
        CustomerIdentity {
            id: "c-2".into(),
            name: "Stored two".into(),
            phone: None,
            email: Some("sales@example.com".into()),
        },
    ];
    let outcome = validate(
        &[(FileKind::Customers, table("customers.csv", text))],
        &known(),
        &stored,
        &ImportOptions::default(),
    );
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let notes: Vec<(usize, &str, &str, &str)> = outcome
        .duplicates
        .iter()
        .map(|d| (d.line, d.customer_id.as_str(), d.other_id.as_str(), d.same))
        .collect();
    // c-1 is re-imported over itself, so its stored phone is not a duplicate of
    // it; n3 has the same phone as c-1 once that is given again.
    assert_eq!(
        notes,
        [
            (3, "n2", "n1", "name"),
            (5, "n4", "c-2", "email"),
            (6, "c-1", "n3", "phone")
        ]
    );
}
