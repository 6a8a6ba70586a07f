//! The command line beyond import: demo data, export round trip, users,
//! settings and configuration.

mod common;

use common::*;

#[test]
fn demo_data_has_the_lines_asked_for_and_its_export_imports_back_unchanged() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let first = dir.path().join("first.db").display().to_string();
    let out = ok(&salesboard(
        &first,
        &["demo", "--lines", "3000", "--seed", "5"],
    ));
    assert!(out.contains("3000 order lines"), "{out}");
    let generated = counts(&first);
    assert_eq!(generated["order_lines"], 3000);
    for kind in [
        "users",
        "teams",
        "customers",
        "products",
        "deals",
        "orders",
        "payments",
        "activities",
        "spend",
        "surveys",
        "targets",
    ] {
        assert!(
            generated[kind].as_i64().unwrap_or(0) > 0,
            "no {kind}: {generated}"
        );
    }

    let export = dir.path().join("export");
    ok(&salesboard(
        &first,
        &["export", "--dir", &export.display().to_string()],
    ));
    let second = dir.path().join("second.db").display().to_string();
    ok(&salesboard(
        &second,
        &["import", &export.display().to_string()],
    ));
    assert_eq!(counts(&second), generated);

    let again = dir.path().join("again");
    ok(&salesboard(
        &second,
        &["export", "--dir", &again.display().to_string()],
    ));
    for entry in std::fs::read_dir(&export)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let a = std::fs::read(entry.path()).unwrap_or_default();
        let b = std::fs::read(again.join(entry.file_name())).unwrap_or_default();
        assert!(
            a == b,
            "{:?} differs after the round trip",
            entry.file_name()
        );
    }
}

#[test]
fn a_user_is_added_with_the_password_from_standard_input() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let args = [
        "user",
        "add",
        "--email",
        "Boss@Example.com",
        "--name",
        "王芳",
        "--role",
        "admin",
        "--password-stdin",
    ];
    let weak = salesboard_with_input(&db, &args, "short\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 8 characters"));
    let out = ok(&salesboard_with_input(
        &db,
        &args,
        "correct horse battery staple\n",
    ));
    assert!(out.contains("user boss@example.com can log in"), "{out}");
    assert_eq!(counts(&db)["users"], 1);
    let bad_role = salesboard_with_input(
        &db,
        &[
            "user",
            "add",
            "--email",
            "a@b.c",
            "--name",
            "A",
            "--role",
            "boss",
            "--password-stdin",
        ],
        "correct horse battery\n",
    );
    assert!(
        String::from_utf8_lossy(&bad_role.stderr)
            .contains("\"boss\" is not one of: admin, manager, rep")
    );
}

/// Whether `token` is a valid API token in the database `db` right now.
fn token_works(db: &str, token: &str) -> bool {
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let store = salesboard_app::open_store(db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let now = salesboard_domain::Timestamp::now().unix_seconds();
        salesboard_app::auth::authenticate_api_token(&store, token, now)
            .await
            .is_ok()
    })
}

#[test]
fn an_api_token_is_printed_once_and_deactivation_revokes_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard_with_input(
        &db,
        &[
            "user",
            "add",
            "--email",
            "li@example.com",
            "--name",
            "李伟",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    ));
    let made = salesboard(
        &db,
        &[
            "user",
            "token",
            "--email",
            "LI@example.com",
            "--label",
            "ci",
        ],
    );
    let token = ok(&made).trim().to_string();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    assert!(String::from_utf8_lossy(&made.stderr).contains("shown once"));
    let second = ok(&salesboard(
        &db,
        &["user", "token", "--email", "li@example.com"],
    ));
    assert_ne!(second.trim(), token);
    assert!(token_works(&db, &token));

    let out = ok(&salesboard(
        &db,
        &["user", "deactivate", "--email", "li@example.com"],
    ));
    assert!(out.contains("deactivated"), "{out}");
    assert!(!token_works(&db, &token) && !token_works(&db, second.trim()));
    let refused = salesboard(&db, &["user", "token", "--email", "li@example.com"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("deactivated"));

    ok(&salesboard(
        &db,
        &["user", "activate", "--email", "li@example.com"],
    ));
    let third = ok(&salesboard(
        &db,
        &["user", "token", "--email", "li@example.com"],
    ));
    assert!(token_works(&db, third.trim()));
    let unknown = salesboard(
        &db,
        &["user", "deactivate", "--email", "nobody@example.com"],
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user has the e-mail"));
}

#[test]
fn settings_are_checked_before_they_are_stored() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    let wrong = salesboard(&db, &["settings", "set", "timezone", "Mars/Base"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("\"Mars/Base\" is not a time zone"));
    ok(&salesboard(&db, &["settings", "set", "timezone", "UTC"]));
    assert!(ok(&salesboard(&db, &["settings", "list"])).contains("timezone                 UTC"));
}

#[test]
fn the_example_configuration_is_printed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = ok(&salesboard(&sqlite_db(&dir), &["config", "example"]));
    assert!(out.contains("database_url = \"salesboard.db\""), "{out}");
}

