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
    /// Load the records from the database (--db), build the engine, then time
    /// the whole dashboard of a period: every KPI with CAC by channel, the
    /// funnel and the rep table, the monthly trend, revenue by rep, the top 20
    /// products.
    Dashboard {
        /// The period (2024, 2024-Q1, 2024-03).
        #[arg(long)]
        period: String,
        /// Timed runs.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Also time the reference functions on the same dashboard (seconds a
        /// run on large data); with --by or --filter, on that report instead.
        #[arg(long)]
        with_reference: bool,
        /// Also time the web dashboard's board without filters (the KPIs of
        /// the period and of the previous one, the trend with last year's
        /// line, new customers by channel, new vs returning revenue, every
        /// product, cycle days, the rep table): from the engine as the server
        /// serves it, and from the reference functions as with filters.
        #[arg(long)]
        with_board: bool,
        /// Also time the report with this breakdown (day, week … rep, team,
        /// product, category, channel, region, industry, segment) from the
        /// engine, and with --with-reference from the reference (at most 3
        /// runs), and check that the two are the same.
        #[arg(long, value_name = "DIM")]
        by: Option<String>,
        /// The same with these filters (repeatable, as for `kpi`).
        #[arg(long = "filter", value_name = "DIM=VALUE")]
        filters: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Load the records from the database (--db) and build the engine, then
    /// time what the server does after a write instead: read again the
    /// orders the write named, put them in place of the old ones, and
    /// rebuild the engine. Writes nothing.
    Refresh {
        /// Orders the write is taken to have changed (spread over the data).
        #[arg(long, default_value_t = 1)]
        records: usize,
        /// Timed runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub async fn run(
    store: Option<&salesboard_app::AppStore>,
    command: BenchCommand,
) -> anyhow::Result<()> {
    match command {
        BenchCommand::Import { lines, format } => import(lines, format).await,
        BenchCommand::Dashboard {
            period,
            runs,
            with_reference,
            with_board,
            by,
            filters,
            format,
        } => match store {
            Some(store) => {
                let question = match (by, filters.is_empty()) {
                    (None, true) => None,
                    (by, _) => Some(Question::parse(by.as_deref(), &filters)?),
                };
                let timings = Timings {
                    reference: with_reference,
                    board: with_board,
                    question,
                };
                dashboard(store, &period, runs, timings, format).await
            }
            None => anyhow::bail!("bench dashboard needs a database"),
        },
        BenchCommand::Refresh {
            records,
            runs,
            format,
        } => match store {
            Some(store) => super::bench_refresh::refresh(store, records, runs, format).await,
            None => anyhow::bail!("bench refresh needs a database"),
        },
    }
}

/// Whether a command needs the database named by --db.
pub fn needs_database(command: &BenchCommand) -> bool {
    matches!(
        command,
        BenchCommand::Dashboard { .. } | BenchCommand::Refresh { .. }
    )
}

/// Median and p90 of `runs` timings of `work`, in milliseconds.
pub(super) fn timed(
    runs: usize,
    label: &str,
    mut work: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(f64, f64, usize)> {
    let bar = progress::bar(runs as u64, label);
    let mut times = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        work()?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        bar.inc(1);
    }
    bar.finish_and_clear();
    times.sort_by(f64::total_cmp);
    let rank = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    Ok((rank(0.5), rank(0.9), times.len()))
}

/// What `bench dashboard` times besides the engine.
struct Timings {
    reference: bool,
    board: bool,
    question: Option<Question>,
}

/// A breakdown and filters, as `kpi --by … --filter …` asks them.
struct Question {
    by: Option<salesboard_domain::kpi::Dimension>,
    filters: Vec<(salesboard_domain::kpi::Dimension, String)>,
}

impl Question {
    fn parse(by: Option<&str>, filters: &[String]) -> anyhow::Result<Question> {
        use salesboard_domain::kpi::{Dimension, parse_filter};
        Ok(Question {
            by: by.map(str::parse::<Dimension>).transpose()?,
            filters: filters
                .iter()
                .map(|f| parse_filter(f))
                .collect::<Result<Vec<_>, _>>()?,
        })
    }
}

async fn dashboard(
    store: &impl Store,
    period: &str,
    runs: usize,
    timings: Timings,
    format: Format,
) -> anyhow::Result<()> {
    use salesboard_domain::kpi::{Dimension, kpi_report};
    let period = salesboard_domain::Period::parse(period)?;
    let started = Instant::now();
    let input = salesboard_app::kpi::kpi_input(store).await?;
    let stages = salesboard_app::kpi::stage_order(store).await?;
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let order_lines = input.dataset.order_line_count();
    let round = |x: f64| (x * 10.0).round() / 10.0;

    let started = Instant::now();
    let engine = salesboard_analytics::Engine::new(&input, &stages);
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (engine_median, engine_p90, engine_runs) = timed(runs, "engine runs", || {
        std::hint::black_box((
            engine.figures(&period),
            engine.monthly_revenue(&period),
            engine.revenue_by_rep(&period),
            engine.top_products(&period, 20),
            engine.rep_table(&period),
        ));
        Ok(())
    })?;
    let mut result = serde_json::json!({
        "load_ms": round(load_ms),
        "build_ms": round(build_ms),
        "median_ms": round(engine_median),
        "p90_ms": round(engine_p90),
        "runs": engine_runs,
        "order_lines": order_lines,
    });
    if timings.board {
        use salesboard_app::kpi_board::{Compare, compute, from_engine, from_engine_filtered};
        let (median, p90, count) = timed(runs, "board runs (engine)", || {
            std::hint::black_box(from_engine(&engine, &input, period, Compare::Previous));
            Ok(())
        })?;
        let (ref_median, ref_p90, ref_count) = timed(runs, "board runs (reference)", || {
            std::hint::black_box(compute(&input, &stages, period, Compare::Previous, &[])?);
            Ok(())
        })?;
        // Filtered by the most common acquisition channel: the engine seen
        // through the filter, as the server answers it.
        let channel = most_common_channel(&input);
        let filters = [(Dimension::Channel, channel.clone())];
        let (f_median, f_p90, f_count) = timed(runs, "board runs (filtered)", || {
            std::hint::black_box(from_engine_filtered(
                &engine,
                &input,
                period,
                Compare::Previous,
                &filters,
            )?);
            Ok(())
        })?;
        result["board"] = serde_json::json!({
            "engine": { "median_ms": round(median), "p90_ms": round(p90), "runs": count },
            "reference": { "median_ms": round(ref_median), "p90_ms": round(ref_p90), "runs": ref_count },
            "filtered": {
                "filter": format!("channel={channel}"),
                "median_ms": round(f_median), "p90_ms": round(f_p90), "runs": f_count,
            },
        });
    }
    if let Some(question) = &timings.question {
        let mut fast = None;
        let (median, p90, count) = timed(runs, "report runs (engine)", || {
            fast = Some(engine.report_by(period, question.by, &question.filters)?);
            Ok(())
        })?;
        let mut answer = serde_json::json!({
            "by": question.by.map(|by| by.to_string()),
            "filters": question.filters.iter().map(|(d, v)| format!("{d}={v}")).collect::<Vec<_>>(),
            "groups": fast.as_ref().and_then(|r| r.groups.as_ref()).map_or(0, Vec::len),
            "engine": { "median_ms": round(median), "p90_ms": round(p90), "runs": count },
        });
        if timings.reference {
            let mut slow = None;
            let (median, p90, count) = timed(runs.clamp(1, 3), "report runs (reference)", || {
                slow = Some(kpi_report(
                    &input,
                    period,
                    &stages,
                    question.by,
                    &question.filters,
                )?);
                Ok(())
            })?;
            answer["reference"] = serde_json::json!({ "median_ms": round(median), "p90_ms": round(p90), "runs": count });
            answer["same"] =
                serde_json::json!(serde_json::to_value(&fast)? == serde_json::to_value(&slow)?);
        }
        result["report"] = answer;
    }
    if timings.reference && timings.question.is_none() {
        let (median, p90, count) = timed(runs, "reference runs", || {
            kpi_report(&input, period, &stages, None, &[])?;
            kpi_report(&input, period, &stages, Some(Dimension::Month), &[])?;
            kpi_report(&input, period, &stages, Some(Dimension::Product), &[])?;
            Ok(())
        })?;
        result["reference"] =
            serde_json::json!({ "median_ms": round(median), "p90_ms": round(p90), "runs": count });
    }
    if format == Format::Json {
        println!("{result}");
    } else {
        println!(
            "{order_lines} order lines loaded in {load_ms:.0} ms, engine built in {build_ms:.0} ms"
        );
        println!(
            "dashboard (engine): median {engine_median:.2} ms, p90 {engine_p90:.2} ms over {engine_runs} runs"
        );
        let reference = &result["reference"];
        if let (Some(median), Some(p90)) = (
            reference["median_ms"].as_f64(),
            reference["p90_ms"].as_f64(),
        ) {
            println!("dashboard (reference functions): median {median:.1} ms, p90 {p90:.1} ms");
        }
        let report = &result["report"];
        for source in ["engine", "reference"] {
            if let (Some(median), Some(p90)) = (
                report[source]["median_ms"].as_f64(),
                report[source]["p90_ms"].as_f64(),
            ) {
                println!(
                    "report by {} with {} ({} groups) ({source}): median {median:.1} ms, p90 {p90:.1} ms",
                    report["by"], report["filters"], report["groups"]
                );
            }
        }
        if let Some(same) = report["same"].as_bool() {
            println!("engine and reference reports are the same: {same}");
        }
        for source in ["engine", "reference", "filtered"] {
            let board = &result["board"][source];
            if let (Some(median), Some(p90)) =
                (board["median_ms"].as_f64(), board["p90_ms"].as_f64())
            {
                println!("web dashboard board ({source}): median {median:.1} ms, p90 {p90:.1} ms");
            }
        }
    }
    Ok(())
}

/// The acquisition channel most customers came by.
fn most_common_channel(input: &salesboard_domain::kpi::KpiInput) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for channel in input
        .dataset
        .customers
        .iter()
        .filter_map(|c| c.channel.as_deref())
    {
        *counts.entry(channel).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(channel, _)| channel.to_string())
        .unwrap_or_default()
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
