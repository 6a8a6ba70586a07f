//! The imports started through the API, kept in memory for this server's
//! life: each job's progress as a phase and a percentage, its report or its
//! problems, who started it, and the rejected rows for download.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use salesboard_app::import::{ImportProgress, ImportReport};
use salesboard_io::import::Problem;
use serde::Serialize;
use tokio::sync::Mutex;

/// The most rejected rows kept per job, in bytes of CSV; larger files of
/// rejected rows are not kept (the job says so), the import is unaffected.
pub const MAX_REJECTED_BYTES: usize = 16 * 1024 * 1024;

/// Jobs always kept: the newest 50. Beyond them, a finished job stays for
/// [`KEEP_FINISHED_FOR`], so that its report and rejected rows can still be
/// fetched after a burst of other imports, within [`MAX_KEPT_JOBS`] and
/// [`MAX_KEPT_REJECTED_BYTES`]; the oldest finished jobs go first.
pub const MAX_JOBS: usize = 50;

/// How long a finished job beyond the newest [`MAX_JOBS`] is kept.
pub const KEEP_FINISHED_FOR: Duration = Duration::from_secs(60 * 60);

/// The most jobs kept, however recent.
pub const MAX_KEPT_JOBS: usize = 1000;

/// The most bytes of rejected rows kept over all jobs.
pub const MAX_KEPT_REJECTED_BYTES: usize = 256 * 1024 * 1024;

/// Where a job is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportStep {
    /// `reading`, `validating`, `writing` or `done`.
    pub phase: &'static str,
    /// The file being read, while reading.
    pub file: Option<String>,
    /// Units of the phase done: files read; else 0, or `total` when done.
    pub done: usize,
    /// Units of the phase: files, rows checked, or records written.
    pub total: usize,
    /// The whole import's progress, 0 to 100.
    pub percent: u8,
}

impl ImportStep {
    /// Waiting to start reading `files` files.
    pub fn queued(files: usize) -> Self {
        ImportStep {
            phase: "reading",
            file: None,
            done: 0,
            total: files,
            percent: 0,
        }
    }

    /// Finished: `total` records written (or checked, for a dry run).
    pub fn finished(total: usize) -> Self {
        ImportStep {
            phase: "done",
            file: None,
            done: total,
            total,
            percent: 100,
        }
    }

    /// A step the importer reported. Reading is the first 30 %, by files;
    /// the checks run to 60 %, the write to 100 %.
    pub fn of(progress: &ImportProgress) -> Self {
        match progress {
            ImportProgress::Reading { file, index, total } => ImportStep {
                phase: "reading",
                file: Some(file.clone()),
                done: *index,
                total: *total,
                percent: u8::try_from(30 * index / (*total).max(1)).unwrap_or(30),
            },
            ImportProgress::Validating { rows } => ImportStep {
                phase: "validating",
                file: None,
                done: 0,
                total: *rows,
                percent: 30,
            },
            ImportProgress::Writing { records } => ImportStep {
                phase: "writing",
                file: None,
                done: 0,
                total: *records,
                percent: 60,
            },
        }
    }
}

/// A file of rejected rows kept with a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedFile {
    /// Its name (`orders.rejected.csv`).
    pub file: String,
    /// Rows it holds.
    pub rows: usize,
    /// Where to download it.
    pub url: String,
    /// The CSV (UTF-8 with BOM, formulas neutralized, an `error` column).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// An import started through the API.
#[derive(Debug, Clone, Serialize)]
pub struct ImportJob {
    /// Its id.
    pub id: String,
    /// `running`, `done` or `failed`.
    pub status: &'static str,
    /// The last step reached.
    pub step: ImportStep,
    /// The report, once done (the importer's, without server paths).
    pub report: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// Every problem found, when rows are invalid and nothing was written.
    pub problems: Vec<Problem>,
    /// The rejected rows kept for download (with `skip_invalid`).
    pub rejected: Vec<RejectedFile>,
    /// Why rejected rows are not available for download, when they are not.
    pub rejected_note: Option<String>,
    /// Who started it.
    #[serde(skip)]
    pub started_by: String,
    /// When it started, in the order of this server's jobs.
    #[serde(skip)]
    pub sequence: u64,
    /// When it started.
    #[serde(skip)]
    pub started: Instant,
}

impl ImportJob {
    /// A job just started by `started_by`, reading `files` files.
    pub fn new(id: String, started_by: String, files: usize) -> Self {
        ImportJob {
            id,
            status: "running",
            step: ImportStep::queued(files),
            report: None,
            error: None,
            problems: Vec::new(),
            rejected: Vec::new(),
            rejected_note: None,
            started_by,
            sequence: 0,
            started: Instant::now(),
        }
    }

    /// The report as answered: the importer's, without the paths of the
    /// rejected files on the server (they are downloaded through the job).
    pub fn report_json(report: &ImportReport) -> Option<serde_json::Value> {
        let mut json = serde_json::to_value(report).ok()?;
        if let Some(object) = json.as_object_mut() {
            object.remove("rejected_files");
        }
        Some(json)
    }
}

/// The imports of this server's life, by id.
#[derive(Debug, Clone, Default)]
pub struct ImportJobs {
    jobs: Arc<Mutex<HashMap<String, ImportJob>>>,
}

