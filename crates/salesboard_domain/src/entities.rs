//! The records Salesboard keeps: users and teams, customers and contacts,
//! products, deals and their stage history, orders with lines, payments,
//! follow-ups, marketing spend, survey responses and targets.
//!
//! Ids are the user's own external ids (text), kept as imported.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Discount, Money, Timestamp, ValidationError};

/// Declares a closed set of values written as text, with the English code
/// stored in the database and the other spellings (Chinese, capitalised)
/// accepted on input.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored and exported.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses the code or one of its aliases, ignoring case and spaces.
            pub fn parse(text: &str) -> Result<Self, ValidationError> {
                let trimmed = text.trim();
                $(if trimmed.eq_ignore_ascii_case($code) { return Ok($name::$variant); })+
                let wanted = trimmed.to_lowercase();
                $(if wanted == $code $(|| wanted == $alias)* { return Ok($name::$variant); })+
                Err(ValidationError::new(format!(
                    "\"{}\" is not one of: {}",
                    text,
                    [$($code),+].join(", ")
                )))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What a user may do: see `docs/POLICY.md`.
    Role {
        /// Everything, including users and settings.
        Admin = "admin" | "管理员",
        /// Their teams' records.
        Manager = "manager" | "经理" | "销售经理" | "主管",
        /// Their own records and the public pool.
        Rep = "rep" | "销售" | "销售代表" | "sales",
    }
);

text_enum!(
    /// Whether a customer is a company or a person.
    CustomerKind {
        /// A business customer (B2B).
        Company = "company" | "企业" | "公司" | "b2b",
        /// A private person (B2C).
        Person = "person" | "个人" | "b2c",
    }
);

text_enum!(
    /// Where a deal stands.
    DealStatus {
        /// Still being worked.
        Open = "open" | "进行中" | "跟进中",
        /// Closed with a sale.
        Won = "won" | "赢单" | "成交",
        /// Closed without a sale.
        Lost = "lost" | "输单" | "丢单",
    }
);

text_enum!(
    /// Whether an order counts.
    OrderStatus {
        /// A sale (returns are lines with negative quantity).
        Completed = "completed" | "已完成" | "完成",
        /// Does not count anywhere.
        Cancelled = "cancelled" | "canceled" | "已取消" | "取消",
    }
);

text_enum!(
    /// How a follow-up (跟进) was made.
    ActivityKind {
        /// A phone call.
        Call = "call" | "电话",
        /// A visit.
        Visit = "visit" | "拜访",
        /// An e-mail.
        Email = "email" | "邮件",
        /// A meeting.
        Meeting = "meeting" | "会议",
        /// An instant message (WeChat …).
        Message = "message" | "消息" | "微信",
    }
);

text_enum!(
    /// Who a target is for.
    TargetOwnerKind {
        /// One user.
        User = "user",
        /// A whole team.
        Team = "team",
    }
);

text_enum!(
    /// What a target measures.
    TargetMetric {
        /// Revenue, in money.
        Revenue = "revenue" | "销售额",
        /// New customers, a count.
        NewCustomers = "new_customers" | "新客户数" | "新客户",
        /// Deals won, a count.
        DealsWon = "deals_won" | "赢单数",
    }
);

/// Columns a file had beyond the canonical ones, kept as custom fields.
pub type Extra = BTreeMap<String, String>;

/// A person who logs in (or is referred to as an owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// External id (`u-li`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Login e-mail, unique when present.
    pub email: Option<String>,
    /// What the user may do.
    pub role: Role,
    /// The team the user belongs to (for a manager: the team they lead).
    pub team: Option<String>,
    /// Custom fields.
    pub extra: Extra,
}

/// A customer (客户): a company or a person. No owner means the public pool (公海).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// External id.
    pub id: String,
    /// Customer name (客户名称).
    pub name: String,
    /// Company or person.
    pub kind: Option<CustomerKind>,
    /// Industry (行业).
    pub industry: Option<String>,
    /// Region (地区).
    pub region: Option<String>,
    /// Acquisition channel (来源渠道).
    pub channel: Option<String>,
    /// Owning user id; `None` = public pool.
    pub owner: Option<String>,
    /// Phone, for finding duplicates.
    pub phone: Option<String>,
    /// E-mail, for finding duplicates.
    pub email: Option<String>,
    /// When the customer (lead) was created.
    pub created_at: Timestamp,
    /// First contact (首次接触).
    pub first_contact_at: Option<Timestamp>,
    /// Custom fields.
    pub extra: Extra,
}

