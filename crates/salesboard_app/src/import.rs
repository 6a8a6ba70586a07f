//! The import use case: files or folders in, one transaction out. Nothing is
//! written unless every row is valid, or the user asked to skip invalid rows
//! (then the rejected rows go to `*.rejected.csv` files with their reasons).

use std::path::{Path, PathBuf};

use salesboard_io::export::write_rejected;
use salesboard_io::import::validate::FileSummary;
use salesboard_io::import::{
    DuplicateNote, FileKind, ImportOptions, ImportOutcome, MAX_FILE_BYTES, Problem, SourceFile,
    Table, TableError, read_table, validate,
};
use salesboard_store::{Store, StoreError, WriteContext, WriteReport};
use serde::Serialize;

use crate::settings;

/// What to import and how.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// Files and folders (a folder's `.csv`, `.xlsx` and `.xls` files).
    pub paths: Vec<PathBuf>,
    /// The user's header mapping, `(header, field)`.
    pub overrides: Vec<(String, String)>,
    /// The sheet of XLSX files to read (default: the first).
    pub sheet: Option<String>,
    /// What every file holds, when file names do not say.
    pub kind: Option<FileKind>,
    /// Write the valid rows and set the rest aside.
    pub skip_invalid: bool,
    /// Where rejected rows go (default: beside each file).
    pub rejected_dir: Option<PathBuf>,
    /// Check only: validate everything, write nothing.
    pub dry_run: bool,
    /// Who imports (for the audit log); `None` for the command line.
    pub actor: Option<String>,
}

