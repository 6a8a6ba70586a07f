//! Every message the server shows a person, in English as the code writes
//! it and in Chinese. `{}` is a value that varies (a quoted input, a number,
//! a field or a word); the Chinese side takes them in order with `{}` or by
//! position with `{0}`, `{1}` … A test finds every message in the source
//! and fails when one is missing here.

/// English template, Chinese template.
pub(super) const MESSAGES: &[(&str, &str)] = &[
    // values that do not parse (salesboard_domain)
    ("\"{}\" is not an amount of money", "“{}”不是金额"),
    ("\"{}\" has more than two decimals", "“{}”的小数超过两位"),
    ("\"{}\" has more than six decimals", "“{}”的小数超过六位"),
    (
        "\"{}\" is not a discount between 0 and 1 (like 0.15 or 15%)",
        "“{}”不是 0 到 1 之间的折扣（如 0.15 或 15%）",
    ),
    (
        "\"{}\" is not a period (like 2024, 2024-Q1 or 2024-03)",
        "“{}”不是期间（如 2024、2024-Q1 或 2024-03）",
    ),
    (
        "the period's end {} must be after its start {}",
        "期间的结束日 {} 必须晚于开始日 {}",
    ),
    (
        "\"{}\" is not a time zone name (like Asia/Shanghai or UTC)",
        "“{}”不是时区名称（如 Asia/Shanghai 或 UTC）",
    ),
    (
        "\"{}\" does not exist in time zone {}",
        "“{}”在时区 {} 中不存在",
    ),
    (
        "\"{}\" is not a date or time (like 2024-03-05 or 2024-03-05 14:30)",
        "“{}”不是日期或时间（如 2024-03-05 或 2024-03-05 14:30）",
    ),
    (
        "\"{}\" is not a date (like 2024-03-05)",
        "“{}”不是日期（如 2024-03-05）",
    ),
    ("\"{}\" is not one of: {}", "“{}”不是以下之一：{}"),
    (
        "\"{}\" is not a dimension (one of: {})",
        "“{}”不是维度（可选：{}）",
    ),
    (
        "filter \"{}\": write it as DIM=VALUE, like rep=u-li",
        "筛选条件“{}”：请写成 维度=值，如 rep=u-li",
    ),
    (
        "filter {}={} lies outside the period {}",
        "筛选条件 {}={} 不在期间 {} 内",
    ),
    (
        "filter segment={}: the segment is new or returning",
        "筛选条件 segment={}：客户分群只能是 new（新客户）或 returning（老客户）",
    ),
    (
        "{}={}: write the {} like {}",
        "{}={}：{} 请写成 {} 这样的格式",
    ),
    ("{} is not a time dimension", "{} 不是时间维度"),
    (
        "\"{}\" is not a KPI that can be explained (one of: {})",
        "“{}”不是可说明的指标（可选：{}）",
    ),
    (
        "{} is a field of a rep's row: give --rep ID",
        "{} 是销售代表行的字段：请给出 --rep ID",
    ),
    (
        "{}: give the channel with --channel C",
        "{}：请用 --channel C 给出渠道",
    ),
    (
        "{} and --channel name different channels",
        "{} 与 --channel 指定的渠道不同",
    ),
    (
        "--channel is for cac_by_channel; to look at one channel of {}, use --filter channel=C",
        "--channel 只用于 cac_by_channel；要查看 {} 的某个渠道，请用 --filter channel=C",
    ),
    (
        "--rep is for the fields of a rep's row (rep.revenue …); to look at one rep's {}, use --filter rep=ID",
        "--rep 只用于销售代表行的字段（rep.revenue …）；要查看某个销售代表的 {}，请用 --filter rep=ID",
    ),
    (
        "setting customer_lifespan_years: \"{}\" is not a positive number of years",
        "设置 customer_lifespan_years：“{}”不是正的年数",
    ),
    // settings
    (
        "\"{}\" is not a percentage above 0 and at most 100",
        "“{}”不是大于 0 且不超过 100 的百分比",
    ),
    (
        "\"{}\" is not a currency code like CNY",
        "“{}”不是 CNY 这样的货币代码",
    ),
    (
        "\"{}\" is not a number of years between 0 and 100",
        "“{}”不是 0 到 100 之间的年数",
    ),
    (
        "unknown setting \"{}\" (settings: timezone, currency, customer_lifespan_years, alert_drop_percent)",
        "没有设置项“{}”（可用：timezone、currency、customer_lifespan_years、alert_drop_percent）",
    ),
    // record fields through the API (salesboard_app::records)
    ("must be a whole number or null", "必须是整数或 null"),
    (
        "must be money as a string like \"1234.50\" or null",
        "必须是字符串形式的金额（如 \"1234.50\"）或 null",
    ),
    (
        "must be a discount as a string from \"0\" to \"1\", like \"0.15\" or null",
        "必须是字符串形式、\"0\" 到 \"1\" 之间的折扣（如 \"0.15\"）或 null",
    ),
    (
        "must be a time as a string (RFC 3339, like \"2024-03-05T14:30:00+08:00\") or null",
        "必须是字符串形式的时间（RFC 3339，如 \"2024-03-05T14:30:00+08:00\"）或 null",
    ),
    (
        "must be a date as a string, YYYY-MM-DD or null",
        "必须是字符串形式的日期（YYYY-MM-DD）或 null",
    ),
    (
        "must be true or false or null",
        "必须是 true、false 或 null",
    ),
    ("must be a string or null", "必须是字符串或 null"),
    (
        "must be a string, a number or null",
        "必须是字符串、数字或 null",
    ),
    ("\"{}\" is not a whole number", "“{}”不是整数"),
    (
        "\"{}\" is not money like 1234.50",
        "“{}”不是 1234.50 这样的金额",
    ),
    (
        "\"{}\" is not a discount from 0 to 1",
        "“{}”不是 0 到 1 之间的折扣",
    ),
    (
        "\"{}\" is not an RFC 3339 time",
        "“{}”不是 RFC 3339 格式的时间",
    ),
    (
        "\"{}\" is not a date (YYYY-MM-DD)",
        "“{}”不是日期（YYYY-MM-DD）",
    ),
    ("\"{}\" is not true or false", "“{}”不是 true 或 false"),
    ("must be between 1 and {}", "必须在 1 到 {} 之间"),
    ("is not a field of this list", "不是此列表的字段"),
    ("\"{}\" is not a field", "“{}”不是字段"),
    ("\"{}\" is not a money field", "“{}”不是金额字段"),
    ("you cannot delete yourself", "不能删除自己"),
    ("{} are not written through the API", "{}不能通过 API 写入"),
    ("{} \"{}\" is already taken", "{}“{}”已被占用"),
    ("cannot be changed", "不能修改"),
    ("is not a field of this record", "不是此记录的字段"),
    ("must be a list of order lines", "必须是订单明细的列表"),
    ("must be an object", "必须是对象"),
    ("is not a field of an order line", "不是订单明细的字段"),
    ("is required", "必填"),
    (
        "you may not make \"{}\" the owner",
        "你不能把“{}”设为负责人",
    ),
    ("there is no {} \"{}\"", "没有{}“{}”"),
    ("must be a list of objects", "必须是对象的列表"),
    ("an order needs at least one line", "订单至少需要一条明细"),
    ("you may not {} {}", "你没有权限{}{}"),
    ("no user with id \"{}\"", "没有 ID 为“{}”的用户"),
    (
        "webhook event name \"{}\" is empty, has a comma or surrounding spaces",
        "Webhook 事件名“{}”为空、含逗号或首尾有空格",
    ),
    (
        "no pending webhook delivery with id {}",
        "没有 ID 为 {} 的待发送 Webhook",
    ),
    // surveys
    ("this survey link does not work", "此问卷链接无效"),
    ("must be 5 or 10", "必须是 5 或 10"),
    ("must be from 1 to {}", "必须在 1 到 {} 之间"),
    ("must be from {} to {}", "必须在 {} 到 {} 之间"),
    (
        "there is no order \"{}\" of customer \"{}\"",
        "客户“{1}”没有订单“{0}”",
    ),
    ("must be at most {} characters", "最多 {} 个字符"),
    // accounts and sessions
    ("wrong e-mail or password", "邮箱或密码错误"),
    ("the e-mail or the password is wrong", "邮箱或密码错误"),
    (
        "too many login attempts: try again in {} s",
        "登录尝试次数过多：请 {} 秒后再试",
    ),
    (
        "too many attempts; try again in {} s",
        "尝试次数过多：请 {} 秒后再试",
    ),
    (
        "the session has expired: log in again",
        "会话已过期：请重新登录",
    ),
    ("not logged in", "未登录"),
    ("this account is deactivated", "此账号已停用"),
    ("no user has the e-mail \"{}\"", "没有用户使用邮箱“{}”"),
    ("must be zh, en or empty", "必须是 zh、en 或留空"),
    (
        "Salesboard is set up already: log in, or ask an admin",
        "销售看板已经设置好了：请登录，或联系管理员",
    ),
    (
        "the password must have at least 8 characters",
        "密码至少需要 8 个字符",
    ),
    (
        "the password must have at most 256 characters",
        "密码最多 256 个字符",
    ),
    (
        "the password is one of the most common ones",
        "这个密码太常见了",
    ),
    ("\"{}\" is not an e-mail address", "“{}”不是邮箱地址"),
    ("the name is empty", "姓名为空"),
    (
        "log in first (session cookie or Bearer token)",
        "请先登录（会话 Cookie 或 Bearer 令牌）",
    ),
    (
        "cross-site requests may not change anything",
        "跨站请求不能修改任何数据",
    ),
    (
        "missing or wrong CSRF token (header X-CSRF-Token, from GET /api/v1/me)",
        "缺少 CSRF 令牌或令牌错误（请求头 X-CSRF-Token，从 GET /api/v1/me 获取）",
    ),
    ("is not a field of the setup", "不是初始设置的字段"),
    ("is not a field you may change here", "不是此处可修改的字段"),
    // the API's own checks (salesboard_web)
    ("no such record", "没有这条记录"),
    ("no such route", "没有这个地址"),
    ("no such asset", "没有这个资源文件"),
    (
        "the server failed; the cause is in its log",
        "服务器出错了；原因见服务器日志",
    ),
    (
        "migrations or the KPI engine are still loading",
        "数据库迁移或指标引擎仍在加载",
    ),
    (
        "\"{}\" is not a whole number from 1 to 1000000",
        "“{}”不是 1 到 1000000 之间的整数",
    ),
    ("must be a JSON object", "必须是 JSON 对象"),
    ("the body is not JSON: {}", "请求体不是 JSON：{}"),
    ("is not a parameter of this route", "不是此接口的参数"),
    (
        "give period (2024, 2024-Q1, 2024-03), or from and to",
        "请给出 period（2024、2024-Q1、2024-03），或 from 和 to",
    ),
    (
        "a period spans at most {} days (ten years)",
        "期间最长 {} 天（十年）",
    ),
    ("the dashboard takes a period only", "看板只接受期间参数"),
    ("\"{}\" is not csv or xlsx", "“{}”不是 csv 或 xlsx"),
    ("is not a field of a webhook", "不是 Webhook 的字段"),
    ("must be a list of event names", "必须是事件名的列表"),
    ("must be a string", "必须是字符串"),
    ("must be a whole number", "必须是整数"),
    ("is not a field of a survey link", "不是问卷链接的字段"),
    (
        "must be a whole number from 1 to 1000",
        "必须是 1 到 1000 之间的整数",
    ),
    ("previous or last_year", "只能是 previous 或 last_year"),
    ("is not a parameter of the dashboard", "不是看板的参数"),
    (
        "give a date like 2024-03-05",
        "请给出 2024-03-05 这样的日期",
    ),
    ("the last day comes before the first", "结束日早于开始日"),
    ("is not a parameter of an explanation", "不是指标说明的参数"),
    // imports through the API
    ("not a multipart upload: {}", "不是 multipart 上传：{}"),
    ("must be UTF-8 text", "必须是 UTF-8 文本"),
    ("is not a field of an import", "不是导入的字段"),
    ("no file was uploaded", "没有上传文件"),
    ("the file name is not valid", "文件名无效"),
    ("must be true or false", "必须是 true 或 false"),
    ("must be one of {}", "必须是以下之一：{}"),
    (
        "must be a JSON object of header → field",
        "必须是“表头 → 字段”的 JSON 对象",
    ),
    (
        "the field of \"{}\" must be text",
        "“{}”对应的字段必须是文本",
    ),
    ("uploads are limited to {} MiB", "上传文件不能超过 {} MiB"),
    (
        "cannot tell what {} holds; choose its kind",
        "无法判断 {} 的数据类型；请选择数据类型",
    ),
    (
        "a preview writes nothing; send skip_invalid and dry_run with the import",
        "预览不会写入数据；skip_invalid 和 dry_run 请随导入一起发送",
    ),
    ("a preview takes exactly one file", "预览只接受一个文件"),
    (
        "{} problem(s), nothing was written: {}",
        "发现 {} 个问题，没有写入任何数据：{}",
    ),
    (
        "{} problem(s); nothing was written",
        "发现 {} 个问题；没有写入任何数据",
    ),
    ("the rejected rows could not be kept", "被拒绝的行未能保存"),
    (
        "the rejected rows are larger than {} MiB and were not kept; import the file with the command line to get them",
        "被拒绝的行超过 {} MiB，未保存；请用命令行导入该文件以取得它们",
    ),
    (
        "no such import, or it kept no rejected rows",
        "没有这个导入，或它没有保存被拒绝的行",
    ),
    // import files (salesboard_io, salesboard_app::import)
    ("the file is larger than {} MiB", "文件超过 {} MiB"),
    (
        "not an XLSX file: it does not begin with the ZIP signature \"PK\"",
        "不是 XLSX 文件：文件开头没有 ZIP 标记 \"PK\"",
    ),
    (
        "not a text file (it holds NUL bytes): save it as CSV in UTF-8 or GBK, or as XLSX",
        "不是文本文件（含有 NUL 字节）：请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX",
    ),
    ("the file has no header row", "文件没有表头行"),
    ("line {}: {}", "第 {} 行：{}"),
    ("not a readable XLSX file: {}", "无法读取的 XLSX 文件：{}"),
    (
        "not a spreadsheet: the archive has {} entries (at most {})",
        "不是电子表格：压缩包有 {} 个条目（最多 {} 个）",
    ),
    (
        "not a spreadsheet: {} is a symbolic link",
        "不是电子表格：{} 是符号链接",
    ),
    (
        "the spreadsheet unpacks to {} MiB, more than {} MiB",
        "电子表格解压后为 {} MiB，超过 {} MiB",
    ),
    ("not a readable spreadsheet: {}", "无法读取的电子表格：{}"),
    ("no sheet \"{}\" (sheets: {})", "没有工作表“{}”（现有：{}）"),
    ("the workbook has no sheet", "工作簿中没有工作表"),
    ("sheet \"{}\": {}", "工作表“{}”：{}"),
    (
        "sheet \"{}\" is too large: it spans {} rows × {} columns, more than {} cells; import large data as CSV",
        "工作表“{}”太大：共 {} 行 × {} 列，超过 {} 个单元格；大量数据请用 CSV 导入",
    ),
    (
        "sheet \"{}\" is too large: it has more than {} cells; import large data as CSV",
        "工作表“{}”太大：超过 {} 个单元格；大量数据请用 CSV 导入",
    ),
    (
        "{}: cannot tell what this file holds; name it like orders.csv or 订单.xlsx, or pass --kind",
        "{}：无法判断文件的数据类型；请把文件命名为 orders.csv 或 订单.xlsx 这样的名字，或使用 --kind",
    ),
    (
        "{} files have no field \"{}\" (column {})",
        "{}文件没有字段“{}”（列 {}）",
    ),
    (
        "no .csv or .xlsx files in {}",
        "{} 中没有 .csv 或 .xlsx 文件",
    ),
    (
        "--map {}={}: {} files have no field \"{}\" (fields: {})",
        "--map {}={}：{}文件没有字段“{}”（可用字段：{}）",
    ),
    (
        "columns {} all map to field {}; keep one (--map 'HEADER=-' leaves a column out)",
        "列 {} 都对应字段 {}；请只保留一列（--map 'HEADER=-' 可不导入某列）",
    ),
    ("is required but empty", "必填，但为空"),
    ("is before created_at", "早于 created_at"),
    (
        "is required for a won or lost deal",
        "赢单或输单的商机必须填写",
    ),
    (
        "must be empty while the deal is open",
        "商机未结束时必须为空",
    ),
    (
        "\"{}\" is not one of: marketing, sales",
        "“{}”不是以下之一：marketing、sales",
    ),
    ("\"{}\" is not a scale (5 or 10)", "“{}”不是分制（5 或 10）"),
    ("{} is outside the {}–{} scale", "{} 超出 {}–{} 分的范围"),
    (
        "{} is outside the {}–{} scale (set scale to 10 for a 0–10 answer)",
        "{} 超出 {}–{} 分的范围（0–10 分的回答请把分制设为 10）",
    ),
    (
        "\"{}\" is not a number with at most two decimals",
        "“{}”不是最多两位小数的数字",
    ),
    (
        "{} \"{}\" was rejected (see its own problem)",
        "{}“{}”已被拒绝（见它自己的问题）",
    ),
    (
        "no {} \"{}\" is stored or in this import",
        "数据库和本次导入中都没有{}“{}”",
    ),
    (
        "\"{}\" is not a pipeline stage ({})",
        "“{}”不是商机阶段（{}）",
    ),
    (
        "the required column is missing (header {} or {})",
        "缺少必填列（表头 {} 或 {}）",
    ),
    ("id \"{}\" is already on line {}", "ID“{}”已在第 {} 行出现"),
    (
        "\"{}\" already belongs to user \"{}\"",
        "“{}”已属于用户“{}”",
    ),
    (
        "\"{}\" is neither a user nor a team",
        "“{}”既不是用户也不是团队",
    ),
    (
        "differs from line {} of the same order \"{}\"",
        "与同一订单“{1}”的第 {0} 行不一致",
    ),
    (
        "order \"{}\" has an invalid line (line {})",
        "订单“{}”有一条无效明细（第 {} 行）",
    ),
    (
        "{}: columns not stored: {} (map them with --map 'HEADER=field' or leave them out with --map 'HEADER=-')",
        "{}：未导入的列：{}（用 --map 'HEADER=字段' 指定对应字段，或用 --map 'HEADER=-' 不导入）",
    ),
    (
        "{} rows are more than an XLSX sheet holds ({}); export CSV instead",
        "{} 行超过 XLSX 工作表的上限（{}）；请改为导出 CSV",
    ),
];

