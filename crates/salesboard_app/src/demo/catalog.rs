//! What the company sells: software subscriptions and licences, hardware,
//! services, training and consumables, and how orders combine them.

use rand::Rng;
use rand::rngs::StdRng;
use salesboard_domain::{Discount, Extra, Money, OrderLine, Product};

use super::random::{skewed, weighted, weighted_by};

/// A product of the catalog.
struct Sku {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    /// List price in yuan.
    price: i64,
    /// Cost as a percentage of the list price.
    cost_percent: i64,
    /// Units on one line: least and most.
    units: (i64, i64),
    /// Popularity in first purchases and in repeat purchases.
    popularity: (u32, u32),
    /// Whether private persons buy it.
    for_persons: bool,
}

const fn sku(
    code: &'static str,
    name: &'static str,
    category: &'static str,
    (price, cost_percent): (i64, i64),
    units: (i64, i64),
    popularity: (u32, u32),
    for_persons: bool,
) -> Sku {
    Sku {
        code,
        name,
        category,
        price,
        cost_percent,
        units,
        popularity,
        for_persons,
    }
}

const SOFTWARE: &str = "Software";
const HARDWARE: &str = "Hardware";
const SERVICE: &str = "Service";
const TRAINING: &str = "Training";
const CONSUMABLES: &str = "Consumables";

#[rustfmt::skip]
const SKUS: [Sku; 30] = [
    sku("SW-CRM-STD", "销售看板 标准版（年/席位）", SOFTWARE, (1_200, 15), (2, 15), (10, 8), false),
    sku("SW-CRM-PRO", "销售看板 专业版（年/席位）", SOFTWARE, (2_400, 15), (2, 10), (6, 4), false),
    sku("SW-ERP-BAS", "进销存 基础版", SOFTWARE, (8_800, 10), (1, 1), (8, 1), true),
    sku("SW-ERP-ADV", "进销存 高级版", SOFTWARE, (19_800, 10), (1, 1), (3, 1), false),
    sku("SW-HR-SAAS", "人事考勤 SaaS（年）", SOFTWARE, (3_600, 20), (1, 3), (5, 4), false),
    sku("SW-SEC-EP", "终端安全软件（年/终端）", SOFTWARE, (180, 20), (5, 60), (6, 6), true),
    sku("SW-BI-ENT", "数据分析平台 企业版", SOFTWARE, (36_000, 12), (1, 1), (2, 0), false),
    sku("SW-OFFICE", "正版办公软件授权", SOFTWARE, (1_680, 70), (1, 12), (6, 4), true),
    sku("HW-POS-T1", "智能收银终端 T1", HARDWARE, (2_980, 72), (1, 6), (8, 4), true),
    sku("HW-SCAN-2D", "二维码扫描枪", HARDWARE, (399, 65), (1, 10), (6, 7), true),
    sku("HW-PRN-58", "58mm 热敏小票打印机", HARDWARE, (499, 68), (1, 8), (6, 6), true),
    sku("HW-NAS-4B", "4 盘位 NAS 存储", HARDWARE, (5_999, 75), (1, 2), (3, 2), true),
    sku("HW-SRV-R2", "机架式服务器 R2", HARDWARE, (28_800, 80), (1, 2), (1, 0), false),
    sku("HW-AP-W6", "企业级 Wi-Fi 6 无线 AP", HARDWARE, (1_280, 70), (2, 12), (5, 4), false),
    sku("HW-SW-24", "24 口千兆交换机", HARDWARE, (2_199, 72), (1, 4), (4, 3), false),
    sku("HW-PAD-10", "10 寸工业平板", HARDWARE, (3_299, 74), (1, 8), (3, 3), true),
    sku("HW-LAPTOP", "商务笔记本电脑", HARDWARE, (5_699, 85), (1, 6), (3, 3), true),
    sku("SV-IMPL", "实施服务（人天）", SERVICE, (2_500, 45), (2, 10), (9, 2), false),
    sku("SV-DEV", "定制开发（人天）", SERVICE, (3_000, 50), (2, 10), (3, 1), false),
    sku("SV-MAINT", "年度运维服务（标准）", SERVICE, (6_800, 40), (1, 1), (4, 3), false),
    sku("SV-ONSITE", "上门维修服务（次）", SERVICE, (600, 45), (1, 3), (0, 9), true),
    sku("SV-MIGRATE", "数据迁移服务", SERVICE, (6_000, 35), (1, 1), (4, 1), false),
    sku("SV-CLOUD", "云主机托管（年）", SERVICE, (4_800, 55), (1, 4), (3, 4), true),
    sku("SV-WARRANTY", "硬件延保（年）", SERVICE, (300, 25), (1, 10), (3, 4), true),
    sku("TR-ADMIN", "管理员培训（人）", TRAINING, (1_500, 30), (1, 4), (4, 2), false),
    sku("TR-USER", "用户培训（场）", TRAINING, (3_000, 30), (1, 2), (4, 3), false),
    sku("TR-CERT", "认证课程（人）", TRAINING, (4_800, 35), (1, 3), (1, 2), true),
    sku("CS-PAPER", "热敏打印纸（箱）", CONSUMABLES, (120, 60), (1, 20), (3, 16), true),
    sku("CS-RIBBON", "标签碳带（盒）", CONSUMABLES, (85, 55), (2, 30), (1, 10), true),
    sku("CS-CABLE", "网线及配件包", CONSUMABLES, (80, 50), (1, 20), (2, 6), true),
];

