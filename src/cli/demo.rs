//! `salesboard demo --lines N`.

use anyhow::Context;
use clap::Args;
use salesboard_app::demo::{DemoConfig, generate};
use salesboard_store::{Store, WriteContext};

use super::progress;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Order lines to generate.
    #[arg(long, default_value_t = 100_000)]
    pub lines: usize,
    /// Random seed (the same seed gives the same company).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

pub async fn run(store: &impl Store, args: DemoArgs) -> anyhow::Result<()> {
    let timezone = salesboard_app::settings::timezone(store).await?;
    let mut config = DemoConfig::new(args.lines, args.seed);
    config.timezone = timezone;
    let bar = progress::bar(args.lines as u64, "generating");
    let started = std::time::Instant::now();
    let data = generate(&config, &mut |done| bar.set_position(done as u64));
    bar.finish_and_clear();
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "generated the demo company"
    );
    let started = std::time::Instant::now();
    let spinner = progress::spinner(&format!("writing {} records", data.record_count()));
    let report = store
        .write_dataset(
            &data,
            &WriteContext {
                actor: None,
                source: format!("demo --lines {} --seed {}", args.lines, args.seed),
                record: None,
            },
        )
        .await
        .context("writing the demo data failed; nothing was written")?;
    spinner.finish_and_clear();
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "wrote the demo company"
    );
    print!("{report}");
    println!(
        "demo company written: {} order lines",
        data.order_line_count()
    );
    Ok(())
}
