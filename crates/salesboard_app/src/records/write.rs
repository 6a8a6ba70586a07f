//! Creating and changing one record. The JSON body is checked against the
//! policy (owners and references within the caller's reach), then turned into
//! an import row and validated by the import's own rules, so the API and the
//! files accept exactly the same records; the write keeps an audit entry with
//! the record before and after.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use salesboard_io::export::restore_formula_text;
use salesboard_io::import::{FileKind, ImportOptions, Row, Table, validate};
use salesboard_store::KnownIds;
use salesboard_store::records::{
    CUSTOMERS, DEALS, ListQuery, ORDER_LINES, ORDERS, PRODUCTS, RecordKind, RowScope, TARGETS,
    TEAMS, USERS, Value,
};
use salesboard_store::{RecordAudit, Store, WriteContext};
use serde_json::{Map, Value as Json};

use super::json::{cell_text, check_type};
use super::{RecordError, get_within, is_writable};
use crate::policy::{self, Action, Actor, may_assign};
use crate::settings;

/// The import file kind that holds records of `kind`.
fn file_kind(kind: &RecordKind) -> Result<FileKind, RecordError> {
    FileKind::parse(kind.name).ok_or_else(|| {
        RecordError::Forbidden(format!("{} are not written through the API", kind.name))
    })
}

/// Creates a record; its key is generated when the body has none.
pub async fn create(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    body: Map<String, Json>,
) -> Result<Map<String, Json>, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Create).await?;
    let mut record = writable_fields(kind, body)?;
    let key_name = kind.key_field().name;
    if kind.name == TARGETS.name {
        // A target's key is its owner, period and metric.
    } else if record.get(key_name).is_none_or(Json::is_null) {
        record.insert(key_name.into(), Json::String(new_key(kind)));
    }
    if kind.field("owner").is_some() && kind.name != TARGETS.name && !record.contains_key("owner") {
        record.insert("owner".into(), Json::String(actor.user_id.clone()));
    }
    let key = record_key(kind, &record)?;
    if get_within(store, kind, &RowScope::All, &key)
        .await?
        .is_some()
    {
        return Err(RecordError::Conflict(format!(
            "{key_name} \"{key}\" is already taken"
        )));
    }
    check_references(store, actor, kind, &scope, &record, None).await?;
    save(store, actor, kind, "create", &key, None, record).await
}

/// Changes the fields the body names; the others keep their values.
pub async fn update(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    key: &str,
    patch: Map<String, Json>,
) -> Result<Map<String, Json>, RecordError> {
    let scope = policy::scope(store, actor, kind, Action::Update).await?;
    let before = get_within(store, kind, &scope, key)
        .await?
        .ok_or(RecordError::NotFound)?;
    let mut record = before.clone();
    record.retain(|name, _| is_writable(kind, name));
    for (name, value) in writable_fields(kind, patch)? {
        record.insert(name, value);
    }
    if record_key(kind, &record)? != key {
        return Err(RecordError::invalid(
            kind.key_field().name,
            "cannot be changed",
        ));
    }
    check_references(store, actor, kind, &scope, &record, Some(&before)).await?;
    save(store, actor, kind, "update", key, Some(before), record).await
}

/// The body's writable fields; read-only fields are ignored, unknown ones refused.
fn writable_fields(
    kind: &RecordKind,
    body: Map<String, Json>,
) -> Result<Map<String, Json>, RecordError> {
    let mut fields = Map::new();
    for (name, value) in body {
        if let Some(field) = kind.field(&name).filter(|f| f.writable) {
            check_type(&name, field.ty, &value)?;
        }
        if name == "lines" {
            check_lines(&value)?;
        }
        if is_writable(kind, &name) {
            fields.insert(name, value);
        } else if kind.field(&name).is_none() && name != "lines" {
            return Err(RecordError::invalid(&name, "is not a field of this record"));
        }
    }
    Ok(fields)
}