/// Discounts (parts per million) and how often first and repeat orders get them.
const DISCOUNTS: [(i64, u32, u32); 4] = [
    (0, 50, 80),
    (50_000, 20, 12),
    (100_000, 18, 6),
    (150_000, 12, 2),
];

/// The products, as records.
pub(super) fn products() -> Vec<Product> {
    SKUS.iter()
        .map(|sku| Product {
            sku: sku.code.to_string(),
            name: sku.name.to_string(),
            category: Some(sku.category.to_string()),
            unit_price: Some(Money::from_cents(sku.price * 100)),
            unit_cost: Some(Money::from_cents(sku.price * sku.cost_percent)),
            extra: Extra::new(),
        })
        .collect()
}

/// What kind of order is being filled.
#[derive(Debug, Clone, Copy)]
pub(super) struct Basket {
    /// A first purchase or a deal (projects), rather than a top-up.
    pub project: bool,
    /// A private person rather than a company.
    pub person: bool,
    /// Company size: 0 small, 1 medium, 2 large.
    pub tier: u8,
}

/// Product weights for each kind of basket, computed once.
pub(super) struct Catalog {
    /// Indexed by `project * 2 + person`.
    weights: [Vec<u32>; 4],
}

impl Catalog {
    /// The catalog's weights.
    pub(super) fn load() -> Self {
        let table = |project: bool, person: bool| {
            SKUS.iter()
                .map(|sku| {
                    let popularity = if project {
                        sku.popularity.0
                    } else {
                        sku.popularity.1
                    };
                    if person && !sku.for_persons {
                        0
                    } else {
                        popularity
                    }
                })
                .collect()
        };
        Catalog {
            weights: [
                table(false, false),
                table(false, true),
                table(true, false),
                table(true, true),
            ],
        }
    }

    /// `count` lines of distinct products (when possible) for a basket, with
    /// one discount for the whole order.
    pub(super) fn draw(&self, rng: &mut StdRng, basket: Basket, count: usize) -> Vec<OrderLine> {
        let weights = &self.weights[usize::from(basket.project) * 2 + usize::from(basket.person)];
        let discount = order_discount(rng, basket);
        let mut lines: Vec<OrderLine> = Vec::with_capacity(count);
        let mut chosen = [usize::MAX; 8];
        for nth in 0..count {
            let mut pick = weighted(rng, weights);
            for _ in 0..8 {
                if !chosen.contains(&pick) {
                    break;
                }
                pick = weighted(rng, weights);
            }
            if let Some(slot) = chosen.get_mut(nth) {
                *slot = pick;
            }
            lines.push(line(rng, &SKUS[pick], basket, discount));
        }
        lines
    }

    /// A quote for a basket: its amount in cents, rounded to ¥100, and the
    /// category of its main product.
    pub(super) fn estimate(&self, rng: &mut StdRng, basket: Basket) -> (i64, &'static str) {
        let count = rng.random_range(2..=4);
        let lines = self.draw(rng, basket, count);
        let total: i64 = lines.iter().map(line_cents).sum();
        (
            ((total + 5_000) / 10_000 * 10_000).max(100_000),
            main_category(&lines),
        )
    }
}

fn line(rng: &mut StdRng, sku: &Sku, basket: Basket, discount: Discount) -> OrderLine {
    let (least, most) = sku.units;
    let reach = if basket.person {
        0.15
    } else {
        [0.35, 0.7, 1.0][usize::from(basket.tier.min(2))]
    };
    let most = least + ((most - least) as f64 * reach).round() as i64;
    let quantity = skewed(rng, least, most, 2.0);
    let yuan = if rng.random_bool(0.06) {
        (sku.price as f64 * rng.random_range(0.88..0.98)).round() as i64
    } else {
        sku.price
    };
    OrderLine {
        sku: Some(sku.code.to_string()),
        unit_price: Money::from_cents(yuan.max(1) * 100),
        quantity,
        discount,
    }
}

fn order_discount(rng: &mut StdRng, basket: Basket) -> Discount {
    let pick = weighted_by(rng, &DISCOUNTS, |&(_, project, top_up)| {
        if basket.project { project } else { top_up }
    });
    Discount::from_ppm(DISCOUNTS[pick].0).unwrap_or(Discount::NONE)
}

/// The category of the product that brings the most money on some lines.
pub(super) fn main_category(lines: &[OrderLine]) -> &'static str {
    let main = lines.iter().max_by_key(|line| line_cents(line));
    let code = main.and_then(|line| line.sku.as_deref());
    SKUS.iter()
        .find(|sku| Some(sku.code) == code)
        .map_or(SOFTWARE, |sku| sku.category)
}

/// The amount of a line in cents (exact for the prices and discounts used
/// here; otherwise rounded towards zero).
pub(super) fn line_cents(line: &OrderLine) -> i64 {
    let gross = i128::from(line.unit_price.cents()) * i128::from(line.quantity);
    let net =
        gross * i128::from(Discount::WHOLE - line.discount.ppm()) / i128::from(Discount::WHOLE);
    i64::try_from(net).unwrap_or(0)
}
