//! What the demo company's people write and choose from: channels, job
//! titles, why deals are lost, deal topics, follow-up notes, survey comments.

use rand::rngs::StdRng;

use super::random::one_of;

/// The acquisition channels (codes shared by customers and spend).
pub(super) const CHANNELS: [&str; 6] =
    ["search", "social", "referral", "email", "events", "direct"];
/// How customers found the company: companies, then persons.
pub(super) const CHANNEL_WEIGHTS: [[u32; 6]; 2] = [[26, 16, 22, 6, 14, 16], [34, 36, 12, 2, 2, 14]];

/// Contact job titles.
pub(super) const TITLES: [&str; 8] = [
    "总经理",
    "采购经理",
    "IT 主管",
    "财务经理",
    "行政主管",
    "运营总监",
    "店长",
    "技术负责人",
];

/// Why deals are lost, by how often.
pub(super) const LOST_REASONS: [(&str, u32, &str); 7] = [
    ("价格", 30, "客户觉得价格偏高，暂不采购"),
    ("竞争对手", 25, "客户选择了竞争对手的方案"),
    ("预算", 20, "客户今年预算被砍，项目搁置"),
    ("时机", 10, "客户表示明年再考虑"),
    ("需求变化", 7, "客户业务调整，需求取消"),
    ("联系不上", 5, "多次联系未回复，暂时放弃"),
    ("决策人变动", 3, "决策人离职，项目暂停"),
];

/// What deals are about, by the category of their main product: for new
/// customers, then for existing ones.
#[rustfmt::skip]
const DEAL_TOPICS: [(&str, &[&str], &[&str]); 5] = [
    ("Software", &["软件系统采购", "销售管理系统", "进销存系统上线", "数字化转型一期"], &["增购席位", "软件续费", "扩展模块"]),
    ("Hardware", &["门店收银升级", "办公网络改造", "IT 设备采购", "服务器扩容"], &["设备补货", "新门店开业", "网络扩容"]),
    ("Service", &["实施与定制开发", "云托管迁移"], &["运维续签", "定制开发二期"]),
    ("Training", &["员工培训项目"], &["新员工培训"]),
    ("Consumables", &["门店耗材采购"], &["耗材补货"]),
];

/// The title of a deal with a customer about a product category.
pub(super) fn deal_title(
    rng: &mut StdRng,
    customer: &str,
    category: &str,
    existing: bool,
) -> String {
    let (_, new, more) = DEAL_TOPICS
        .iter()
        .find(|(name, _, _)| *name == category)
        .unwrap_or(&DEAL_TOPICS[0]);
    let topic = one_of(rng, if existing { more } else { new });
    format!("{customer} - {topic}")
}

/// What a rep writes after a follow-up at each stage (lead … negotiation, won).
pub(super) const STAGE_NOTES: [&[&str]; 5] = [
    &[
        "客户官网留资，已电话回访",
        "初次沟通，了解现有系统和痛点",
        "客户咨询报价，已加微信",
        "展会上认识，约好下周详谈",
    ],
    &[
        "确认预算和采购时间表",
        "见到决策人，需求基本明确",
        "客户需要和 IT 部门再确认",
        "约了上门调研现场环境",
    ],
    &[
        "已发送方案和报价单",
        "产品演示，客户反馈积极",
        "根据客户意见调整方案",
        "客户在比较两家供应商的方案",
    ],
    &[
        "商务谈判，客户希望再降 5%",
        "合同条款沟通中，法务在审",
        "确认付款方式和交付时间",
        "客户内部走审批流程",
    ],
    &[
        "合同已签，安排实施排期",
        "客户已下单，准备发货",
        "签约完成，转交实施团队",
    ],
];

/// Notes of follow-ups with leads that have no deal.
pub(super) const PROSPECT_NOTES: [&str; 5] = [
    "初次沟通，客户暂无明确需求",
    "已发送产品资料",
    "客户表示先了解一下",
    "电话未接通，已发短信",
    "客户说下个季度再联系",
];

/// Notes of follow-ups after a sale.
pub(super) const AFTER_SALE_NOTES: [&str; 5] = [
    "售后回访，客户反馈使用顺畅",
    "上门巡检设备，运行正常",
    "客户咨询使用问题，已远程解决",
    "回访时客户提到下季度可能扩容",
    "客户反馈发票信息有误，已重开",
];

/// Survey comments: unhappy, neutral, happy.
pub(super) const SURVEY_COMMENTS: [&[&str]; 3] = [
    &[
        "发货太慢",
        "售后响应不及时",
        "价格偏高",
        "系统有些卡顿",
        "安装人员迟到",
    ],
    &["整体还可以", "交付稍慢", "希望培训更细致", "功能够用"],
    &[
        "服务很专业",
        "响应很及时",
        "实施顺利，点赞",
        "产品好用，性价比高",
        "销售很耐心",
    ],
];
