//! `salesboard bench …`: speed measured in-process on generated data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_app::import::{ImportRequest, run_import};
use salesboard_store::Store;

use super::{Format, progress};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time importing generated canonical CSV files into a new SQLite database:
    /// the orders file alone (order lines per second), then everything else.
    Import {
        /// Order lines to generate.
        #[arg(long, default_value_t = 1_000_000)]
        lines: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Import { lines, format } => import(lines, format).await,
    }
}

/// Imports `files` and returns the seconds it took.
async fn timed_import(store: &impl Store, files: Vec<PathBuf>, label: &str) -> anyhow::Result<f64> {
    let spinner = progress::spinner(label);
    let started = Instant::now();
    run_import(
        store,
        &ImportRequest {
            paths: files,
            ..ImportRequest::default()
        },
        &mut |_| {},
    )
    .await?;
    spinner.finish_and_clear();
    Ok(started.elapsed().as_secs_f64())
}

fn files(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names
        .iter()
        .map(|name| dir.join(format!("{name}.csv")))
        .collect()
}

async fn import(lines: usize, format: Format) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let folder = dir.path().join("files");
    std::fs::create_dir_all(&folder)?;
    let config = DemoConfig::new(lines, 7);
    let bar = progress::bar(lines as u64, "generating");
    let data = generate(&config, &mut |done| bar.set_position(done as u64));
    bar.finish_and_clear();
    salesboard_io::export::write_canonical_csv(&folder, &data, config.timezone)?;
    let store =
        salesboard_app::open_store(&dir.path().join("bench.db").display().to_string()).await?;

    let before = files(
        &folder,
        &["users", "products", "customers", "contacts", "deals"],
    );
    let before_seconds = timed_import(&store, before, "importing customers and deals").await?;
    let orders_seconds =
        timed_import(&store, files(&folder, &["orders"]), "importing orders").await?;
    let after = files(
        &folder,
        &["payments", "activities", "spend", "surveys", "targets"],
    );
    let after_seconds = timed_import(&store, after, "importing the rest").await?;
    let counts = store.counts().await?;
    store.close().await;

    let order_lines = counts.order_lines as f64;
    let rows = (counts.users
        + counts.products
        + counts.customers
        + counts.contacts
        + counts.deals
        + counts.order_lines
        + counts.payments
        + counts.activities
        + counts.spend
        + counts.surveys
        + counts.targets) as f64;
    let all_seconds = before_seconds + orders_seconds + after_seconds;
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let result = serde_json::json!({
        "backend": "sqlite",
        "order_lines": counts.order_lines,
        "orders_file_seconds": round(orders_seconds),
        "order_lines_per_second": (order_lines / orders_seconds).round(),
        "rows": rows,
        "all_files_seconds": round(all_seconds),
        "rows_per_second": (rows / all_seconds).round(),
    });
    if format == Format::Json {
        println!("{result}");
    } else {
        println!(
            "orders.csv: {order_lines} order lines in {orders_seconds:.2} s = {:.0} order lines/s\nall files: {rows} rows in {all_seconds:.2} s = {:.0} rows/s",
            order_lines / orders_seconds,
            rows / all_seconds
        );
    }
    Ok(())
}
