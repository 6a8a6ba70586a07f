//! The UI's two languages, Simplified Chinese and English: the message
//! catalogue, and which language a request wants (`?lang=`, then the `lang`
//! user's own choice, then the cookie, then `Accept-Language`, then Chinese).

use axum::http::{HeaderMap, header};
use cookie::Cookie;

/// The signed-in user's own choice of language, which the authentication
/// middleware puts on the request (replacing whatever a client sent).
pub const USER_LANGUAGE_HEADER: &str = "x-salesboard-user-language";

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
    ("chart_data_table", "数据表", "Data table"),
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
    // records pages
    ("sections", "主导航", "Sections"),
    ("kind_customers", "客户", "Customers"),
    ("kind_contacts", "联系人", "Contacts"),
    ("kind_deals", "商机", "Deals"),
    ("kind_orders", "订单", "Orders"),
    ("kind_payments", "回款", "Payments"),
    ("kind_activities", "跟进", "Follow-ups"),
    ("kind_products", "产品", "Products"),
    ("kind_spend", "市场费用", "Marketing spend"),
    ("kind_surveys", "满意度问卷", "Surveys"),
    ("kind_targets", "目标", "Targets"),
    ("kind_users", "用户", "Users"),
    ("kind_teams", "团队", "Teams"),
    ("pool", "公海", "Customer pool"),
    ("pipeline", "商机看板", "Pipeline"),
    ("search", "搜索", "Search"),
    ("search_hint", "名称、电话、邮箱…", "Name, phone, e-mail…"),
    ("reset", "清除", "Clear"),
    ("no_records", "没有记录", "No records"),
    ("pages", "分页", "Pages"),
    ("previous", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("new", "新建", "New"),
    ("save", "保存", "Save"),
    ("delete", "删除", "Delete"),
    (
        "confirm_delete",
        "确定删除这条记录吗？",
        "Delete this record?",
    ),
    ("saved", "已保存", "Saved"),
    ("edit", "编辑资料", "Edit"),
    ("claim", "领取", "Claim"),
    ("log_follow_up", "记录跟进", "Log a follow-up"),
    ("follow_up_kind", "跟进方式", "How"),
    (
        "follow_up_note",
        "跟进内容（可选）",
        "What happened (optional)",
    ),
    ("timeline", "跟进时间线", "Timeline"),
    ("deal_opened", "新建商机", "Deal opened"),
    ("order_placed", "下单", "Order"),
    ("payment_received", "回款", "Payment received"),
    ("survey_answered", "满意度评价", "Survey answered"),
    ("order_lines", "订单明细", "Order lines"),
    ("unit_price", "单价", "Unit price"),
    ("quantity", "数量", "Quantity"),
    ("discount", "折扣", "Discount"),
    ("add_line", "添加明细", "Add a line"),
    ("not_found", "找不到该页面或记录", "Not found"),
    ("forbidden", "没有权限", "Not allowed"),
    ("invalid_request", "请求无效", "Invalid request"),
    ("server_error", "服务器出错了", "Something went wrong"),
    ("back_home", "返回看板", "Back to the dashboard"),
    ("owner", "负责人", "Owner"),
    ("as_list", "列表视图", "As a list"),
    (
        "board_hint",
        "拖动卡片即可变更阶段；也可用卡片下方的选择框（键盘、手机）。",
        "Drag a card to change its stage, or use the card's select box (keyboard, phone).",
    ),
    ("move_to", "移到", "Move to"),
    ("more", "条更多", "more"),
    ("lost_reason_title", "为什么输单？", "Why was it lost?"),
    ("lost_reason", "输单原因", "Lost reason"),
    ("cancel", "取消", "Cancel"),
    ("export_kpis", "导出指标表", "Export the KPI table"),
    ("by_month", "按月", "By month"),
    // import page
    ("import", "导入数据", "Import data"),
    (
        "import_intro",
        "上传 CSV 或 Excel（XLSX）文件：先预览并核对列的对应关系，确认无误后再导入。",
        "Upload a CSV or Excel (XLSX) file: preview it and check how its columns are read, then import.",
    ),
    ("import_file", "文件", "File"),
    ("import_kind", "数据类型", "Kind of records"),
    (
        "import_kind_auto",
        "按文件名或表头判断",
        "Tell from the file name or headers",
    ),
    ("import_kind_users", "用户", "Users"),
    ("import_kind_products", "产品", "Products"),
    ("import_kind_customers", "客户", "Customers"),
    ("import_kind_contacts", "联系人", "Contacts"),
    ("import_kind_deals", "商机", "Deals"),
    ("import_kind_orders", "订单", "Orders"),
    ("import_kind_payments", "回款", "Payments"),
    ("import_kind_activities", "跟进记录", "Follow-ups"),
    ("import_kind_spend", "市场费用", "Marketing spend"),
    ("import_kind_surveys", "满意度问卷", "Surveys"),
    ("import_kind_targets", "目标", "Targets"),
    ("import_kind_teams", "团队", "Teams"),
    ("import_kind_order_lines", "订单明细", "Order lines"),
    ("import_preview", "预览", "Preview"),
    (
        "import_choose_file",
        "请先选择文件。",
        "Choose a file first.",
    ),
    ("import_working", "处理中…", "Working…"),
    ("import_columns", "列与字段", "Columns and fields"),
    ("import_column", "文件中的列", "Column in the file"),
    ("import_field", "导入为", "Imported as"),
    ("import_extra", "自定义字段", "Custom field"),
    ("import_ignored", "不导入", "Leave out"),
    ("import_required", "必填", "required"),
    ("import_rows", "前 20 行预览", "The first 20 rows"),
    ("import_total_rows", "共 {n} 行数据", "{n} data rows"),
    ("import_line", "行号", "Line"),
    ("import_problems", "问题", "Problems"),
    (
        "import_problem_count",
        "发现 {n} 个问题",
        "{n} problem(s) found",
    ),
    (
        "import_problems_shown",
        "（显示前 {n} 个）",
        "(the first {n} shown)",
    ),
    (
        "import_no_problems",
        "未发现问题，可以导入。",
        "No problems found: ready to import.",
    ),
    ("import_whole_row", "整行", "whole row"),
    ("import_line_n", "第 {n} 行", "Line {n}"),
    ("import_notes", "提示", "Notes"),
    (
        "import_skip_invalid",
        "跳过有问题的行，只导入有效的行",
        "Skip invalid rows and import the valid ones",
    ),
    ("import_start", "开始导入", "Import"),
    (
        "import_blocked",
        "预览中有问题：请修正文件，或勾选“跳过有问题的行”。",
        "The preview has problems: fix the file, or tick “skip invalid rows”.",
    ),
    ("import_progress", "导入进度", "Progress"),
    ("import_phase_reading", "读取文件", "Reading the file"),
    ("import_phase_validating", "校验数据", "Checking the rows"),
    ("import_phase_writing", "写入数据库", "Writing the records"),
    ("import_phase_done", "完成", "Done"),
    ("import_report", "导入报告", "Import report"),
    ("import_done", "导入完成。", "The import is done."),
    (
        "import_failed",
        "导入失败，没有写入任何数据。",
        "The import failed; nothing was written.",
    ),
    ("import_written", "写入的记录", "Records written"),
    ("import_record_kind", "类型", "Kind"),
    ("import_created", "新增", "Created"),
    ("import_updated", "更新", "Updated"),
    ("import_unchanged", "未变", "Unchanged"),
    ("import_files", "文件", "Files"),
    ("import_rows_read", "读取行数", "Rows read"),
    ("import_rows_accepted", "导入行数", "Rows imported"),
    ("import_rows_rejected", "拒绝行数", "Rows rejected"),
    (
        "import_rejected",
        "被拒绝的行及原因",
        "Rejected rows and why",
    ),
    (
        "import_download_rejected",
        "下载被拒绝的行",
        "Download the rejected rows",
    ),
    (
        "import_nothing_written",
        "没有写入任何记录。",
        "No records were written.",
    ),
    ("import_again", "导入另一个文件", "Import another file"),
    (
        "import_forbidden",
        "只有管理员可以导入数据。",
        "Only admins may import data.",
    ),
    // survey page
    ("survey_title", "满意度调查", "Satisfaction survey"),
    (
        "survey_question_nps",
        "您有多大可能向朋友或同事推荐我们？",
        "How likely are you to recommend us to a friend or colleague?",
    ),
    (
        "survey_question_csat",
        "您对我们的服务满意吗？",
        "How satisfied are you with our service?",
    ),
    ("survey_low_nps", "完全不可能", "Not at all likely"),
    ("survey_high_nps", "非常可能", "Extremely likely"),
    ("survey_low_csat", "非常不满意", "Very dissatisfied"),
    ("survey_high_csat", "非常满意", "Very satisfied"),
    (
        "survey_comment",
        "意见或建议（选填）",
        "Comments (optional)",
    ),
    ("survey_submit", "提交", "Submit"),
    (
        "survey_thanks",
        "感谢您的反馈！",
        "Thank you for your feedback!",
    ),
    (
        "survey_unusable",
        "此问卷链接无效、已过期或已使用。",
        "This survey link is not valid, has expired or has been used.",
    ),
    (
        "survey_limited",
        "尝试次数过多，请稍后再试。",
        "Too many attempts: please try again later.",
    ),
    (
        "survey_bad_score",
        "请在所列分数中选择一个。",
        "Please pick one of the scores shown.",
    ),
    (
        "survey_bad_comment",
        "意见最多 2000 字。",
        "Comments may be at most 2000 characters.",
    ),
];

impl Lang {
    /// The label of `key` (`?` when it is not in the catalogue).
    pub fn t(&self, key: &str) -> &'static str {
        self.lookup(key).unwrap_or_else(|| {
            tracing::warn!(key, "no such UI message");
            "?"
        })
    }

    /// Every label whose key starts with `prefix`, as (key, label).
    pub fn labels_with_prefix(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = (&'static str, &'static str)> {
        let lang = *self;
        MESSAGES
            .iter()
            .filter(move |(key, ..)| key.starts_with(prefix))
            .map(move |(key, zh, en)| match lang {
                Lang::Zh => (*key, *zh),
                Lang::En => (*key, *en),
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
        Lang::asked(query, headers).unwrap_or(Lang::Zh)
    }

    /// The language a request names, if it names one: `?lang=`, the user's
    /// own choice, the cookie, `Accept-Language`.
    pub fn asked(query: Option<&str>, headers: &HeaderMap) -> Option<Lang> {
        if let Some(lang) = query.and_then(Lang::parse) {
            return Some(lang);
        }
        let chosen = headers
            .get(USER_LANGUAGE_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::parse);
        if let Some(lang) = chosen {
            return Some(lang);
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
            return Some(lang);
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language)
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
