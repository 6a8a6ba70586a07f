//! `salesboard import PATH…`.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use salesboard_app::import::{
    ImportError, ImportProgress, ImportReport, ImportRequest, run_import,
};
use salesboard_io::import::FileKind;
use salesboard_store::Store;

use super::{Format, progress};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files (.csv, .xlsx) or folders of them, imported in dependency order.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write the valid rows, and the invalid ones with their reasons to NAME.rejected.csv.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Map a header to a field ('Kunde=customer_id'; 'Notiz=-' leaves a column out). Repeatable.
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub map: Vec<String>,
    /// Sheet of XLSX files (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// What the files hold, when their names do not say (customers, orders, 订单 …).
    #[arg(long)]
    pub kind: Option<String>,
    /// Folder for the rejected rows (default: beside each file).
    #[arg(long)]
    pub rejected_dir: Option<PathBuf>,
    /// Check everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn parse_map(entries: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    entries
        .iter()
        .map(|entry| match entry.rsplit_once('=') {
            Some((header, field)) if !header.trim().is_empty() && !field.trim().is_empty() => {
                Ok((header.trim().to_string(), field.trim().to_string()))
            }
            _ => bail!("--map {entry}: write it as 'HEADER=field'"),
        })
        .collect()
}

pub async fn run(store: &impl Store, args: ImportArgs) -> anyhow::Result<()> {
    let kind = match &args.kind {
        Some(text) => Some(FileKind::parse(text).ok_or_else(|| {
            anyhow::anyhow!(
                "--kind {text}: not a kind of file ({})",
                FileKind::ALL.map(|k| k.name()).join(", ")
            )
        })?),
        None => None,
    };
    let request = ImportRequest {
        paths: args.paths,
        overrides: parse_map(&args.map)?,
        sheet: args.sheet,
        kind,
        skip_invalid: args.skip_invalid,
        rejected_dir: args.rejected_dir,
        dry_run: args.dry_run,
        actor: None,
    };
    let spinner = progress::spinner("reading");
    let result = run_import(store, &request, &mut |step| match step {
        ImportProgress::Reading { file, index, total } => {
            spinner.set_message(format!("reading {file} ({}/{total})", index + 1))
        }
        ImportProgress::Validating { rows } => spinner.set_message(format!("checking {rows} rows")),
        ImportProgress::Writing { records } => {
            spinner.set_message(format!("writing {records} records"))
        }
    })
    .await;
    spinner.finish_and_clear();
    match result {
        Ok(report) => {
            print_report(&report, args.format)?;
            Ok(())
        }
        Err(ImportError::Invalid { problems, warnings }) => {
            for warning in &warnings {
                eprintln!("warning: {warning}");
            }
            const SHOWN: usize = 50;
            for problem in problems.iter().take(SHOWN) {
                eprintln!("{problem}");
            }
            if problems.len() > SHOWN {
                eprintln!("… and {} more", problems.len() - SHOWN);
            }
            bail!(
                "{} problem(s) found; nothing was written (fix them, or use --skip-invalid to import the valid rows)",
                problems.len()
            )
        }
        Err(error) => Err(error.into()),
    }
}

fn print_report(report: &ImportReport, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    for file in &report.files {
        println!(
            "{:<28} {:<11} {:<6} {:>8} rows, {:>8} accepted",
            file.file, file.kind, file.encoding, file.rows, file.accepted
        );
    }
    match &report.written {
        Some(written) if written.changed_anything() => print!("\n{written}"),
        Some(_) => println!("\nnothing changed: everything was already stored"),
        None => println!("\ndry run: nothing written"),
    }
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    for problem in report.problems.iter().take(20) {
        println!("rejected: {problem}");
    }
    for path in &report.rejected_files {
        println!("rejected rows written to {}", path.display());
    }
    for note in report.duplicates.iter().take(20) {
        println!(
            "possible duplicate (查重): customer {} (line {}) has the same {} as {}",
            note.customer_id, note.line, note.same, note.other_id
        );
    }
    if report.duplicates.len() > 20 {
        println!(
            "… and {} more possible duplicates",
            report.duplicates.len() - 20
        );
    }
    Ok(())
}
