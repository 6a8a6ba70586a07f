//! `salesboard bench …`: speed measured in-process on generated data.

use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_app::import::{ImportRequest, run_import};

use super::{Format, progress};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time importing generated canonical CSV files into a new SQLite database.
    Import {
        /// Order lines to generate.
        #[arg(long, default_value_t = 200_000)]
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

async fn import(lines: usize, format: Format) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files)?;
    let config = DemoConfig::new(lines, 7);
    let bar = progress::bar(lines as u64, "generating");
    let data = generate(&config, &mut |done| bar.set_position(done as u64));
    bar.finish_and_clear();
    salesboard_io::export::write_canonical_csv(&files, &data, config.timezone)?;
    let store =
        salesboard_app::open_store(&dir.path().join("bench.db").display().to_string()).await?;
    let spinner = progress::spinner("importing");
    let started = Instant::now();
    let report = run_import(
        &store,
        &ImportRequest {
            paths: vec![files],
            ..ImportRequest::default()
        },
        &mut |_| {},
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    spinner.finish_and_clear();
    store.close().await;
    let order_lines = report.written.map_or(0, |w| w.order_lines.created);
    let records: usize = report.files.iter().map(|f| f.accepted).sum();
    let result = serde_json::json!({
        "backend": "sqlite",
        "order_lines": order_lines,
        "rows": records,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "order_lines_per_second": (order_lines as f64 / seconds).round(),
        "rows_per_second": (records as f64 / seconds).round(),
    });
    if format == Format::Json {
        println!("{result}");
    } else {
        println!(
            "imported {order_lines} order lines ({records} rows in all) into SQLite in {seconds:.2} s: {:.0} order lines/s",
            order_lines as f64 / seconds
        );
    }
    Ok(())
}