#[test]
fn the_time_zone_setting_decides_what_a_typed_time_means() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["settings", "set", "timezone", "UTC"]));
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let export = |name: &str| {
        let out = dir.path().join(name);
        ok(&salesboard(
            &db,
            &["export", "--dir", &out.display().to_string()],
        ));
        std::fs::read_to_string(out.join("orders.csv")).unwrap_or_default()
    };
    // Typed as 23:59 local time in UTC, it is 07:59 the next morning in Shanghai.
    assert!(export("utc").contains("o3,c2,u-li,2024-01-31 23:59:00"));
    ok(&salesboard(
        &db,
        &["settings", "set", "timezone", "Asia/Shanghai"],
    ));
    assert!(export("shanghai").contains("o3,c2,u-li,2024-02-01 07:59:00"));
}

#[test]
fn the_dashboard_benchmark_reports_its_timings_as_json() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let out = ok(&salesboard(
        &db,
        &[
            "bench",
            "dashboard",
            "--period",
            "2024",
            "--runs",
            "3",
            "--with-reference",
            "--format",
            "json",
        ],
    ));
    let result: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        (result["runs"].as_i64(), result["order_lines"].as_i64()),
        (Some(3), Some(12))
    );
    let (median, p90) = (
        result["median_ms"].as_f64().unwrap_or(-1.0),
        result["p90_ms"].as_f64().unwrap_or(-1.0),
    );
    assert!(median >= 0.0 && p90 >= median, "{result}");
    assert_eq!(result["reference"]["runs"].as_i64(), Some(3), "{result}");
}

#[test]
fn the_dashboard_benchmark_times_a_breakdown_from_the_engine_and_the_reference() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let out = ok(&salesboard(
        &db,
        &[
            "bench",
            "dashboard",
            "--period",
            "2024-Q1",
            "--runs",
            "2",
            "--by",
            "rep",
            "--filter",
            "channel=search",
            "--with-reference",
            "--format",
            "json",
        ],
    ));
    let result: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let report = &result["report"];
    assert_eq!(report["by"], "rep", "{result}");
    assert_eq!(report["filters"], serde_json::json!(["channel=search"]));
    assert!(report["groups"].as_i64().unwrap_or(0) > 0, "{result}");
    assert_eq!(report["engine"]["runs"].as_i64(), Some(2), "{result}");
    assert_eq!(report["reference"]["runs"].as_i64(), Some(2), "{result}");
    assert_eq!(report["same"], true, "{result}");
    // The dashboard's own reference timing is left out for a question.
    assert!(result.get("reference").is_none(), "{result}");
}

#[test]
fn the_refresh_benchmark_patches_what_it_read_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = sqlite_db(&dir);
    ok(&salesboard(&db, &["import", &tiny().display().to_string()]));
    let before = ok(&salesboard(&db, &["status"]));
    let out = ok(&salesboard(
        &db,
        &[
            "bench",
            "refresh",
            "--records",
            "2",
            "--runs",
            "2",
            "--format",
            "json",
        ],
    ));
    let result: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        (
            result["order_lines"].as_i64(),
            result["patch"]["orders"].as_i64(),
            result["patch"]["runs"].as_i64()
        ),
        (Some(12), Some(2), Some(2)),
        "{result}"
    );
    let total = result["patch"]["total_median_ms"].as_f64().unwrap_or(-1.0);
    assert!(total >= 0.0, "{result}");
    assert_eq!(ok(&salesboard(&db, &["status"])), before, "nothing written");
}
