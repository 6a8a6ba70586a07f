//! The canonical import files: which kinds there are, their fields with the
//! English and Chinese headers, and the order they are imported in.

/// One column of a canonical file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field name, also the English header (`customer_id`).
    pub name: &'static str,
    /// Other headers accepted for it, Chinese first (`客户ID`).
    pub aliases: &'static [&'static str],
    /// Whether every row must have a value.
    pub required: bool,
}

const fn field(name: &'static str, aliases: &'static [&'static str], required: bool) -> Field {
    Field {
        name,
        aliases,
        required,
    }
}

/// The kinds of canonical file, in the order a folder is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `users`: people and their teams.
    Users,
    /// `products`.
    Products,
    /// `customers`.
    Customers,
    /// `contacts`.
    Contacts,
    /// `deals`.
    Deals,
    /// `orders`, one row per line.
    Orders,
    /// `payments`.
    Payments,
    /// `activities` (follow-ups).
    Activities,
    /// `spend`.
    Spend,
    /// `surveys`.
    Surveys,
    /// `targets`.
    Targets,
}

impl FileKind {
    /// Every kind, in import (dependency) order.
    pub const ALL: [FileKind; 11] = [
        FileKind::Users,
        FileKind::Products,
        FileKind::Customers,
        FileKind::Contacts,
        FileKind::Deals,
        FileKind::Orders,
        FileKind::Payments,
        FileKind::Activities,
        FileKind::Spend,
        FileKind::Surveys,
        FileKind::Targets,
    ];

