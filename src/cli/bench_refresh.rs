//! `salesboard bench refresh`: what keeping the KPI engine current costs
//! after a write, against reading every record again.

use std::collections::BTreeSet;
use std::time::Instant;

use salesboard_analytics::Engine;
use salesboard_app::kpi::{kpi_input, stage_order};
use salesboard_app::kpi_refresh::read_keys;
use salesboard_store::{RecordKeys, Store};

use super::Format;
use super::bench::timed;

/// Times a full read and build once, then `runs` times the patch of
/// `records` orders: reading them again, putting them in place, rebuilding.
pub async fn refresh(
    store: &impl Store,
    records: usize,
    runs: usize,
    format: Format,
) -> anyhow::Result<()> {
    let round = |x: f64| (x * 10.0).round() / 10.0;
    let ms = |started: Instant| started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let input = kpi_input(store).await?;
    let stages = stage_order(store).await?;
    let full_read_ms = ms(started);
    let started = Instant::now();
    let engine = Engine::new(&input, &stages);
    let full_build_ms = ms(started);
    std::hint::black_box(&engine);

    // Orders spread evenly over the data, as writes of the day would be.
    let orders = &input.dataset.orders;
    let step = (orders.len() / records.max(1)).max(1);
    let chosen: BTreeSet<String> = orders
        .iter()
        .step_by(step)
        .take(records)
        .map(|order| order.id.clone())
        .collect();
    let mut keys = RecordKeys::new();
    keys.insert("orders".to_string(), chosen.clone());

    let mut read_ms = Vec::new();
    let mut patches = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        patches.push(read_keys(store, keys.clone(), 1).await?);
        read_ms.push(ms(started));
    }
    read_ms.sort_by(f64::total_cmp);
    let read_median = read_ms[read_ms.len() / 2];
    // The server patches the old snapshot's records in place: each run
    // patches a copy made before its clock starts.
    let mut apply_ms = Vec::new();
    let mut patched = input.clone();
    for patch in patches {
        let mut copy = input.clone();
        let started = Instant::now();
        patch.apply_to(&mut copy);
        apply_ms.push(ms(started));
        patched = copy;
    }
    apply_ms.sort_by(f64::total_cmp);
    let apply_median = apply_ms[apply_ms.len() / 2];
    let apply_p90 =
        apply_ms[((apply_ms.len() as f64 * 0.9).ceil() as usize).clamp(1, apply_ms.len()) - 1];
    anyhow::ensure!(
        patched == input,
        "the patched records differ from the records read"
    );
    let (build_median, build_p90, count) = timed(runs, "rebuilding", || {
        std::hint::black_box(Engine::new(&patched, &stages));
        Ok(())
    })?;
    let result = serde_json::json!({
        "order_lines": input.dataset.order_line_count(),
        "full": { "read_ms": round(full_read_ms), "build_ms": round(full_build_ms) },
        "patch": {
            "orders": chosen.len(),
            "read_median_ms": round(read_median),
            "apply_median_ms": round(apply_median),
            "apply_p90_ms": round(apply_p90),
            "build_median_ms": round(build_median),
            "build_p90_ms": round(build_p90),
            "total_median_ms": round(read_median + apply_median + build_median),
            "runs": count,
        },
    });
    if format == Format::Json {
        println!("{result}");
    } else {
        println!(
            "{} order lines: full read {full_read_ms:.0} ms + build {full_build_ms:.0} ms",
            input.dataset.order_line_count()
        );
        println!(
            "after a write of {} orders: read {read_median:.1} ms + patch {apply_median:.1} ms + build {build_median:.1} ms (medians of {count} runs)",
            chosen.len()
        );
    }
    Ok(())
}
