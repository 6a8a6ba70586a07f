//! Importing the canonical files through the command line, on SQLite and
//! PostgreSQL: counts, idempotence, refusals that write nothing, encodings.

mod common;

use common::*;
use serde_json::json;

fn tiny_counts() -> serde_json::Value {
    json!({
        "users": 4, "teams": 1, "customers": 7, "contacts": 0, "products": 4, "deals": 7,
        "orders": 9, "order_lines": 12, "payments": 6, "activities": 7, "spend": 6,
        "surveys": 7, "targets": 5
    })
}

fn imports_the_tiny_fixture_twice(db: &str) {
    let folder = tiny();
    let first = ok(&salesboard(db, &["import", &folder.display().to_string()]));
    assert!(first.contains("order_lines"), "{first}");
    assert_eq!(counts(db), tiny_counts());
    let second = ok(&salesboard(db, &["import", &folder.display().to_string()]));
    assert!(second.contains("nothing changed"), "{second}");
    assert_eq!(counts(db), tiny_counts());
}

#[test]
fn the_tiny_fixture_imports_to_its_counts_and_again_changes_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    imports_the_tiny_fixture_twice(&sqlite_db(&dir));
}

#[test]
fn the_tiny_fixture_imports_to_its_counts_and_again_changes_nothing_on_postgres() {
    if let Some(db) = postgres_db() {
        imports_the_tiny_fixture_twice(&db);
    }
}

fn with_bad_quantity(dir: &std::path::Path) -> std::path::PathBuf {
    let copy = copy_tiny(dir);
    let orders = std::fs::read_to_string(copy.join("orders.csv")).unwrap_or_default();
    let mut lines: Vec<String> = orders.lines().map(String::from).collect();
    // Line 5 of the file (the header is line 1): o2's second line, quantity 1.
    assert!(
        lines[4].starts_with("o2,c1,u-li,2023-12-20 16:00,P-TRN,3000.00,1,"),
        "{}",
        lines[4]
    );
    lines[4] = lines[4].replace("3000.00,1,", "3000.00,abc,");
    std::fs::write(copy.join("orders.csv"), lines.join("\n") + "\n")
        .unwrap_or_else(|e| panic!("{e}"));
    copy
}

fn a_bad_quantity_is_refused_and_nothing_changes(db: &str) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = with_bad_quantity(dir.path());

    let empty = salesboard(db, &["import", &bad.display().to_string()]);
    assert!(!empty.status.success());
    let message = String::from_utf8_lossy(&empty.stderr);
    assert!(
        message.contains("orders.csv: line 5: quantity: \"abc\" is not a whole number"),
        "{message}"
    );
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(counts(db).get("customers"), Some(&json!(0)));

    ok(&salesboard(db, &["import", &tiny().display().to_string()]));
    let before = counts(db);
    let export_before = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    ok(&salesboard(
        db,
        &[
            "export",
            "--dir",
            &export_before.path().display().to_string(),
        ],
    ));
    // The bad copy also renames a customer: that change must not land either.
    let customers = std::fs::read_to_string(bad.join("customers.csv")).unwrap_or_default();
    std::fs::write(
        bad.join("customers.csv"),
        customers.replace("Hangzhou Tea Co", "Renamed Tea Co"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let refused = salesboard(db, &["import", &bad.display().to_string()]);
    assert!(!refused.status.success());
    assert_eq!(counts(db), before);
    let export_after = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    ok(&salesboard(
        db,
        &[
            "export",
            "--dir",
            &export_after.path().display().to_string(),
        ],
    ));
    for file in ["customers.csv", "orders.csv", "payments.csv"] {
        let a = std::fs::read(export_before.path().join(file)).unwrap_or_default();
        let b = std::fs::read(export_after.path().join(file)).unwrap_or_default();
        assert!(!a.is_empty() && a == b, "{file} changed");
    }
}

#[test]
fn a_quantity_of_abc_on_line_5_is_refused_with_file_line_and_field_on_sqlite() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    a_bad_quantity_is_refused_and_nothing_changes(&sqlite_db(&dir));
}

#[test]
fn a_quantity_of_abc_on_line_5_is_refused_with_file_line_and_field_on_postgres() {
    if let Some(db) = postgres_db() {
        a_bad_quantity_is_refused_and_nothing_changes(&db);
    }
}

