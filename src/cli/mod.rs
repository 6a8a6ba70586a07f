//! The subcommands and the options they share.

mod alerts;
mod bench;
mod bench_refresh;
mod clv;
mod config;
mod demo;
mod import;
mod kpi;
mod progress;
mod serve;
mod status;
mod user;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use salesboard_app::{AppStore, open_store};

/// Salesboard (销售看板): sales KPIs and CRM, self-hosted.
#[derive(Debug, Parser)]
#[command(name = "salesboard", version, about)]
pub struct Cli {
    /// Database: a SQLite file path, sqlite://PATH or postgres://USER@HOST/DB.
    /// Default: database_url of salesboard.toml, else salesboard.db here.
    #[arg(long, global = true, env = "SALESBOARD_DATABASE_URL")]
    pub db: Option<String>,

    /// Configuration file (default: salesboard.toml here, if present).
    #[arg(long, global = true, env = "SALESBOARD_CONFIG")]
    pub config: Option<PathBuf>,

    /// More log output (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format of commands that print data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For people.
    #[default]
    Table,
    /// For scripts.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import canonical CSV/XLSX files or folders (one transaction).
    Import(import::ImportArgs),
    /// Generate a demo company into the database.
    Demo(demo::DemoArgs),
    /// Show how many records of each kind are stored.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Apply pending database migrations (also done on every start).
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Configuration.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Organization settings stored in the database (timezone, currency …).
    #[command(subcommand)]
    Settings(config::SettingsCommand),
    /// Measure speed.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Every KPI of a period (docs/kpis.md): JSON, a table or CSV.
    Kpi(kpi::KpiArgs),
    /// KPI alerts: a week much worse than the four before.
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// Predictive customer lifetime value (BG/NBD + Gamma-Gamma) at a cut-off date.
    Clv(clv::ClvArgs),
    /// Run the web server (JSON API) until SIGTERM or Ctrl-C.
    Serve(serve::ServeArgs),
    /// Write every record as the canonical CSV files into a folder.
    Export {
        /// Folder to write into (created if missing).
        #[arg(long)]
        dir: PathBuf,
    },
}

/// Log to stderr; `RUST_LOG` overrides `-v`.
pub fn init_tracing(verbose: u8, serving: bool) {
    let default = match verbose {
        // A server logs every request (method, path, status, latency).
        0 if serving => "info,sqlx=warn",
        0 => "warn,sqlx=error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens the database the options name.
pub async fn open(cli_db: &Option<String>, config: &Option<PathBuf>) -> anyhow::Result<AppStore> {
    let url = config::database_url(cli_db, config)?;
    open_store(&url)
        .await
        .with_context(|| format!("cannot open the database {}", config::redact(&url)))
}

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Config(command) => config::run(command),
        Command::Import(args) => import::run(&open(&cli.db, &cli.config).await?, args).await,
        Command::Demo(args) => demo::run(&open(&cli.db, &cli.config).await?, args).await,
        Command::Status { format } => status::run(&open(&cli.db, &cli.config).await?, format).await,
        Command::Migrate => {
            let store = open(&cli.db, &cli.config).await?;
            store.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::User(command) => user::run(&open(&cli.db, &cli.config).await?, command).await,
        Command::Settings(command) => {
            config::run_settings(&open(&cli.db, &cli.config).await?, command).await
        }
        Command::Bench(command) => {
            let store = match bench::needs_database(&command) {
                true => Some(open(&cli.db, &cli.config).await?),
                false => None,
            };
            bench::run(store.as_ref(), command).await
        }
        Command::Kpi(args) => kpi::run(&open(&cli.db, &cli.config).await?, args).await,
        Command::Alerts(command) => alerts::run(&open(&cli.db, &cli.config).await?, command).await,
        Command::Clv(args) => clv::run(&open(&cli.db, &cli.config).await?, args).await,
        Command::Serve(args) => serve::run(open(&cli.db, &cli.config).await?, args).await,
        Command::Export { dir } => status::export(&open(&cli.db, &cli.config).await?, &dir).await,
    }
}