    /// The canonical file name without extension.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Users => "users",
            FileKind::Products => "products",
            FileKind::Customers => "customers",
            FileKind::Contacts => "contacts",
            FileKind::Deals => "deals",
            FileKind::Orders => "orders",
            FileKind::Payments => "payments",
            FileKind::Activities => "activities",
            FileKind::Spend => "spend",
            FileKind::Surveys => "surveys",
            FileKind::Targets => "targets",
        }
    }

    /// Other names a file of this kind may have (Chinese file names).
    fn file_aliases(self) -> &'static [&'static str] {
        match self {
            FileKind::Users => &["user", "用户", "员工", "销售人员"],
            FileKind::Products => &["product", "产品", "商品"],
            FileKind::Customers => &["customer", "客户", "accounts"],
            FileKind::Contacts => &["contact", "联系人"],
            FileKind::Deals => &["deal", "商机", "opportunities"],
            FileKind::Orders => &["order", "订单", "order_lines"],
            FileKind::Payments => &["payment", "回款"],
            FileKind::Activities => &["activity", "跟进", "跟进记录"],
            FileKind::Spend => &["spending", "费用", "市场费用", "marketing_spend"],
            FileKind::Surveys => &["survey", "问卷", "满意度"],
            FileKind::Targets => &["target", "目标"],
        }
    }

    /// Parses a kind's name (English or Chinese).
    pub fn parse(text: &str) -> Option<FileKind> {
        let wanted = text.trim().to_lowercase();
        FileKind::ALL
            .into_iter()
            .find(|kind| kind.name() == wanted || kind.file_aliases().contains(&wanted.as_str()))
    }

    /// The kind a file name says (`orders.csv`, `2024 订单.xlsx`), if any.
    pub fn from_file_name(file_name: &str) -> Option<FileKind> {
        let stem = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(file_name)
            .split('.')
            .next()
            .unwrap_or(file_name)
            .to_lowercase();
        FileKind::parse(&stem).or_else(|| {
            // Longest name first, so that "order_lines" is not taken for "orders".
            let mut candidates: Vec<(FileKind, &str)> = FileKind::ALL
                .into_iter()
                .flat_map(|kind| {
                    std::iter::once(kind.name())
                        .chain(kind.file_aliases().iter().copied())
                        .map(move |name| (kind, name))
                })
                .collect();
            candidates.sort_by_key(|(_, name)| std::cmp::Reverse(name.chars().count()));
            candidates
                .into_iter()
                .find(|(_, name)| stem.contains(name))
                .map(|(kind, _)| kind)
        })
    }

    /// Whether extra columns are kept as custom fields (otherwise they are
    /// reported as warnings and not stored).
    pub fn keeps_extra_columns(self) -> bool {
        matches!(
            self,
            FileKind::Users
                | FileKind::Products
                | FileKind::Customers
                | FileKind::Contacts
                | FileKind::Deals
                | FileKind::Orders
        )
    }

    /// The fields of this kind of file.
    pub fn fields(self) -> &'static [Field] {
        match self {
            FileKind::Users => {
                const {
                    &[
                        field("user_id", &["用户ID", "用户编号", "工号", "id"], true),
                        field("name", &["姓名", "名字"], true),
                        field("email", &["邮箱", "电子邮箱", "e-mail"], false),
                        field("role", &["角色"], false),
                        field("team", &["团队", "部门"], false),
                    ]
                }
            }
            FileKind::Products => {
                const {
                    &[
                        field("sku", &["产品编号", "产品ID", "编码"], true),
                        field("name", &["产品名称", "名称"], true),
                        field("category", &["类别", "分类", "产品类别"], false),
                        field("unit_price", &["单价", "售价", "价格"], false),
                        field("unit_cost", &["成本", "单位成本"], false),
                    ]
                }
            }
            FileKind::Customers => {
                const {
                    &[
                        field("customer_id", &["客户ID", "客户编号"], true),
                        field("name", &["客户名称", "名称"], true),
                        field("kind", &["类型", "客户类型"], false),
                        field("industry", &["行业"], false),
                        field("region", &["地区", "区域"], false),
                        field("channel", &["来源渠道", "渠道", "来源"], false),
                        field("owner", &["负责人"], false),
                        field("created_at", &["创建时间"], true),
                        field("first_contact_at", &["首次接触时间"], false),
                        field("phone", &["电话", "手机", "联系电话"], false),
                        field("email", &["邮箱", "电子邮箱"], false),
                    ]
                }
            }
            FileKind::Contacts => {
                const {
                    &[
                        field("contact_id", &["联系人ID", "联系人编号"], true),
                        field("customer_id", &["客户ID", "客户编号"], true),
                        field("name", &["姓名", "联系人"], true),
                        field("title", &["职务", "职位"], false),
                        field("phone", &["电话", "手机"], false),
                        field("email", &["邮箱"], false),
                    ]
                }
            }
            FileKind::Deals => {
                const {
                    &[
                        field("deal_id", &["商机ID", "商机编号"], true),
                        field("customer_id", &["客户ID", "客户编号"], true),
                        field("owner", &["负责人"], false),
                        field("title", &["商机名称", "名称"], false),
                        field("stage", &["阶段", "商机阶段"], false),
                        field("amount", &["金额", "预计金额"], false),
                        field("created_at", &["创建时间"], true),
                        field("closed_at", &["结束时间", "关闭时间"], false),
                        field("status", &["状态"], true),
                        field("lost_reason", &["输单原因"], false),
                    ]
                }
            }
            FileKind::Orders => {
                const {
                    &[
                        field("order_id", &["订单ID", "订单编号", "订单号"], true),
                        field("customer_id", &["客户ID", "客户编号"], true),
                        field("owner", &["负责人"], false),
                        field("ordered_at", &["下单时间", "订单日期"], true),
                        field("sku", &["产品编号", "产品ID"], false),
                        field("unit_price", &["单价"], true),
                        field("quantity", &["数量"], true),
                        field("discount", &["折扣"], false),
                        field("status", &["状态", "订单状态"], false),
                        field("deal_id", &["商机ID", "商机编号"], false),
                    ]
                }
            }
            FileKind::Payments => {
                const {
                    &[
                        field("payment_id", &["回款ID", "回款编号"], true),
                        field("order_id", &["订单ID", "订单编号", "订单号"], true),
                        field("amount", &["金额", "回款金额"], true),
                        field("paid_at", &["回款时间", "回款日期"], true),
                    ]
                }
            }
            FileKind::Activities => {
                const {
                    &[
                        field("activity_id", &["跟进ID", "跟进编号"], true),
                        field("customer_id", &["客户ID", "客户编号"], true),
                        field("deal_id", &["商机ID", "商机编号"], false),
                        field("owner", &["负责人", "跟进人"], false),
                        field("kind", &["方式", "跟进方式"], false),
                        field("occurred_at", &["跟进时间"], true),
                        field("note", &["内容", "跟进内容", "备注"], false),
                    ]
                }
            }
            FileKind::Spend => {
                const {
                    &[
                        field("spend_id", &["费用ID"], false),
                        field("date", &["日期"], true),
                        field("channel", &["渠道"], false),
                        field("category", &["类别"], false),
                        field("amount", &["金额"], true),
                        field("campaign", &["活动", "活动名称"], false),
                    ]
                }
            }
            FileKind::Surveys => {
                const {
                    &[
                        field("response_id", &["问卷ID", "问卷编号"], true),
                        field("customer_id", &["客户ID", "客户编号"], false),
                        field("order_id", &["订单ID", "订单编号"], false),
                        field("score", &["评分", "分数"], true),
                        field("scale", &["量表"], false),
                        field("responded_at", &["填写时间"], true),
                        field("comment", &["意见", "评价"], false),
                    ]
                }
            }
            FileKind::Targets => {
                const {
                    &[
                        field("owner", &["负责人"], true),
                        field("period", &["周期"], true),
                        field("metric", &["指标"], true),
                        field("target", &["目标值", "目标"], true),
                    ]
                }
            }
        }
    }

    /// The kind whose fields best match these headers (for a file whose name
    /// says nothing): the one with all required fields and the most matches.
    pub fn from_headers(headers: &[String]) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let mapping = super::mapping::map_headers(kind, headers, &[]);
                mapping
                    .missing_required()
                    .is_empty()
                    .then(|| (mapping.mapped_count(), kind))
            })
            .max_by_key(|(count, _)| *count)
            .map(|(_, kind)| kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_in_english_or_chinese_name_their_kind() {
        assert_eq!(
            FileKind::from_file_name("orders.csv"),
            Some(FileKind::Orders)
        );
        assert_eq!(
            FileKind::from_file_name("/x/y/客户.xlsx"),
            Some(FileKind::Customers)
        );
        assert_eq!(
            FileKind::from_file_name("2024年订单.csv"),
            Some(FileKind::Orders)
        );
        assert_eq!(
            FileKind::from_file_name("order_lines.csv"),
            Some(FileKind::Orders)
        );
        assert_eq!(FileKind::from_file_name("notes.csv"), None);
    }

    #[test]
    fn kinds_are_imported_in_dependency_order() {
        let mut kinds = vec![
            FileKind::Payments,
            FileKind::Users,
            FileKind::Orders,
            FileKind::Customers,
        ];
        kinds.sort();
        assert_eq!(
            kinds,
            [
                FileKind::Users,
                FileKind::Customers,
                FileKind::Orders,
                FileKind::Payments
            ]
        );
    }

    #[test]
    fn headers_alone_can_tell_the_kind() {
        let headers: Vec<String> = ["回款ID", "订单ID", "金额", "回款时间"]
            .map(String::from)
            .to_vec();
        assert_eq!(FileKind::from_headers(&headers), Some(FileKind::Payments));
    }
}