/// A step of a long import, for a progress bar.
#[derive(Debug, Clone)]
pub enum ImportProgress {
    /// Reading file `index` of `total`.
    Reading {
        file: String,
        index: usize,
        total: usize,
    },
    /// Checking rows and references.
    Validating { rows: usize },
    /// Writing records.
    Writing { records: usize },
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Per file: kind, encoding, rows read and accepted.
    pub files: Vec<FileSummary>,
    /// What was written (`None` for a dry run).
    pub written: Option<WriteReport>,
    /// Rows set aside (with `skip_invalid`).
    pub problems: Vec<Problem>,
    /// Files of rejected rows written.
    pub rejected_files: Vec<PathBuf>,
    /// Columns not stored and similar notes.
    pub warnings: Vec<String>,
    /// Customers that look like others.
    pub duplicates: Vec<DuplicateNote>,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A path could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is not a table.
    #[error(transparent)]
    Table(#[from] salesboard_io::import::TableError),
    /// A file's kind could not be told.
    #[error(
        "{0}: cannot tell what this file holds; name it like orders.csv or 订单.xlsx, or pass --kind"
    )]
    UnknownKind(String),
    /// The user's mapping names a field the kind does not have.
    #[error("{kind} files have no field \"{field}\" (column {header})")]
    UnknownField {
        /// The file's header.
        header: String,
        /// The field asked for.
        field: String,
        /// The kind of file.
        kind: &'static str,
    },
    /// Nothing to import.
    #[error("no .csv or .xlsx files in {0}")]
    NoFiles(String),
    /// Rows failed validation; nothing was written.
    #[error("{} problem(s); nothing was written", .problems.len())]
    Invalid {
        problems: Vec<Problem>,
        warnings: Vec<String>,
    },
    /// The rejected rows could not be written; nothing was imported.
    #[error(transparent)]
    Rejected(#[from] salesboard_io::export::ExportError),
    /// Settings could not be read.
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    /// The store failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn is_table_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase();
    !name.ends_with(".rejected.csv")
        && !name.starts_with('.')
        && !name.starts_with("~$")
        && [".csv", ".xlsx", ".xls", ".tsv", ".txt"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// The files named, with folders expanded (sorted, hidden and rejected files left out).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut files = Vec::new();
    for path in paths {
        let io = |source| ImportError::Io {
            path: path.clone(),
            source,
        };
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_table_file(p))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(ImportError::NoFiles(path.display().to_string()));
            }
            files.extend(found);
        } else {
            std::fs::metadata(path).map_err(io)?;
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Runs an import.
pub async fn run_import(
    store: &impl Store,
    request: &ImportRequest,
    progress: &mut (dyn FnMut(ImportProgress) + Send),
) -> Result<ImportReport, ImportError> {
    let started = std::time::Instant::now();
    let files = collect_files(&request.paths)?;
    let tables = read_tables(&files, request, progress)?;
    let rows = tables.iter().map(|(_, t)| t.rows.len()).sum();
    tracing::debug!(
        rows,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "read the files"
    );
    progress(ImportProgress::Validating { rows });
    let outcome = check_tables(store, &tables, request).await;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "validated"
    );
    let mut outcome = outcome?;
    // Millions of cells: free them on another thread while the database works.
    std::thread::spawn(move || drop(tables));
    if !outcome.is_clean() && !request.skip_invalid {
        return Err(ImportError::Invalid {
            problems: outcome.problems,
            warnings: outcome.warnings,
        });
    }

    let rejected_files = match request.dry_run {
        true => Vec::new(),
        false => write_rejected_files(&files, request, &outcome.files)?,
    };
    let written = if request.dry_run {
        None
    } else {
        progress(ImportProgress::Writing {
            records: outcome.dataset.record_count(),
        });
        let source = format!(
            "import {}",
            outcome
                .files
                .iter()
                .map(|f| f.file.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some(
            store
                .write_dataset(
                    &outcome.dataset,
                    &WriteContext {
                        actor: request.actor.clone(),
                        source,
                        record: None,
                    },
                )
                .await?,
        )
    };
    let dataset = std::mem::take(&mut outcome.dataset);
    std::thread::spawn(move || drop(dataset));
    Ok(ImportReport {
        files: outcome.files,
        written,
        problems: outcome.problems,
        rejected_files,
        warnings: outcome.warnings,
        duplicates: outcome.duplicates,
    })
}

/// Checks tables as one import against the store: the organization's time
/// zone, the stored ids and customers. The same for an import, a dry run and
/// a preview, so that they find the same problems.
pub(crate) async fn check_tables(
    store: &impl Store,
    tables: &[(FileKind, Table)],
    request: &ImportRequest,
) -> Result<ImportOutcome, ImportError> {
    let options = ImportOptions {
        timezone: settings::timezone(store).await?,
        overrides: request.overrides.clone(),
        skip_invalid: request.skip_invalid,
    };
    let known = store.known_ids().await?;
    let has_customers = tables.iter().any(|(kind, _)| *kind == FileKind::Customers);
    let identities = if has_customers {
        store.customer_identities().await?
    } else {
        Vec::new()
    };
    Ok(validate(tables, &known, &identities, &options))
}

/// Reads one file into a table and tells what kind of records it holds:
/// the requested kind, else what its name or its headers say.
pub(crate) fn read_source(
    source: &SourceFile,
    request: &ImportRequest,
) -> Result<(FileKind, Table), ImportError> {
    let table = read_table(source, request.sheet.as_deref())?;
    let kind = request
        .kind
        .or_else(|| FileKind::from_file_name(&source.name))
        .or_else(|| FileKind::from_headers(&table.headers))
        .ok_or_else(|| ImportError::UnknownKind(source.name.clone()))?;
    Ok((kind, table))
}

/// Reads every file into a table and tells what kind of records it holds.
fn read_tables(
    files: &[PathBuf],
    request: &ImportRequest,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<Vec<(FileKind, Table)>, ImportError> {
    let mut tables = Vec::with_capacity(files.len());
    for (index, path) in files.iter().enumerate() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        progress(ImportProgress::Reading {
            file: name.clone(),
            index,
            total: files.len(),
        });
        let io = |source| ImportError::Io {
            path: path.clone(),
            source,
        };
        // Refused from its size, before a byte of it is read into memory.
        if std::fs::metadata(path).map_err(io)?.len() > MAX_FILE_BYTES as u64 {
            return Err(ImportError::Table(TableError {
                file: name,
                reason: format!(
                    "the file is larger than {} MiB",
                    MAX_FILE_BYTES / 1024 / 1024
                ),
            }));
        }
        let bytes = std::fs::read(path).map_err(io)?;
        tables.push(read_source(&SourceFile { name, bytes }, request)?);
    }
    Ok(tables)
}

/// Writes each file's rejected rows to `NAME.rejected.csv`, beside the file
/// or in the requested folder; returns the files written.
fn write_rejected_files(
    files: &[PathBuf],
    request: &ImportRequest,
    summaries: &[FileSummary],
) -> Result<Vec<PathBuf>, ImportError> {
    let mut written = Vec::new();
    for summary in summaries.iter().filter(|s| !s.rejected.is_empty()) {
        let source = files
            .iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(summary.file.as_str()));
        let stem = summary
            .file
            .rsplit_once('.')
            .map_or(summary.file.as_str(), |(stem, _)| stem);
        let dir = request
            .rejected_dir
            .clone()
            .or_else(|| source.and_then(|p| p.parent().map(Path::to_path_buf)))
            .unwrap_or_default();
        let path = dir.join(format!("{stem}.rejected.csv"));
        write_rejected(&path, &summary.headers, &summary.rejected)?;
        written.push(path);
    }
    Ok(written)
}
