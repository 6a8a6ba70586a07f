//! KPIs for a running server: the engine is built once and kept current (the
//! store's change version, the newest audit entry, tells when a write has
//! committed, from this process or any other; the records the writes since
//! name are read again and the engine rebuilt over them), and every caller
//! gets the KPIs of exactly the records they may read.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use salesboard_analytics::{Engine, Ranked};
use salesboard_domain::Period;
use salesboard_domain::kpi::explain::{self, Explanation, KpiName};
use salesboard_domain::kpi::{Dimension, KpiInput, KpiReport};
use salesboard_store::Store;
use salesboard_store::records::RowScope;
use serde::Serialize;
use tokio::sync::Mutex;

use crate::kpi::{KpiError, kpi_input, stage_order};
use crate::kpi_refresh::{self, Refresh};
use crate::kpi_scope::visible_input;
use crate::policy::{self, Action, Actor, Denied, Reach};

/// The records and the engine at one change version.
#[derive(Debug)]
pub struct KpiSnapshot {
    /// The store's change version they were read at.
    pub version: i64,
    /// Every record.
    pub input: KpiInput,
    /// The pipeline's stages, first first.
    pub stage_order: Vec<String>,
    /// The engine over every record.
    pub engine: Engine,
    /// How the records were read: all of them, or the previous snapshot's
    /// with the changed ones read again.
    pub refresh: Refresh,
    /// How long reading (or patching) the records took.
    pub read_ms: u128,
    /// How long reading and building took.
    pub build_ms: u128,
    /// The records and engines of the scopes asked for since (a rep's, a
    /// team's), so that a caller's second request costs what an admin's does.
    scoped: std::sync::Mutex<HashMap<String, Arc<ScopedKpis>>>,
}

/// The records one scope may read, and the engine over them.
#[derive(Debug)]
pub struct ScopedKpis {
    /// The records.
    pub input: KpiInput,
    /// The engine over them.
    pub engine: Engine,
}

/// How many scopes a snapshot remembers before it starts over.
const MAX_SCOPES: usize = 256;

/// The engine, kept current with the store.
#[derive(Debug, Default)]
pub struct KpiCache {
    current: Mutex<Option<Arc<KpiSnapshot>>>,
}

impl KpiCache {
    /// An empty cache; the first request builds the engine.
    pub fn new() -> Self {
        KpiCache::default()
    }

    /// The snapshot of the store as it is now: the cached one when nothing
    /// has been written since; else the cached records with what the writes
    /// since changed read again ([`kpi_refresh`]), or every record when that
    /// cannot be done; and a new engine over them (one build at a time).
    pub async fn current(&self, store: &impl Store) -> Result<Arc<KpiSnapshot>, KpiError> {
        let version = store.change_version().await?;
        let mut current = self.current.lock().await;
        if let Some(snapshot) = current.as_ref().filter(|s| s.version == version) {
            return Ok(Arc::clone(snapshot));
        }
        let started = Instant::now();
        let patch = match current.as_ref() {
            Some(previous) => kpi_refresh::read_patch(store, previous.version).await?,
            None => None,
        };
        let stage_order = stage_order(store).await?;
        let (input, refresh) = match (current.take(), patch) {
            (Some(previous), Some(patch)) => {
                let refresh = patch.refresh();
                // The old snapshot's records are patched in place, unless a
                // request still holds the snapshot: then a copy is. Either is
                // work for a blocking thread at a million order lines.
                let input = tokio::task::spawn_blocking(move || match Arc::try_unwrap(previous) {
                    Ok(owned) => {
                        let mut input = owned.input;
                        patch.apply_to(&mut input);
                        input
                    }
                    Err(shared) => patch.apply(&shared.input),
                })
                .await
                .map_err(joined)?;
                (input, refresh)
            }
            _ => (kpi_input(store).await?, Refresh::Full),
        };
        let read_ms = started.elapsed().as_millis();
        let (input, stage_order, engine) = tokio::task::spawn_blocking(move || {
            let engine = Engine::new(&input, &stage_order);
            (input, stage_order, engine)
        })
        .await
        .map_err(joined)?;
        let snapshot = Arc::new(KpiSnapshot {
            version,
            input,
            stage_order,
            engine,
            refresh,
            read_ms,
            build_ms: started.elapsed().as_millis(),
            scoped: std::sync::Mutex::new(HashMap::new()),
        });
        tracing::info!(
            version,
            ?refresh,
            read_ms = snapshot.read_ms as u64,
            build_ms = snapshot.build_ms as u64,
            "KPI engine built"
        );
        *current = Some(Arc::clone(&snapshot));
        Ok(snapshot)
    }
}