/// A contact person at a customer (联系人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// External id.
    pub id: String,
    /// The customer the contact works for.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Custom fields.
    pub extra: Extra,
}

/// Something sold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Stock-keeping unit, the product's id.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Category (类别).
    pub category: Option<String>,
    /// List price.
    pub unit_price: Option<Money>,
    /// Cost per unit, for gross profit (0 when unknown).
    pub unit_cost: Option<Money>,
    /// Custom fields.
    pub extra: Extra,
}

/// An opportunity (商机) moving through the pipeline stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deal {
    /// External id.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Owning user id.
    pub owner: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Current (or last, when closed) pipeline stage code.
    pub stage: String,
    /// Expected or final amount.
    pub amount: Option<Money>,
    /// First contact on this opportunity.
    pub created_at: Timestamp,
    /// When it was won or lost.
    pub closed_at: Option<Timestamp>,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Why it was lost (输单原因).
    pub lost_reason: Option<String>,
    /// Custom fields.
    pub extra: Extra,
}

/// One move of a deal from one stage to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageChange {
    /// The deal.
    pub deal_id: String,
    /// The stage before (`None` when the deal was created).
    pub from_stage: Option<String>,
    /// The stage after.
    pub to_stage: String,
    /// When.
    pub changed_at: Timestamp,
}

/// An order with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// External id.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Owning user id.
    pub owner: Option<String>,
    /// When it was placed.
    pub ordered_at: Timestamp,
    /// Completed or cancelled.
    pub status: OrderStatus,
    /// The deal it closed, if any.
    pub deal_id: Option<String>,
    /// The lines, in the order they were given.
    pub lines: Vec<OrderLine>,
    /// Custom fields.
    pub extra: Extra,
}

/// One line of an order; a return is a line with negative quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    /// The product, if known.
    pub sku: Option<String>,
    /// Price per unit before discount.
    pub unit_price: Money,
    /// Units; negative for a return.
    pub quantity: i64,
    /// Discount as a fraction.
    pub discount: Discount,
}

/// Money received for an order (回款).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// External id.
    pub id: String,
    /// The order paid.
    pub order_id: String,
    /// Amount received.
    pub amount: Money,
    /// When.
    pub paid_at: Timestamp,
}

/// A follow-up (跟进) with a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// External id.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// The deal it was about, if any.
    pub deal_id: Option<String>,
    /// Who logged it.
    pub owner: Option<String>,
    /// Call, visit …
    pub kind: Option<ActivityKind>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// What was said.
    pub note: Option<String>,
}

/// Money spent to win customers, by channel (marketing and sales cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spend {
    /// Given in the file, or derived from the row's content so that importing
    /// the same file twice changes nothing.
    pub id: String,
    /// The day it was spent (start of the local day).
    pub date: Timestamp,
    /// Channel; `None` counts only in the total.
    pub channel: Option<String>,
    /// Marketing or sales.
    pub category: Option<String>,
    /// Amount.
    pub amount: Money,
    /// Campaign name.
    pub campaign: Option<String>,
}

/// The scale a survey answer is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SurveyScale {
    /// 1 to 5 (CSAT).
    Five,
    /// 0 to 10 (NPS).
    Ten,
}

impl SurveyScale {
    /// The highest score.
    pub fn max(self) -> i64 {
        match self {
            SurveyScale::Five => 5,
            SurveyScale::Ten => 10,
        }
    }

    /// The lowest score.
    pub fn min(self) -> i64 {
        match self {
            SurveyScale::Five => 1,
            SurveyScale::Ten => 0,
        }
    }
}

/// A survey response (满意度问卷).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Survey {
    /// External id.
    pub id: String,
    /// The customer who answered.
    pub customer_id: Option<String>,
    /// The order it was about.
    pub order_id: Option<String>,
    /// The score, within the scale.
    pub score: i64,
    /// 1–5 or 0–10.
    pub scale: SurveyScale,
    /// When it was answered.
    pub responded_at: Timestamp,
    /// Free text.
    pub comment: Option<String>,
}

/// A target (目标) for a user or a team over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// User id or team name.
    pub owner: String,
    /// Whether `owner` is a user or a team.
    pub owner_kind: TargetOwnerKind,
    /// The period as written (`2024-03`, `2024-Q1`, `2024`).
    pub period: String,
    /// What is measured.
    pub metric: TargetMetric,
    /// The value in hundredths (money in cents; counts × 100).
    pub value_hundredths: i64,
}
