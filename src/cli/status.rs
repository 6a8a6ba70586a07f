//! `salesboard status` and `salesboard export`.

use std::path::Path;

use anyhow::Context;
use salesboard_store::Store;

use super::Format;

pub async fn run(store: &impl Store, format: Format) -> anyhow::Result<()> {
    let counts = store.counts().await?;
    if format == Format::Json {
        let value = serde_json::to_string(&counts)?;
        println!("{value}");
        return Ok(());
    }
    let rows = [
        ("users 用户", counts.users),
        ("teams 团队", counts.teams),
        ("customers 客户", counts.customers),
        ("contacts 联系人", counts.contacts),
        ("products 产品", counts.products),
        ("deals 商机", counts.deals),
        ("orders 订单", counts.orders),
        ("order lines 订单行", counts.order_lines),
        ("payments 回款", counts.payments),
        ("activities 跟进", counts.activities),
        ("spend 费用", counts.spend),
        ("surveys 问卷", counts.surveys),
        ("targets 目标", counts.targets),
    ];
    for (label, count) in rows {
        println!("{}{count:>12}", pad(label, 20));
    }
    Ok(())
}

/// `text` followed by spaces up to `width` columns on a terminal (Chinese
/// characters take two).
pub fn pad(text: &str, width: usize) -> String {
    let shown = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(shown)))
}

pub async fn export(store: &impl Store, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let data = store.read_dataset().await?;
    let zone = salesboard_app::settings::timezone(store).await?;
    for path in salesboard_io::export::write_canonical_csv(dir, &data, zone)? {
        println!("{}", path.display());
    }
    Ok(())
}
