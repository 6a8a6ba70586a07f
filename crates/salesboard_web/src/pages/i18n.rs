//! The UI's two languages, Simplified Chinese and English: the message
//! catalogue, and which language a request wants (`?lang=`, then the `lang`
//! cookie, then `Accept-Language`, then Chinese).

use axum::http::{HeaderMap, header};
use cookie::Cookie;

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "salesboard_lang";

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文.
    Zh,
    /// English.
    En,
}

/// Every label: key, Chinese, English.
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app", "销售看板", "Salesboard"),
    ("dashboard", "经营看板", "Dashboard"),
    ("login", "登录", "Log in"),
    ("logout", "退出", "Log out"),
    ("email", "邮箱", "E-mail"),
    ("password", "密码", "Password"),
    ("login_failed", "邮箱或密码错误", "Wrong e-mail or password"),
    ("setup", "创建管理员", "Create the admin"),
    (
        "setup_intro",
        "这是新的销售看板：先创建第一个管理员账号。",
        "This Salesboard is new: create the first admin account.",
    ),
    ("name", "姓名", "Name"),
    ("period", "期间", "Period"),
    ("year", "全年", "Full year"),
    ("show", "查看", "Show"),
    ("revenue", "销售额", "Revenue"),
    ("growth", "同比增长", "YoY growth"),
    ("new_customers", "新增客户", "New customers"),
    ("cac", "获客成本", "CAC"),
    ("clv", "客户终身价值", "CLV"),
    ("sales_cycle", "销售周期", "Sales cycle"),
    ("win_rate", "赢单率", "Win rate"),
    ("conversion", "线索转化率", "Lead conversion"),
    ("csat", "客户满意度", "CSAT"),
    ("aov", "客单价", "Avg. order value"),
    ("gross_profit", "毛利", "Gross profit"),
    ("collected", "回款", "Collected"),
    ("days", "天", "days"),
    ("vs_previous", "较上期", "vs previous period"),
    ("vs_last_year", "较去年同期", "vs last year"),
    ("no_data", "无数据", "no data"),
    (
        "chart_trend",
        "月度销售额（对比去年）",
        "Monthly revenue vs last year",
    ),
    ("this_year", "本期", "This period"),
    ("last_year", "去年同期", "Last year"),
    ("chart_funnel", "销售漏斗", "Sales funnel"),
    ("chart_cac", "各渠道获客成本", "CAC by channel"),
    ("chart_rep_revenue", "销售代表业绩", "Revenue by rep"),
    ("chart_products", "热销产品", "Top products"),
    ("chart_attainment", "目标达成率", "Target attainment"),
    ("leaderboard", "销售排行榜", "Rep leaderboard"),
    ("rank", "排名", "Rank"),
    ("rep", "销售代表", "Rep"),
    ("orders", "订单数", "Orders"),
    ("target", "目标", "Target"),
    ("attainment", "达成率", "Attainment"),
    ("explain", "指标说明", "How this is computed"),
    ("formula", "公式", "Formula"),
    ("substituted", "代入数值", "With the numbers"),
    ("value", "数值", "Value"),
    ("inputs", "输入数据", "Inputs"),
    ("records", "条记录", "records"),
    ("notes", "备注", "Notes"),
    ("back", "返回看板", "Back to the dashboard"),
    ("details", "原始数据 (JSON)", "Raw data (JSON)"),
    ("error", "出错了", "Something went wrong"),
    ("language", "语言", "Language"),
    // dashboard
    ("growth_previous", "环比增长", "Growth"),
    ("compared_with", "对比", "compared with"),
    ("compare", "对比", "Compare with"),
    ("compare_previous", "上一期", "Previous period"),
    ("compare_last_year", "去年同期", "Same period last year"),
    ("period_part", "月份、季度或全年", "Month, quarter or year"),
    ("custom_range", "自定义日期范围", "Custom range"),
    ("range_start", "从", "From"),
    ("range_end", "至", "To"),
    ("filters", "筛选", "Filters"),
    ("all", "全部", "All"),
    ("team", "团队", "Team"),
    ("channel", "渠道", "Channel"),
    ("category", "产品类别", "Category"),
    ("region", "地区", "Region"),
    ("none", "（无）", "(none)"),
    ("units", "销量", "Units"),
    (
        "deals_reached",
        "到达该阶段的商机",
        "Deals reaching the stage",
    ),
    ("deals_won", "赢单数", "Deals won"),
    (
        "chart_channels",
        "各渠道获客成本与新增客户",
        "CAC and new customers by channel",
    ),
    (
        "chart_segments",
        "新老客户销售额",
        "New vs returning revenue",
    ),
    ("segment_new", "新客户", "New customers"),
    ("segment_returning", "老客户", "Returning customers"),
    (
        "chart_top_products",
        "销售额最高的产品",
        "Top products by revenue",
    ),
    (
        "chart_slow_products",
        "销量最低的产品",
        "Slowest products by units",
    ),
    (
        "chart_cycle",
        "销售周期分布（赢单）",
        "Sales cycle of won deals",
    ),
    ("chart_csat", "客户满意度月度趋势", "CSAT by month"),
    ("rep_records", "查看该销售的客户", "This rep's customers"),
    ("stage_lead", "线索", "Lead"),
    ("stage_qualified", "已确认需求", "Qualified"),
    ("stage_proposal", "方案报价", "Proposal"),
    ("stage_negotiation", "商务谈判", "Negotiation"),
    ("stage_won", "赢单", "Won"),
    ("stage_lost", "输单", "Lost"),
];