/// A blocking task that panicked, as a KPI error.
fn joined(error: tokio::task::JoinError) -> KpiError {
    KpiError::Invalid(salesboard_domain::ValidationError::new(error.to_string()))
}

/// Why a caller's KPIs could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ServeKpiError {
    /// The KPIs failed.
    #[error(transparent)]
    Kpi(#[from] KpiError),
    /// The policy refused.
    #[error(transparent)]
    Denied(#[from] Denied),
}

/// The records the actor's KPIs cover and their engine: `None` for every
/// record (the snapshot's own).
pub(crate) async fn caller_input(
    store: &impl Store,
    snapshot: &KpiSnapshot,
    actor: &Actor,
) -> Result<Option<Arc<ScopedKpis>>, ServeKpiError> {
    let scope = policy::scope_named(store, actor, "customers", Action::Read).await?;
    let spend_visible = policy::reach(actor.role, "spend", Action::Read) != Reach::Never;
    if scope == RowScope::All && spend_visible {
        return Ok(None);
    }
    let key = format!("{scope:?}|{spend_visible}");
    if let Some(found) = snapshot
        .scoped
        .lock()
        .ok()
        .and_then(|cache| cache.get(&key).cloned())
    {
        return Ok(Some(found));
    }
    let input = visible_input(&snapshot.input, &scope, spend_visible);
    let engine = Engine::new(&input, &snapshot.stage_order);
    let scoped = Arc::new(ScopedKpis { input, engine });
    if let Ok(mut cache) = snapshot.scoped.lock() {
        if cache.len() >= MAX_SCOPES {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&scoped));
    }
    Ok(Some(scoped))
}

/// Every KPI of `period` over what the actor may read, with groups and
/// filters, from the caller's engine.
pub async fn report(
    store: &impl Store,
    cache: &KpiCache,
    actor: &Actor,
    period: Period,
    by: Option<Dimension>,
    filters: &[(Dimension, String)],
) -> Result<KpiReport, ServeKpiError> {
    let snapshot = cache.current(store).await?;
    let own = caller_input(store, &snapshot, actor).await?;
    if by.is_none() && filters.is_empty() {
        let engine = own.as_ref().map_or(&snapshot.engine, |o| &o.engine);
        return Ok(engine.report(&period));
    }
    // A breakdown by day of a long period at a million lines is work for a
    // blocking thread.
    let filters = filters.to_vec();
    let report = tokio::task::spawn_blocking(move || {
        let engine = own.as_ref().map_or(&snapshot.engine, |o| &o.engine);
        engine.report_by(period, by, &filters)
    })
    .await
    .map_err(|e| KpiError::Invalid(salesboard_domain::ValidationError::new(e.to_string())))?;
    Ok(report.map_err(KpiError::from)?)
}

/// How one KPI was computed, over what the actor may read.
pub async fn explain(
    store: &impl Store,
    cache: &KpiCache,
    actor: &Actor,
    kpi: &KpiName,
    period: Period,
    filters: &[(Dimension, String)],
) -> Result<Explanation, ServeKpiError> {
    let snapshot = cache.current(store).await?;
    let own = caller_input(store, &snapshot, actor).await?;
    let input = own.as_ref().map_or(&snapshot.input, |o| &o.input);
    Ok(explain::explain_report(input, kpi, period, filters).map_err(KpiError::from)?)
}

/// Everything the dashboard shows for a period, in one answer.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Every KPI, the rep table and the funnel.
    pub kpis: KpiReport,
    /// Revenue per month of the period.
    pub monthly_revenue: Vec<Ranked>,
    /// Revenue per month of the same period a year before.
    pub monthly_revenue_last_year: Vec<Ranked>,
    /// The 20 products with the most revenue.
    pub top_products: Vec<Ranked>,
    /// The store's change version the numbers are from.
    pub version: i64,
}

/// The dashboard of `period` over what the actor may read.
pub async fn dashboard(
    store: &impl Store,
    cache: &KpiCache,
    actor: &Actor,
    period: Period,
) -> Result<Dashboard, ServeKpiError> {
    let snapshot = cache.current(store).await?;
    let own = caller_input(store, &snapshot, actor).await?;
    let engine = own.as_ref().map_or(&snapshot.engine, |o| &o.engine);
    let last_year = period.same_period_last_year();
    Ok(Dashboard {
        kpis: engine.report(&period),
        monthly_revenue: engine.monthly_revenue(&period),
        monthly_revenue_last_year: engine.monthly_revenue(&last_year),
        top_products: engine.top_products(&period, 20),
        version: snapshot.version,
    })
}
