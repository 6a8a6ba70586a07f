//! `salesboard alerts check`: runs the KPI alert check once (as the server
//! does every ten minutes) and prints the alerts it raised; for cron and for
//! testing (`--now` chooses the week).

use anyhow::Context;
use clap::Subcommand;
use salesboard_app::AppStore;
use salesboard_app::alerts;
use salesboard_app::kpi_serving::KpiCache;
use salesboard_app::settings;
use salesboard_domain::Timestamp;

use super::Format;

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Check the last complete week against the four before and raise (store,
    /// queue webhooks for) the alerts not raised yet; print them.
    Check {
        /// The moment to check at: RFC 3339 (`2024-03-11T09:00:00+08:00`), or
        /// a local time in the organization's time zone; default now.
        #[arg(long)]
        now: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// Runs an `alerts` command.
pub async fn run(store: &AppStore, command: AlertsCommand) -> anyhow::Result<()> {
    let AlertsCommand::Check { now, format } = command;
    let now = match now {
        None => Timestamp::now(),
        Some(text) => settings::timezone(store)
            .await?
            .parse_timestamp(&text)
            .with_context(|| format!("--now \"{text}\" is not a time"))?,
    };
    let outcome = alerts::check(store, &KpiCache::new(), now).await?;
    match format {
        Format::Json => {
            let items: Vec<_> = outcome.raised.iter().map(alerts::alert_json).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "raised": items,
                    "webhook_deliveries": outcome.deliveries,
                }))?
            );
        }
        Format::Table => {
            if outcome.raised.is_empty() {
                println!("no new alert");
            }
            for alert in &outcome.raised {
                println!(
                    "{:<14} {:<9} {:>14} {:>14} {:>9}%",
                    alert.kpi, alert.week, alert.value, alert.baseline, alert.change_percent
                );
            }
            if outcome.deliveries > 0 {
                println!(
                    "{} webhook deliveries queued (sent by the running server)",
                    outcome.deliveries
                );
            }
        }
    }
    Ok(())
}
