use std::collections::BTreeMap;

use chrono::Datelike;
use salesboard_domain::money::line_amount;
use salesboard_domain::*;

use super::*;

#[test]
#[ignore]
fn stats() {
    let lines: usize = std::env::var("DEMO_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let started = std::time::Instant::now();
    let config = DemoConfig::new(lines, 7);
    let data = generate(&config, &mut |_| {});
    println!("generated in {:?}", started.elapsed());
    let tz = config.timezone;
    println!(
        "users {} products {} customers {} contacts {} deals {} orders {} lines {} payments {} activities {} spend {} surveys {} targets {}",
        data.users.len(),
        data.products.len(),
        data.customers.len(),
        data.contacts.len(),
        data.deals.len(),
        data.orders.len(),
        data.order_line_count(),
        data.payments.len(),
        data.activities.len(),
        data.spend.len(),
        data.surveys.len(),
        data.targets.len()
    );
    let mut by_month: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut total = 0.0;
    let mut neg = 0;
    for o in &data.orders {
        if o.status == OrderStatus::Cancelled {
            continue;
        }
        let d = tz.local_date(o.ordered_at);
        let amount: f64 = o
            .lines
            .iter()
            .map(|l| {
                line_amount(l.unit_price, l.quantity, l.discount)
                    .to_string()
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
            .sum();
        neg += o.lines.iter().filter(|l| l.quantity < 0).count();
        total += amount;
        let e = by_month
            .entry(format!("{}-{:02}", d.year(), d.month()))
            .or_default();
        e.0 += amount;
        e.1 += 1;
    }
    let mut years: BTreeMap<i32, f64> = BTreeMap::new();
    for (m, (a, n)) in &by_month {
        println!("{m} {:>14.0} {n}", a);
        *years.entry(m[..4].parse().unwrap_or(0)).or_default() += a;
    }
    println!("years {years:?}");
    println!(
        "avg order {:.0} returns lines {neg}",
        total / data.orders.len() as f64
    );
    let cancelled = data
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Cancelled)
        .count();
    println!("cancelled {cancelled}");
    let mut status: BTreeMap<String, usize> = BTreeMap::new();
    for d in &data.deals {
        *status
            .entry(format!("{} {}", d.status, d.stage))
            .or_default() += 1;
    }
    println!("{status:?}");
    let pool = data.customers.iter().filter(|c| c.owner.is_none()).count();
    println!("pool {pool}");
    for c in data.customers.iter().take(5) {
        println!("{c:?}");
    }
    for c in data.deals.iter().take(3) {
        println!("{c:?}");
    }
    for c in data.orders.iter().take(3) {
        println!("{c:?}");
    }
    for c in data.activities.iter().take(3) {
        println!("{c:?}");
    }
    for c in data.spend.iter().take(8) {
        println!("{c:?}");
    }
    for c in data.targets.iter().take(3) {
        println!("{c:?}");
    }
    let mut per_customer: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &data.orders {
        *per_customer.entry(&o.customer_id).or_default() += 1;
    }
    let mut counts: Vec<usize> = per_customer.values().copied().collect();
    counts.sort();
    println!(
        "buyers {} median orders {} max {}",
        counts.len(),
        counts[counts.len() / 2],
        counts[counts.len() - 1]
    );
}
