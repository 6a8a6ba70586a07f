//! How records read on a page: field labels in both languages, values
//! formatted for people (money as ¥, times without seconds, enumerated codes
//! by name, users and teams by name, stages by label) and the links between
//! records.

use std::collections::HashMap;

use salesboard_app::records::{self, ListParams};
use salesboard_io::import::FileKind;
use salesboard_store::Store;
use salesboard_store::records::{FieldDef, FieldType, RecordKind, TEAMS, USERS};
use serde_json::{Map, Value as Json};

use crate::AppState;
use crate::auth::Caller;
use crate::pages::format;
use crate::pages::i18n::Lang;

/// Labels of API fields that are not columns of an import file.
const EXTRA_LABELS: &[(&str, &str, &str)] = &[
    ("updated_at", "更新时间", "Updated"),
    ("active", "启用", "Active"),
    ("target_id", "目标", "Target"),
    ("owner_kind", "对象类型", "For"),
    ("team_id", "团队ID", "Team ID"),
    ("lines", "明细", "Lines"),
];

/// A field's label: the Chinese header of the import file, or English words.
pub(crate) fn field_label(kind: &str, field: &str, lang: Lang) -> String {
    if let Some((_, zh, en)) = EXTRA_LABELS.iter().find(|(name, ..)| *name == field) {
        return match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
        .to_string();
    }
    if lang == Lang::Zh
        && let Some(label) = FileKind::parse(kind)
            .and_then(|k| k.fields().iter().find(|f| f.name == field))
            .and_then(|f| f.aliases.iter().find(|a| !a.is_ascii()))
    {
        return label.to_string();
    }
    if kind == "teams" && field == "name" && lang == Lang::Zh {
        return "团队名称".into();
    }
    english_words(field)
}

/// A field's Chinese label, when it has one: the record field's (`amount`
/// of deals: 金额), else the page label of that name (`period`: 期间).
pub(crate) fn chinese_field_label(kind: &str, field: &str) -> Option<String> {
    Some(field_label(kind, field, Lang::Zh))
        .filter(|label| !label.is_ascii())
        .or_else(|| Lang::Zh.lookup(field).map(str::to_string))
}

/// `customer_id` → `Customer ID`.
fn english_words(field: &str) -> String {
    let words: Vec<String> = field
        .split('_')
        .enumerate()
        .map(|(index, word)| match (index, word) {
            (_, "id") => "ID".to_string(),
            (0, word) => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            }
            (_, word) => word.to_string(),
        })
        .collect();
    words.join(" ")
}

/// The names a page shows instead of ids: the users and teams the caller
/// may see, and the pipeline stages.
#[derive(Debug, Default)]
pub(crate) struct Names {
    users: HashMap<String, String>,
    teams: HashMap<String, String>,
    stages: Vec<(String, String, String)>,
}

impl Names {
    /// Reads the names `caller` may see.
    pub(crate) async fn load(app: &AppState, caller: &Caller) -> Names {
        let mut names = Names::default();
        for (kind, key, map) in [
            (USERS, "user_id", &mut names.users),
            (TEAMS, "team_id", &mut names.teams),
        ] {
            let params = ListParams {
                page: 1,
                per_page: records::MAX_PER_PAGE,
                ..ListParams::default()
            };
            // A caller who may not list users or teams sees their ids.
            if let Ok(page) = records::list(&app.store, &caller.actor, &kind, &params).await {
                for item in page.items {
                    if let (Some(id), Some(name)) = (
                        item.get(key).and_then(Json::as_str),
                        item.get("name").and_then(Json::as_str),
                    ) {
                        map.insert(id.to_string(), name.to_string());
                    }
                }
            }
        }
        names
            .users
            .insert(caller.actor.user_id.clone(), caller.actor.name.clone());
        if let Ok(stages) = app.store.pipeline_stages().await {
            names.stages = stages
                .into_iter()
                .map(|s| (s.code, s.label_zh, s.label_en))
                .collect();
        }
        names
    }

