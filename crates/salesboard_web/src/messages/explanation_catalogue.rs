//! The texts of the KPI explanations (formulas, substituted formulas, notes
//! and the notes of the records), in English as `salesboard_domain` writes
//! them and in Chinese. `{}` is a value as in [`super::catalogue`] (a
//! name, a number, or a text of this catalogue); `{w}` is a word the code
//! wrote (`orders`, `won`), from [`EXPLANATION_WORDS`] or the catalogue's
//! words. A formula names its inputs by their Chinese labels. A text that only adds
//! a reason to another (` (no orders)`) is written here as `{} (no orders)`.
//! A test finds every text of the explanations in the source and fails when
//! one is missing here.

/// English template, Chinese template.
pub(super) const EXPLANATIONS: &[(&str, &str)] = &[
    // §1 revenue and §2 growth (sales.rs)
    (
        "revenue = Σ unit_price × quantity × (1 − discount), over the counted lines (order not cancelled) of the orders placed in the period",
        "销售额 = Σ 单价 × 数量 × (1 − 折扣)，按本期间下单的订单中计入的明细（订单未取消）",
    ),
    (
        "orders = the number of distinct orders with a counted line placed in the period",
        "订单数 = 本期间下单、且有计入明细的不同订单的个数",
    ),
    (
        "units = Σ quantity of the counted order lines of the period (returns subtract)",
        "件数 = Σ 本期间计入的订单明细的数量（退货为负）",
    ),
    ("aov = revenue / orders", "客单价 = 销售额 / 订单数"),
    ("{} (no orders)", "{}（没有订单）"),
    (
        "gross_profit = Σ (unit_price × (1 − discount) − unit_cost) × quantity, over the counted order lines of the period (unit_cost from the product, 0 when unknown)",
        "毛利 = Σ (单价 × (1 − 折扣) − 单位成本) × 数量，按本期间计入的订单明细（单位成本取自产品，未知时为 0）",
    ),
    (
        "collected = Σ payments received in the period",
        "回款 = Σ 本期间收到的回款",
    ),
    (
        "receivable = billed − paid: the revenue of the orders placed before {} − the payments received before {}",
        "应收 = 期末前累计销售额 − 期末前累计回款：{} 之前下单的订单的销售额 − {} 之前收到的回款",
    ),
    ("the same period last year", "去年同期"),
    ("the previous period", "上一期间"),
    ("{} (no revenue in {})", "{}（{} 没有销售额）"),
    (
        "{} = (revenue(P) − revenue({})) / revenue({}), P = {}, {} = {} ({})",
        "{w} = (销售额(P) − 销售额({})) / 销售额({})，P = {}，{} = {}（{}）",
    ),
    (
        "order {} of {} is cancelled: not counted",
        "{1} 的订单 {0} 已取消：不计入",
    ),
    ("order lines", "订单明细"),
    // §3 acquisition and the lead conversion rate (acquisition.rs)
    (
        "new_customers = the customers whose first counted order was placed in the period",
        "新客户 = 首个计入的订单在本期间下单的客户",
    ),
    (
        "acquisition_spend = Σ spend entries (marketing and sales) dated in the period",
        "获客费用 = Σ 日期在本期间内的市场费用（市场和销售）",
    ),
    ("spend entries", "市场费用"),
    (
        "cac = acquisition_spend / new_customers",
        "客户获取成本 = 获客费用 / 新客户",
    ),
    ("{} (no new customers)", "{}（没有新客户）"),
    (
        "spend without a channel counts only in the total cac, in no channel",
        "没有渠道的市场费用只计入总的客户获取成本，不计入任何渠道",
    ),
    (
        "no spend entry and no new customer has the channel {}: the report has no cac_by_channel.{}",
        "没有属于渠道 {} 的市场费用或新客户：报表中没有 cac_by_channel.{}",
    ),
    (
        "cac_by_channel.{} = spend of the channel {} / new customers whose channel is {}",
        "渠道获客成本（{}）= 渠道 {} 的获客费用 / 渠道为 {} 的新客户",
    ),
    (
        "{} (no new customers from {})",
        "{}（没有来自 {} 的新客户）",
    ),
    ("first order {}", "首单 {}"),
    ("won deal {}", "赢单商机 {}"),
    (
        "{} (no customers created in the period)",
        "{}（本期间没有新建客户）",
    ),
    (
        "lead_conversion_rate = converted / leads: of the customers created in the period, those with a counted order or a won deal at any time in the data",
        "转化率 = 实际客户 / 潜在客户：本期间新建的客户中，在全部数据里有计入的订单或赢单商机的客户",
    ),
    // §4 lifetime value (lifetime.rs)
    (
        "{} in Y0; no counted order in Y",
        "Y0 内{}；Y 内没有计入的订单",
    ),
    (
        "Y = {} (the trailing 365 days), Y0 = {} (the 365 days before)",
        "Y = {}（最近 365 天），Y0 = {}（再往前 365 天）",
    ),
    (
        "{} (no customer was active in Y0)",
        "{}（Y0 内没有活跃客户）",
    ),
    (
        "annual_churn_rate = churned / active_customers(Y0): the share of the customers with a counted order in Y0 that have none in Y; {}",
        "年流失率 = 流失客户 / 上一年活跃客户：Y0 内有计入订单的客户中，Y 内没有计入订单的比例；{}",
    ),
    (
        "lifespan_years = the setting customer_lifespan_years",
        "客户生命周期(年) = 设置 customer_lifespan_years",
    ),
    (
        "setting customer_lifespan_years = {}",
        "设置 customer_lifespan_years = {}",
    ),
    (
        "— (annual_churn_rate is null: no customer was active in Y0)",
        "—（年流失率为空：Y0 内没有活跃客户）",
    ),
    ("nobody churned → {} (the cap)", "没有客户流失 → {}（上限）"),
    (
        "1 / ({} / {}) = {} / {} → {} (the cap)",
        "1 / ({} / {}) = {} / {} → {}（上限）",
    ),
    (
        "lifespan_years = 1 / annual_churn_rate, at most {} (also when nobody churns), annual_churn_rate = churned / active_customers(Y0)",
        "客户生命周期(年) = 1 / 年流失率，最多 {0} 年（没有客户流失时也取 {0}），年流失率 = 流失客户 / 上一年活跃客户",
    ),
    (
        "{} (no lifespan: no customer was active in Y0)",
        "{}（没有客户生命周期：Y0 内没有活跃客户）",
    ),
    ("{} (no active customers in Y)", "{}（Y 内没有活跃客户）"),
    (
        "{} (no new customers in Y: no cac(Y))",
        "{}（Y 内没有新客户：没有 Y 的客户获取成本）",
    ),
    (
        "clv_profit = gross_profit(Y) / active_customers(Y) × lifespan_years − cac(Y), cac(Y) = acquisition_spend(Y) / new_customers(Y); {}; {}",
        "客户终身价值(利润) = 毛利(Y) / 活跃客户(Y) × 客户生命周期(年) − 客户获取成本(Y)，客户获取成本(Y) = 获客费用(Y) / 新客户(Y)；{}；{}",
    ),
    (
        "{} / {} × {} − {} / {} = {}; lifespan_years: {}",
        "{} / {} × {} − {} / {} = {}；客户生命周期(年)：{}",
    ),
    ("{} (no orders in Y)", "{}（Y 内没有订单）"),
    (
        "clv_revenue = aov(Y) × (orders(Y) / active_customers(Y)) × lifespan_years, aov(Y) = revenue(Y) / orders(Y); {}; {}",
        "客户终身价值(收入) = 客单价(Y) × (订单数(Y) / 活跃客户(Y)) × 客户生命周期(年)，客单价(Y) = 销售额(Y) / 订单数(Y)；{}；{}",
    ),
    (
        "({} / {}) × ({} / {}) × {} = {}; lifespan_years: {}",
        "({} / {}) × ({} / {}) × {} = {}；客户生命周期(年)：{}",
    ),
    // §5 sales cycle and the win rate (deals.rs)
    (
        "rank ceil({}% × {}) = {} of {} = {}",
        "排名 ceil({}% × {}) = 第 {} 名（共 {} 个）= {}",
    ),
    ("— (no deals won)", "—（没有赢单）"),
    (
        "no deals won in the period: mean, median and p90 are —",
        "本期间没有赢单：平均值、中位数和 p90 均为 —",
    ),
    (
        "mean = {} = {}; median = {}; p90 = {}",
        "平均值 = {} = {}；中位数 = {}；p90 = {}",
    ),
    (
        "sales_cycle, over the deals won with closed_at in the period: cycle_days = date(closed_at) − date(created_at) in local days; mean = Σ cycle_days / deals; median and p90 by nearest rank (the value at rank ceil(q × n) of the sorted days)",
        "销售周期(天)，按结束时间在本期间内的赢单商机：成交天数 = 结束日期 − 创建日期（本地日期）；平均值 = Σ 成交天数 / 赢单数；中位数和 p90 取最近秩（排序后第 ceil(q × n) 个天数）",
    ),
    (
        "{} (no deals won or lost in the period)",
        "{}（本期间没有赢单或输单）",
    ),
    (
        "win_rate = won / (won + lost), over the deals closed in the period",
        "赢单率 = 赢单 / (赢单 + 输单)，按本期间结束的商机",
    ),
    // §7 satisfaction (satisfaction.rs)
    ("{} (no responses)", "{}（没有问卷）"),
    (
        "csat = responses scoring {} or more / responses, on the 1–5 scale, answered in the period",
        "客户满意度 = 评分 {} 及以上的问卷 / 问卷数，按本期间回答的 1–5 分制问卷",
    ),
    (
        "csat_avg_score = Σ scores / responses, on the 1–5 scale, answered in the period",
        "满意度平均分 = Σ 评分 / 问卷数，按本期间回答的 1–5 分制问卷",
    ),
    (
        "csat_responses = the number of responses on the 1–5 scale answered in the period",
        "问卷数 = 本期间回答的 1–5 分制问卷的个数",
    ),
    (
        "nps = (promoters − detractors) / responses, on the 0–10 scale, answered in the period: promoters score {}–10, detractors 0–{}",
        "净推荐值 = (推荐者 − 贬损者) / 问卷数，按本期间回答的 0–10 分制问卷：推荐者评分 {}–10，贬损者评分 0–{}",
    ),
    // §8 reps (reps.rs)
    (
        "{} = the rep's deals {} in the period",
        "{w} = 该销售代表本期间{w}的商机",
    ),
    (
        "sales_cycle_median = the median (nearest rank) of the cycle days of the rep's deals won in the period",
        "销售周期中位数(天) = 该销售代表本期间赢单商机成交天数的中位数（最近秩）",
    ),
    (
        "activities = the follow-ups (跟进) the rep logged in the period",
        "跟进次数 = 该销售代表本期间记录的跟进",
    ),
    (
        "for the rep {} (the records the rep owns): {}",
        "销售代表 {}（其负责的记录）：{}",
    ),
    (
        "{} has no row in the rep table: not a rep, and owns no order or closed deal counted in the period",
        "{} 在销售代表表中没有对应行：不是销售代表，且本期间没有负责计入的订单或已结束的商机",
    ),
    (
        "{} (no revenue target of the rep lies inside the period)",
        "{}（该销售代表没有落在本期间内的销售目标）",
    ),
    (
        "target = Σ the rep's own revenue targets whose period lies inside the period (team targets do not count)",
        "销售目标 = Σ 该销售代表本人的、期间落在本期间内的销售目标（团队目标不计入）",
    ),
    (
        "attainment = revenue / target",
        "目标达成率 = 销售额 / 销售目标",
    ),
    // the records (records.rs) and the dates of an input (mod.rs)
    ("(no product)", "（无产品）"),
    ("{}: {} × {} × (1 − {}) = {}", "{}：{} × {} × (1 − {}) = {}"),
    ("{} (return)", "{}（退货）"),
    ("0 (unknown cost)", "0（成本未知）"),
    (
        "{}: ({} × (1 − {}) − {}) × {} = {}",
        "{}：({} × (1 − {}) − {}) × {} = {}",
    ),
    ("customer {}, 1 counted line", "客户 {}，1 条计入的明细"),
    ("customer {}, {} counted lines", "客户 {}，{} 条计入的明细"),
    ("orders {}", "订单 {}"),
    ("first order {}, channel {}", "首单 {}，渠道 {}"),
    ("first order {}, no channel", "首单 {}，无渠道"),
    ("created; converted: {}", "本期间新建；已转化：{w}"),
    (
        "created; no counted order or won deal",
        "本期间新建；没有计入的订单或赢单商机",
    ),
    (
        "{}, created {}, closed {}: {} days",
        "{w}，{} 创建，{} 结束：{} 天",
    ),
    ("{}, created {}", "{w}，{} 创建"),
    ("score {} of {}", "{} 分（满分 {}）"),
    ("for order {}", "订单 {} 的回款"),
    ("{} spend, {}", "{w}费用，{}"),
    ("channel {}", "渠道 {}"),
    (
        "no channel (counts only in the total)",
        "无渠道（只计入总数）",
    ),
    ("customer {}, {}", "客户 {}，{w}"),
    ("customer {}", "客户 {}"),
    ("revenue target of {} for {}", "{} 在 {} 的销售目标"),
    ("Σ of {} {} = {}", "Σ（{} 条{w}）= {}"),
    ("count of {} {} = {}", "计数（{} 个{w}）= {}"),
    ("count({}) = {}", "计数({}) = {}"),
    ("before {}", "{} 之前"),
];

/// Words the explanations put into their texts (what is counted, a deal's
/// status, a follow-up's kind, a spend's category, the name of a growth
/// rate), besides the
/// catalogue's own words: English, Chinese.
pub(super) const EXPLANATION_WORDS: &[(&str, &str)] = &[
    ("responses", "问卷"),
    ("follow-ups", "跟进"),
    ("marketing", "市场"),
    ("sales", "销售"),
    ("converted", "已转化"),
    ("open", "进行中"),
    ("won", "赢单"),
    ("lost", "输单"),
    ("call", "电话"),
    ("visit", "拜访"),
    ("email", "邮件"),
    ("meeting", "会议"),
    ("message", "消息"),
    ("growth_rate", "销售增长率"),
    ("yoy_growth_rate", "同比增长率"),
];