/// An order's `lines`: a list of objects with the line fields, each of its type.
fn check_lines(value: &Json) -> Result<(), RecordError> {
    let Json::Array(lines) = value else {
        return Err(RecordError::invalid(
            "lines",
            "must be a list of order lines",
        ));
    };
    for (index, line) in lines.iter().enumerate() {
        let Json::Object(line) = line else {
            return Err(RecordError::invalid(
                &format!("lines[{index}]"),
                "must be an object",
            ));
        };
        for (name, value) in line {
            let label = format!("lines[{index}].{name}");
            match ORDER_LINES.field(name).filter(|f| f.name != "order_id") {
                Some(field) => check_type(&label, field.ty, value)?,
                None => {
                    return Err(RecordError::invalid(
                        &label,
                        "is not a field of an order line",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A text field as the importer reads it: trimmed, and without the `'` an
/// export puts before formula-like text, so that a key or reference is
/// looked up as it will be stored.
fn text_of(record: &Map<String, Json>, field: &str) -> Result<Option<String>, RecordError> {
    match record.get(field) {
        None => Ok(None),
        Some(value) => Ok(cell_text(field, value)?
            .map(|t| restore_formula_text(t.trim()).to_string())
            .filter(|t| !t.is_empty())),
    }
}

/// The key of a record body (for targets: `owner:period:metric`).
fn record_key(kind: &RecordKind, record: &Map<String, Json>) -> Result<String, RecordError> {
    if kind.name == TARGETS.name {
        let part = |field| {
            text_of(record, field)?.ok_or_else(|| RecordError::invalid(field, "is required"))
        };
        return Ok(format!(
            "{}:{}:{}",
            part("owner")?,
            part("period")?,
            part("metric")?
        ));
    }
    let name = kind.key_field().name;
    text_of(record, name)?.ok_or_else(|| RecordError::invalid(name, "is required"))
}

fn new_key(kind: &RecordKind) -> String {
    let prefix = kind.name.chars().next().unwrap_or('r').to_ascii_uppercase();
    let number: u64 = StdRng::from_os_rng().random();
    format!("{prefix}-{number:016x}")
}

/// A new or changed owner, and new or changed references, must be within
/// the caller's reach; a reference the caller may not see reads like one
/// that does not exist.
async fn check_references(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    scope: &RowScope,
    record: &Map<String, Json>,
    before: Option<&Map<String, Json>>,
) -> Result<(), RecordError> {
    let changed = |field: &str| before.is_none_or(|b| b.get(field) != record.get(field));
    if changed("owner") && kind.field("owner").is_some() {
        let owner = text_of(record, "owner")?;
        let allowed = if kind.name == TARGETS.name {
            let team_target = matches!(
                (scope, owner.as_deref()),
                (RowScope::Owners { team: Some(team), .. }, Some(owner)) if team == owner
            );
            team_target || may_assign(scope, owner.as_deref(), false)
        } else {
            may_assign(scope, owner.as_deref(), kind.name == CUSTOMERS.name)
        };
        if !allowed {
            return Err(RecordError::Forbidden(format!(
                "you may not make \"{}\" the owner",
                owner.unwrap_or_default()
            )));
        }
    }
    for (field, target, noun) in [
        ("customer_id", CUSTOMERS, "customer"),
        ("deal_id", DEALS, "deal"),
        ("order_id", ORDERS, "order"),
    ] {
        if field == kind.key_field().name || kind.field(field).is_none() || !changed(field) {
            continue;
        }
        let Some(id) = text_of(record, field)? else {
            continue;
        };
        let visible = policy::scope(store, actor, &target, Action::Read).await?;
        if store.get_record(&target, &visible, &id).await?.is_none() {
            return Err(RecordError::invalid(
                field,
                format!("there is no {noun} \"{id}\""),
            ));
        }
    }
    Ok(())
}

/// Validates the record as an import row and writes it with its audit entry.
async fn save(
    store: &impl Store,
    actor: &Actor,
    kind: &RecordKind,
    action: &str,
    key: &str,
    before: Option<Map<String, Json>>,
    record: Map<String, Json>,
) -> Result<Map<String, Json>, RecordError> {
    let file_kind = file_kind(kind)?;
    let table = import_table(file_kind, &record)?;
    let options = ImportOptions {
        timezone: settings::timezone(store).await?,
        overrides: Vec::new(),
        skip_invalid: false,
    };
    let known = known_for(store, &table).await?;
    let outcome = validate(&[(file_kind, table)], &known, &[], &options);
    if let Some(problem) = outcome.problems.first() {
        return Err(RecordError::Invalid {
            field: problem.field.clone().unwrap_or_else(|| "body".into()),
            message: problem.reason.clone(),
        });
    }
    let context = WriteContext {
        actor: Some(actor.user_id.clone()),
        source: format!("api {action} {}", kind.name),
        record: Some(RecordAudit {
            action: action.into(),
            entity: kind.name.into(),
            entity_id: key.into(),
            before: before.map(|b| Json::Object(b).to_string()),
            after: Some(Json::Object(record).to_string()),
        }),
    };
    store.write_dataset(&outcome.dataset, &context).await?;
    get_within(store, kind, &RowScope::All, key)
        .await?
        .ok_or(RecordError::NotFound)
}

/// What validating `table` needs to know of the stored records: every user,
/// e-mail and team (small tables), and of customers, products, deals and
/// orders only those the rows name, so that one write reads a few rows, not
/// every id of a large database.
async fn known_for(store: &impl Store, table: &Table) -> Result<KnownIds, RecordError> {
    let mut known = KnownIds {
        stages: store.pipeline_stages().await?,
        ..KnownIds::default()
    };
    let everything = ListQuery {
        filters: Vec::new(),
        search: None,
        sort: None,
        offset: 0,
        limit: i64::MAX,
    };
    for row in store
        .list_records(&USERS, &RowScope::All, &everything)
        .await?
        .rows
    {
        let text = |index: usize| match row.get(index) {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        };
        let (Some(id), email) = (text(0), text(2)) else {
            continue;
        };
        if let Some(email) = email {
            known.user_emails.insert(email.to_lowercase(), id.clone());
        }
        known.users.insert(id);
    }
    for row in store
        .list_records(&TEAMS, &RowScope::All, &everything)
        .await?
        .rows
    {
        if let Some(Value::Text(id)) = row.first() {
            known.teams.insert(id.clone());
        }
    }
    let column = |name: &str| table.headers.iter().position(|h| h == name);
    let named = |name: &str| -> Vec<String> {
        column(name)
            .map(|index| {
                table
                    .rows
                    .iter()
                    .filter_map(|row| row.cells.get(index))
                    .map(|cell| restore_formula_text(cell.trim()).to_string())
                    .filter(|cell| !cell.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    for (field, kind, set) in [
        ("customer_id", CUSTOMERS, &mut known.customers),
        ("sku", PRODUCTS, &mut known.products),
        ("deal_id", DEALS, &mut known.deals),
        ("order_id", ORDERS, &mut known.orders),
    ] {
        for id in named(field) {
            if !set.contains(&id)
                && store
                    .get_record(&kind, &RowScope::All, &id)
                    .await?
                    .is_some()
            {
                set.insert(id);
            }
        }
    }
    Ok(known)
}

/// The record as rows of an import file of its kind (an order: one per line).
fn import_table(kind: FileKind, record: &Map<String, Json>) -> Result<Table, RecordError> {
    let headers: Vec<String> = kind.fields().iter().map(|f| f.name.to_string()).collect();
    let mut rows = Vec::new();
    let lines: Vec<Map<String, Json>> = match (kind, record.get("lines")) {
        (FileKind::Orders, Some(Json::Array(lines))) => lines
            .iter()
            .map(|line| match line {
                Json::Object(line) => Ok(line.clone()),
                _ => Err(RecordError::invalid("lines", "must be a list of objects")),
            })
            .collect::<Result<_, _>>()?,
        (FileKind::Orders, _) => {
            return Err(RecordError::invalid(
                "lines",
                "an order needs at least one line",
            ));
        }
        _ => vec![Map::new()],
    };
    if lines.is_empty() {
        return Err(RecordError::invalid(
            "lines",
            "an order needs at least one line",
        ));
    }
    for (index, line) in lines.iter().enumerate() {
        let mut cells = Vec::with_capacity(headers.len());
        for header in &headers {
            let value = line
                .get(header.as_str())
                .or_else(|| record.get(header.as_str()));
            let field = if line.contains_key(header.as_str()) {
                format!("lines[{index}].{header}")
            } else {
                header.clone()
            };
            cells.push(
                value
                    .map(|v| cell_text(&field, v))
                    .transpose()?
                    .flatten()
                    .unwrap_or_default(),
            );
        }
        rows.push(Row {
            line: index + 2,
            cells: csv::StringRecord::from(cells),
        });
    }
    Ok(Table {
        file: "request".into(),
        encoding: "UTF-8",
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_store;
    use salesboard_domain::Role;
    use salesboard_store::records::SPEND;
    use serde_json::json;

    fn admin() -> Actor {
        Actor {
            user_id: "u-admin".into(),
            name: "Wang Fang".into(),
            role: Role::Admin,
            team_id: None,
            language: None,
        }
    }

    fn body(value: Json) -> Map<String, Json> {
        match value {
            Json::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[tokio::test]
    async fn a_key_written_with_an_export_quote_is_created_under_the_key_stored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let spend = body(json!({
            "spend_id": "'-alert('x')-'",
            "date": "2024-03-01",
            "channel": "search",
            "amount": "10.00",
        }));
        let created = create(&store, &admin(), &SPEND, spend.clone())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(created["spend_id"], json!("-alert('x')-'"));
        assert_eq!(created["channel"], json!("search"));
        let again = create(&store, &admin(), &SPEND, spend).await;
        assert!(
            matches!(&again, Err(RecordError::Conflict(m)) if m == "spend_id \"-alert('x')-'\" is already taken"),
            "{again:?}"
        );
    }

    #[tokio::test]
    async fn a_reference_written_with_an_export_quote_names_the_record_stored() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = tiny_store(&dir).await;
        let customer = body(json!({
            "customer_id": "'=c-quoted",
            "name": "Quoted Co",
            "created_at": "2024-03-01T10:00:00+08:00",
        }));
        create(&store, &admin(), &CUSTOMERS, customer)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let deal = body(json!({
            "deal_id": "d-quoted",
            "customer_id": "'=c-quoted",
            "title": "A deal",
            "created_at": "2024-03-02T10:00:00+08:00",
            "status": "open",
        }));
        let created = create(&store, &admin(), &DEALS, deal)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(created["customer_id"], json!("=c-quoted"));
    }
}