#[test]
fn skip_invalid_writes_the_good_rows_and_sets_the_order_aside_with_its_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let bad = with_bad_quantity(dir.path());
    let out = ok(&salesboard(
        &db,
        &["import", "--skip-invalid", &bad.display().to_string()],
    ));
    assert!(out.contains("orders.rejected.csv"), "{out}");
    let counts = counts(&db);
    // o2 (two lines) is set aside whole, and so is pay1, which pays it; s1 refers to it too.
    assert_eq!(
        (counts["orders"].clone(), counts["order_lines"].clone()),
        (json!(8), json!(10))
    );
    assert_eq!(
        (counts["payments"].clone(), counts["surveys"].clone()),
        (json!(5), json!(6))
    );
    let rejected = std::fs::read_to_string(bad.join("orders.rejected.csv")).unwrap_or_default();
    let rows: Vec<&str> = rejected.lines().collect();
    assert!(rows[0].ends_with("deal_id,error"), "{rejected}");
    assert!(
        rows[1].contains("order \"\"o2\"\" has an invalid line (line 5)"),
        "{rejected}"
    );
    assert!(
        rows[2].contains("abc") && rows[2].contains("is not a whole number"),
        "{rejected}"
    );
    let payments = std::fs::read_to_string(bad.join("payments.rejected.csv")).unwrap_or_default();
    assert!(
        payments.contains("order \"\"o2\"\" was rejected"),
        "{payments}"
    );
}

fn chinese_gbk_customers(dir: &std::path::Path) -> std::path::PathBuf {
    let copy = copy_tiny(dir);
    let text = std::fs::read_to_string(copy.join("customers.csv")).unwrap_or_default();
    let (_, rest) = text.split_once('\n').unwrap_or_default();
    let chinese =
        format!("客户ID,客户名称,类型,行业,地区,来源渠道,负责人,创建时间,首次接触时间\n{rest}");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&chinese);
    assert!(!unmappable);
    std::fs::remove_file(copy.join("customers.csv")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(copy.join("客户.csv"), &bytes).unwrap_or_else(|e| panic!("{e}"));
    copy
}

#[test]
fn customers_saved_as_gbk_with_chinese_headers_import_to_the_same_counts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let folder = chinese_gbk_customers(dir.path());
    let out = ok(&salesboard(&db, &["import", &folder.display().to_string()]));
    assert!(out.contains("GBK"), "{out}");
    assert_eq!(counts(&db), tiny_counts());
}

#[test]
fn customers_saved_as_xlsx_import_to_the_same_counts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let copy = copy_tiny(dir.path());
    let text = std::fs::read_to_string(copy.join("customers.csv")).unwrap_or_default();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = reader.headers().cloned().unwrap_or_default();
    for (column, header) in headers.iter().enumerate() {
        sheet
            .write_string(0, column as u16, header)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (row, record) in reader.records().flatten().enumerate() {
        for (column, cell) in record.iter().enumerate() {
            sheet
                .write_string(row as u32 + 1, column as u16, cell)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    std::fs::remove_file(copy.join("customers.csv")).unwrap_or_else(|e| panic!("{e}"));
    book.save(copy.join("customers.xlsx"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = ok(&salesboard(&db, &["import", &copy.display().to_string()]));
    assert!(out.contains("XLSX"), "{out}");
    assert_eq!(counts(&db), tiny_counts());
}

#[test]
fn files_given_one_by_one_in_any_order_import_as_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let folder = tiny();
    let mut files: Vec<String> = [
        "payments",
        "orders",
        "customers",
        "users",
        "products",
        "deals",
        "targets",
        "spend",
        "surveys",
        "activities",
    ]
    .iter()
    .map(|name| folder.join(format!("{name}.csv")).display().to_string())
    .collect();
    files.insert(0, "import".into());
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    ok(&salesboard(&db, &args));
    assert_eq!(counts(&db), tiny_counts());
}

#[test]
fn a_missing_reference_is_named() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let out = salesboard(
        &db,
        &["import", &tiny().join("payments.csv").display().to_string()],
    );
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains(
            "payments.csv: line 2: order_id: no order \"o2\" is stored or in this import"
        ),
        "{message}"
    );
}

#[test]
fn an_unknown_database_scheme_is_an_error_not_a_new_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!("mysql://{}/x", dir.path().display());
    let out = salesboard(&url, &["status"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}