/// Words the code puts into messages (kinds, nouns, actions): English, Chinese.
pub(super) const WORDS: &[(&str, &str)] = &[
    ("read", "查看"),
    ("create", "新建"),
    ("update", "修改"),
    ("delete", "删除"),
    ("customer", "客户"),
    ("contact", "联系人"),
    ("deal", "商机"),
    ("order", "订单"),
    ("payment", "回款"),
    ("product", "产品"),
    ("user", "用户"),
    ("team", "团队"),
    ("customers", "客户"),
    ("contacts", "联系人"),
    ("deals", "商机"),
    ("orders", "订单"),
    ("order_lines", "订单明细"),
    ("payments", "回款"),
    ("activities", "跟进记录"),
    ("products", "产品"),
    ("spend", "市场费用"),
    ("surveys", "满意度问卷"),
    ("survey_links", "问卷链接"),
    ("targets", "目标"),
    ("users", "用户"),
    ("teams", "团队"),
    ("kpis", "指标"),
    ("imports", "导入"),
    ("audit", "审计日志"),
    ("webhooks", "Webhook"),
    ("alerts", "指标预警"),
    ("settings", "设置"),
];

/// Messages in the source that never reach a person: the server's own
/// failures (logged, answered as "the server failed"), the command line's
/// database errors, and texts that only wrap another message.
#[cfg(test)]
pub(super) const NOT_SHOWN: &[&str] = &[
    "password hashing failed: {}",
    "no random bytes from the operating system: {}",
    "database error: {}",
    "database migration failed: {}",
    "stored data is not valid: {}",
    "conflict: {}",
    "export: {}",
    "CSV: {}",
    "XLSX: {}",
    "unsupported database URL \"{}\": use a file path, sqlite://PATH or postgres://…",
    "the signature header is malformed",
    "the signature timestamp is outside the tolerance",
    "the signature does not match the body",
    "not found",
    // header values
    "attachment; filename=\"{}\"",
    "attachment; filename=\"{}\"; filename*=UTF-8''{}",
];