    /// A user's name, or the id when the caller may not see the user.
    pub(crate) fn user(&self, id: &str) -> String {
        self.users
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// A team's name, or the id when the caller may not see the team.
    pub(crate) fn team(&self, id: &str) -> String {
        self.teams
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The users the caller may see, by name.
    pub(crate) fn users_by_name(&self) -> Vec<(String, String)> {
        let mut users: Vec<_> = self
            .users
            .iter()
            .map(|(id, name)| (id.clone(), name.clone()))
            .collect();
        users.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        users
    }

    /// A stage's label in `lang`, or its code.
    pub(crate) fn stage(&self, code: &str, lang: Lang) -> String {
        self.stages
            .iter()
            .find(|(c, ..)| c == code)
            .map(|(_, zh, en)| match lang {
                Lang::Zh => zh.clone(),
                Lang::En => en.clone(),
            })
            .unwrap_or_else(|| code.to_string())
    }

    /// The pipeline's stage codes, in order.
    pub(crate) fn stage_codes(&self) -> Vec<String> {
        self.stages.iter().map(|(code, ..)| code.clone()).collect()
    }
}

/// The words for the codes of enumerated fields.
const CODES: &[(&str, &str, &str, &str)] = &[
    ("status", "open", "进行中", "Open"),
    ("status", "won", "赢单", "Won"),
    ("status", "lost", "输单", "Lost"),
    ("status", "completed", "已完成", "Completed"),
    ("status", "cancelled", "已取消", "Cancelled"),
    ("kind", "company", "企业", "Company"),
    ("kind", "person", "个人", "Person"),
    ("kind", "call", "电话", "Call"),
    ("kind", "visit", "拜访", "Visit"),
    ("kind", "email", "邮件", "E-mail"),
    ("kind", "meeting", "会议", "Meeting"),
    ("kind", "message", "消息", "Message"),
    ("role", "admin", "管理员", "Admin"),
    ("role", "manager", "经理", "Manager"),
    ("role", "rep", "销售", "Rep"),
    ("metric", "revenue", "销售额", "Revenue"),
    ("metric", "new_customers", "新客户数", "New customers"),
    ("metric", "deals_won", "赢单数", "Deals won"),
    ("category", "marketing", "市场", "Marketing"),
    ("category", "sales", "销售", "Sales"),
    ("owner_kind", "user", "个人", "Person"),
    ("owner_kind", "team", "团队", "Team"),
];

/// The word for an enumerated code, or the code itself.
pub(crate) fn code_label(field: &str, code: &str, lang: Lang) -> String {
    CODES
        .iter()
        .find(|(f, c, ..)| *f == field && *c == code)
        .map(|(_, _, zh, en)| match lang {
            Lang::Zh => *zh,
            Lang::En => *en,
        })
        .unwrap_or(code)
        .to_string()
}

/// The values an enumerated field takes, for a select box.
pub(crate) fn field_codes(kind: &str, field: &str) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = CODES
        .iter()
        .filter(|(f, ..)| *f == field)
        .map(|(_, code, ..)| *code)
        .collect();
    // The same field name means different things in different kinds.
    let belongs = |code: &str| match (kind, field) {
        ("customers", "kind") => ["company", "person"].contains(&code),
        ("activities", "kind") => !["company", "person"].contains(&code),
        ("deals", "status") => ["open", "won", "lost"].contains(&code),
        ("orders", "status") => ["completed", "cancelled"].contains(&code),
        ("spend", "category") | ("users", "role") | ("targets", "metric") => true,
        _ => false,
    };
    codes.retain(|code| belongs(code));
    codes
}

/// One cell of a table: its text and where it links to.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// What the cell shows.
    pub text: String,
    /// Where a click goes.
    pub href: Option<String>,
    /// Right-aligned figures.
    pub numeric: bool,
}

/// One record as a table row: its key, its page and its cells.
#[derive(Debug)]
pub(crate) struct Row {
    /// The record's key.
    pub id: String,
    /// The record's page.
    pub href: String,
    /// The cells of `fields`.
    pub cells: Vec<Cell>,
}