impl ImportJobs {
    /// Keeps a new job, letting the oldest finished ones go as [`MAX_JOBS`]
    /// says.
    pub async fn insert(&self, mut job: ImportJob) {
        let mut jobs = self.jobs.lock().await;
        job.sequence = jobs.values().map(|j| j.sequence + 1).max().unwrap_or(0);
        while jobs.len() >= MAX_JOBS {
            let Some(oldest) = jobs
                .values()
                .filter(|j| j.status != "running")
                .min_by_key(|j| j.sequence)
            else {
                break;
            };
            let rejected_bytes: usize = jobs
                .values()
                .flat_map(|j| &j.rejected)
                .map(|r| r.bytes.len())
                .sum();
            let recent = oldest.started.elapsed() < KEEP_FINISHED_FOR;
            if recent && jobs.len() < MAX_KEPT_JOBS && rejected_bytes <= MAX_KEPT_REJECTED_BYTES {
                break;
            }
            let id = oldest.id.clone();
            jobs.remove(&id);
        }
        jobs.insert(job.id.clone(), job);
    }

    /// Changes a job, if it is still kept.
    pub async fn update(&self, id: &str, change: impl FnOnce(&mut ImportJob)) {
        if let Some(job) = self.jobs.lock().await.get_mut(id) {
            change(job);
        }
    }

    /// Changes a job unless another request holds the jobs right now (for
    /// progress, which the next step overwrites anyway).
    pub fn try_update(&self, id: &str, change: impl FnOnce(&mut ImportJob)) {
        if let Ok(mut jobs) = self.jobs.try_lock()
            && let Some(job) = jobs.get_mut(id)
        {
            change(job);
        }
    }

    /// Reads a job with `read`, if it is kept.
    pub async fn read<T>(&self, id: &str, read: impl FnOnce(&ImportJob) -> T) -> Option<T> {
        self.jobs.lock().await.get(id).map(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_from_0_to_100_percent() {
        let reading = |index| {
            ImportStep::of(&ImportProgress::Reading {
                file: "a.csv".into(),
                index,
                total: 3,
            })
        };
        assert_eq!(
            [reading(0).percent, reading(1).percent, reading(2).percent],
            [0, 10, 20]
        );
        assert_eq!(reading(2).file.as_deref(), Some("a.csv"));
        let checking = ImportStep::of(&ImportProgress::Validating { rows: 12 });
        assert_eq!(
            (checking.phase, checking.total, checking.percent),
            ("validating", 12, 30)
        );
        let writing = ImportStep::of(&ImportProgress::Writing { records: 7 });
        assert_eq!((writing.phase, writing.percent), ("writing", 60));
        assert_eq!(ImportStep::finished(7).percent, 100);
    }

    /// A job that started `ago` and has finished.
    fn finished_job(id: &str, ago: Duration) -> ImportJob {
        let mut job = ImportJob::new(id.to_string(), "admin".into(), 1);
        job.status = "done";
        job.started = Instant::now().checked_sub(ago).unwrap_or_else(Instant::now);
        job
    }

    #[tokio::test]
    async fn recent_jobs_stay_for_an_hour_beyond_the_newest_fifty() {
        let jobs = ImportJobs::default();
        for n in 0..MAX_JOBS + 20 {
            jobs.insert(finished_job(&format!("j{n}"), Duration::from_secs(60)))
                .await;
        }
        // Seventy jobs of the last minutes: every one is kept.
        assert_eq!(jobs.jobs.lock().await.len(), MAX_JOBS + 20);
        assert!(jobs.read("j0", |_| ()).await.is_some());
        // Too many rejected bytes: the oldest go, however recent.
        let mut heavy = finished_job("heavy", Duration::ZERO);
        heavy.rejected.push(RejectedFile {
            file: "orders.rejected.csv".into(),
            rows: 1,
            url: String::new(),
            bytes: vec![b'x'; MAX_KEPT_REJECTED_BYTES + 1],
        });
        jobs.insert(heavy).await;
        jobs.insert(finished_job("after", Duration::ZERO)).await;
        assert!(jobs.read("after", |_| ()).await.is_some());
        assert!(jobs.read("j0", |_| ()).await.is_none());
        // Down to the newest fifty (the heavy one among them).
        assert_eq!(jobs.jobs.lock().await.len(), MAX_JOBS);
    }

    #[tokio::test]
    async fn the_oldest_finished_jobs_make_room() {
        let jobs = ImportJobs::default();
        for n in 0..MAX_JOBS {
            // The first job is still running: it is kept whatever its age.
            let job = if n > 0 {
                finished_job(&format!("j{n}"), 2 * KEEP_FINISHED_FOR)
            } else {
                ImportJob::new(format!("j{n}"), "admin".into(), 1)
            };
            jobs.insert(job).await;
        }
        jobs.insert(ImportJob::new("new".into(), "admin".into(), 1))
            .await;
        assert!(jobs.read("j0", |_| ()).await.is_some());
        assert!(jobs.read("j1", |_| ()).await.is_none());
        assert!(jobs.read("j2", |_| ()).await.is_some());
        assert_eq!(
            jobs.read("new", |j| j.sequence).await,
            Some(MAX_JOBS as u64)
        );
        assert_eq!(jobs.jobs.lock().await.len(), MAX_JOBS);
    }
}