impl Lang {
    /// The label of `key` (`?` when it is not in the catalogue).
    pub fn t(&self, key: &str) -> &'static str {
        self.lookup(key).unwrap_or_else(|| {
            tracing::warn!(key, "no such UI message");
            "?"
        })
    }

    /// The label of `key`, if the catalogue has it.
    pub fn lookup(&self, key: &str) -> Option<&'static str> {
        MESSAGES
            .iter()
            .find(|(k, ..)| *k == key)
            .map(|(_, zh, en)| match self {
                Lang::Zh => *zh,
                Lang::En => *en,
            })
    }

    /// The BCP 47 tag, for `<html lang>` and `Intl` in the browser.
    pub fn tag(&self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The short code used in `?lang=` and the cookie.
    pub fn code(&self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(&self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language's own name.
    pub fn name(&self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    /// `zh`, `zh-CN`, `en-GB` … to a language.
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a request asks for: `?lang=` wins, then the cookie, then
    /// the first supported language of `Accept-Language` by weight, then Chinese.
    pub fn of_request(query: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(lang) = query.and_then(Lang::parse) {
            return lang;
        }
        let cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| Cookie::split_parse(v.to_string()))
            .filter_map(Result::ok)
            .find(|c| c.name() == LANG_COOKIE)
            .and_then(|c| Lang::parse(c.value()));
        if let Some(lang) = cookie {
            return lang;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
            .unwrap_or(Lang::Zh)
    }
}

/// The supported language with the highest `q` (the first of equals).
fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let Some(lang) = pieces.next().and_then(Lang::parse) else {
            continue;
        };
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(lang, _)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_browser_language_is_the_default_and_chinese_the_fallback() {
        let en = headers(&[(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9,zh;q=0.5")]);
        assert_eq!(Lang::of_request(None, &en), Lang::En);
        let zh = headers(&[(header::ACCEPT_LANGUAGE, "fr;q=1, zh-CN;q=0.8, en;q=0.7")]);
        assert_eq!(Lang::of_request(None, &zh), Lang::Zh);
        assert_eq!(Lang::of_request(None, &HeaderMap::new()), Lang::Zh);
        let other = headers(&[(header::ACCEPT_LANGUAGE, "de-DE")]);
        assert_eq!(Lang::of_request(None, &other), Lang::Zh);
    }

    #[test]
    fn the_query_beats_the_cookie_and_the_cookie_beats_the_browser() {
        let both = headers(&[
            (header::ACCEPT_LANGUAGE, "zh-CN"),
            (header::COOKIE, "a=b; salesboard_lang=en"),
        ]);
        assert_eq!(Lang::of_request(None, &both), Lang::En);
        assert_eq!(Lang::of_request(Some("zh"), &both), Lang::Zh);
    }

    #[test]
    fn every_label_has_both_languages() {
        for (key, zh, en) in MESSAGES {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
            assert_eq!(
                MESSAGES.iter().filter(|(k, ..)| k == key).count(),
                1,
                "{key}"
            );
        }
        assert_eq!(Lang::Zh.t("revenue"), "销售额");
        assert_eq!(Lang::En.t("revenue"), "Revenue");
    }
}