/// The rows of `items` (records of `kind`), one cell per field of `fields`.
pub(crate) fn rows(
    kind: &RecordKind,
    fields: &[&FieldDef],
    items: &[Map<String, Json>],
    names: &Names,
    lang: Lang,
) -> Vec<Row> {
    let key = kind.key_field().name;
    items
        .iter()
        .map(|item| {
            let id = item
                .get(key)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string();
            let cells = fields
                .iter()
                .map(|field| {
                    let value = item.get(field.name).unwrap_or(&Json::Null);
                    cell(kind.name, field, value, names, lang)
                })
                .collect();
            Row {
                href: format!("/{}/{}", kind.name, url_segment(&id)),
                id,
                cells,
            }
        })
        .collect()
}

/// Where a reference field's value links to.
fn link_of(kind: &str, field: &str, id: &str) -> Option<String> {
    let target = match field {
        "customer_id" if kind != "customers" => "customers",
        "deal_id" if kind != "deals" => "deals",
        "order_id" if kind != "orders" => "orders",
        "sku" if kind != "products" => "products",
        "owner" if kind != "targets" => "users",
        "team" => "teams",
        _ => return None,
    };
    Some(format!("/{target}/{}", url_segment(id)))
}

/// A path segment, percent-encoded.
pub(crate) fn url_segment(text: &str) -> String {
    crate::pages::percent_encode(text)
}

/// A value for people.
pub(crate) fn cell(kind: &str, field: &FieldDef, value: &Json, names: &Names, lang: Lang) -> Cell {
    let plain = |text: String| Cell {
        text,
        href: None,
        numeric: false,
    };
    let text = match value {
        Json::Null => return plain("–".into()),
        Json::Bool(true) => return plain(if lang == Lang::Zh { "是" } else { "yes" }.into()),
        Json::Bool(false) => return plain(if lang == Lang::Zh { "否" } else { "no" }.into()),
        Json::Number(n) => {
            return Cell {
                text: n.to_string(),
                href: None,
                numeric: true,
            };
        }
        Json::String(text) => text.as_str(),
        other => return plain(other.to_string()),
    };
    match field.ty {
        FieldType::Money => Cell {
            text: format::money(Some(text)),
            href: None,
            numeric: true,
        },
        FieldType::Instant => plain(text.get(..16).unwrap_or(text).replace('T', " ")),
        _ => {
            let shown = match field.name {
                "owner" | "user_id" if kind != "targets" => names.user(text),
                // A target's owner is a user or a team.
                "owner" if names.teams.contains_key(text) => names.team(text),
                "owner" => names.user(text),
                "team" => names.team(text),
                "stage" => names.stage(text, lang),
                name => code_label(name, text, lang),
            };
            Cell {
                text: shown,
                href: link_of(kind, field.name, text),
                numeric: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_the_import_headers_in_chinese() {
        assert_eq!(field_label("customers", "customer_id", Lang::Zh), "客户ID");
        assert_eq!(
            field_label("customers", "customer_id", Lang::En),
            "Customer ID"
        );
        assert_eq!(field_label("deals", "lost_reason", Lang::En), "Lost reason");
        assert_eq!(field_label("deals", "updated_at", Lang::Zh), "更新时间");
    }

    #[test]
    fn enumerated_fields_list_their_own_codes_only() {
        assert_eq!(field_codes("customers", "kind"), ["company", "person"]);
        assert_eq!(
            field_codes("activities", "kind"),
            ["call", "visit", "email", "meeting", "message"]
        );
        assert_eq!(field_codes("deals", "status"), ["open", "won", "lost"]);
        assert!(field_codes("customers", "region").is_empty());
    }

    #[test]
    fn references_link_to_their_records() {
        assert_eq!(
            link_of("deals", "customer_id", "c 1/2"),
            Some("/customers/c%201%2F2".into())
        );
        assert_eq!(link_of("customers", "customer_id", "c1"), None);
    }
}
