//! Turning one row of text cells into a domain record, checking every cell;
//! references to other records are checked later, in `validate`.

use salesboard_domain::entities::*;
use salesboard_domain::{Discount, Money, OrgTimeZone, Period, Timestamp, ValidationError};

use super::mapping::{ColumnMapping, ColumnTarget};
use super::problem::Problem;
use super::table::Row;

/// The cells of one row, read by field name, collecting problems as it goes.
pub(crate) struct Cells<'a> {
    pub file: &'a str,
    pub row: &'a Row,
    mapping: &'a ColumnMapping,
    headers: &'a [String],
    pub timezone: OrgTimeZone,
    pub problems: Vec<Problem>,
}

impl<'a> Cells<'a> {
    pub fn new(
        file: &'a str,
        row: &'a Row,
        mapping: &'a ColumnMapping,
        headers: &'a [String],
        timezone: OrgTimeZone,
    ) -> Self {
        Cells {
            file,
            row,
            mapping,
            headers,
            timezone,
            problems: Vec::new(),
        }
    }

    /// The field as people see it: the file's header, with the field name
    /// when they differ (`数量 (quantity)`).
    pub fn label(&self, field: &str) -> String {
        self.mapping.label(self.headers, field)
    }

    /// Records a problem with a field.
    pub fn problem(&mut self, field: &str, reason: impl Into<String>) {
        let label = self.label(field);
        self.problems
            .push(Problem::in_field(self.file, self.row.line, &label, reason));
    }

    /// The trimmed, non-empty text of a field, with the `'` that an export
    /// puts before a formula-like value (ids and names too) taken off again.
    pub fn get(&self, field: &str) -> Option<&'a str> {
        self.mapping
            .column_of(field)
            .and_then(|i| self.row.cells.get(i))
            .map(|cell| crate::export::restore_formula_text(cell.trim()))
            .filter(|cell| !cell.is_empty())
    }

    /// An optional free-text field, owned.
    pub fn text(&self, field: &str) -> Option<String> {
        self.get(field).map(str::to_string)
    }

    /// A required text field; a problem (and an empty string) when missing.
    pub fn required(&mut self, field: &str) -> String {
        match self.get(field) {
            Some(value) => value.to_string(),
            None => {
                self.problem(field, "is required but empty");
                String::new()
            }
        }
    }

    /// An optional field parsed by `parse`; a problem when it does not parse.
    pub fn parsed<T>(
        &mut self,
        field: &str,
        parse: impl Fn(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let value = self.get(field)?;
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                self.problem(field, error.message());
                None
            }
        }
    }

    /// A required field parsed by `parse`.
    pub fn required_parsed<T>(
        &mut self,
        field: &str,
        parse: impl Fn(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        if self.get(field).is_none() {
            self.problem(field, "is required but empty");
            return None;
        }
        self.parsed(field, parse)
    }

    /// A timestamp in the organization's time zone.
    pub fn timestamp(&mut self, field: &str, required: bool) -> Option<Timestamp> {
        let zone = self.timezone;
        if required {
            self.required_parsed(field, |v| zone.parse_timestamp(v))
        } else {
            self.parsed(field, |v| zone.parse_timestamp(v))
        }
    }

    /// Custom fields: the non-empty cells of columns that are not canonical.
    pub fn extra(&self) -> Extra {
        self.mapping
            .columns
            .iter()
            .zip(self.row.cells.iter())
            .filter_map(|(target, cell)| match target {
                ColumnTarget::Extra(header) if !cell.trim().is_empty() && !header.is_empty() => {
                    Some((header.clone(), cell.trim().to_string()))
                }
                _ => None,
            })
            .collect()
    }
}

/// Parses a whole number (`12`, `-1`, `3.0` from a spreadsheet).
pub(crate) fn whole_number(text: &str) -> Result<i64, ValidationError> {
    if let Ok(number) = text.trim().parse::<i64>() {
        return Ok(number);
    }
    let trimmed = text.trim().replace([',', '，'], "");
    trimmed
        .parse::<i64>()
        .ok()
        .or_else(|| trimmed.strip_suffix(".0").and_then(|t| t.parse().ok()))
        .ok_or_else(|| ValidationError::new(format!("\"{text}\" is not a whole number")))
}

/// An e-mail address, lower case.
fn email(text: &str) -> Result<String, ValidationError> {
    salesboard_domain::normalize::email(text)
        .ok_or_else(|| ValidationError::new(format!("\"{text}\" is not an e-mail address")))
}

pub(crate) fn user(cells: &mut Cells) -> User {
    User {
        id: cells.required("user_id"),
        name: cells.required("name"),
        email: cells.parsed("email", email),
        role: cells.parsed("role", Role::parse).unwrap_or(Role::Rep),
        team: cells.text("team"),
        extra: cells.extra(),
    }
}

pub(crate) fn product(cells: &mut Cells) -> Product {
    Product {
        sku: cells.required("sku"),
        name: cells.required("name"),
        category: cells.text("category"),
        unit_price: cells.parsed("unit_price", Money::parse),
        unit_cost: cells.parsed("unit_cost", Money::parse),
        extra: cells.extra(),
    }
}

pub(crate) fn customer(cells: &mut Cells) -> Customer {
    let created_at = cells.timestamp("created_at", true);
    let first_contact_at = cells.timestamp("first_contact_at", false);
    Customer {
        id: cells.required("customer_id"),
        name: cells.required("name"),
        kind: cells.parsed("kind", CustomerKind::parse),
        industry: cells.text("industry"),
        region: cells.text("region"),
        channel: cells.text("channel"),
        owner: cells.text("owner"),
        phone: cells.text("phone"),
        email: cells.parsed("email", email),
        created_at: created_at.unwrap_or(Timestamp::from_unix_seconds(0)),
        first_contact_at,
        extra: cells.extra(),
    }
}

pub(crate) fn contact(cells: &mut Cells) -> Contact {
    Contact {
        id: cells.required("contact_id"),
        customer_id: cells.required("customer_id"),
        name: cells.required("name"),
        title: cells.text("title"),
        phone: cells.text("phone"),
        email: cells.parsed("email", email),
        extra: cells.extra(),
    }
}

/// A deal; its stage is resolved against the pipeline in `validate`.
pub(crate) fn deal(cells: &mut Cells) -> Deal {
    let created_at = cells.timestamp("created_at", true);
    let closed_at = cells.timestamp("closed_at", false);
    let status = cells.required_parsed("status", DealStatus::parse);
    if let (Some(created), Some(closed)) = (created_at, closed_at)
        && closed < created
    {
        cells.problem("closed_at", "is before created_at");
    }
    match (status, closed_at) {
        (Some(DealStatus::Won | DealStatus::Lost), None) if cells.get("closed_at").is_none() => {
            cells.problem("closed_at", "is required for a won or lost deal");
        }
        (Some(DealStatus::Open), Some(_)) => {
            cells.problem("closed_at", "must be empty while the deal is open");
        }
        _ => {}
    }
    Deal {
        id: cells.required("deal_id"),
        customer_id: cells.required("customer_id"),
        owner: cells.text("owner"),
        title: cells.text("title"),
        stage: cells.text("stage").unwrap_or_default(),
        amount: cells.parsed("amount", Money::parse),
        created_at: created_at.unwrap_or(Timestamp::from_unix_seconds(0)),
        closed_at,
        status: status.unwrap_or(DealStatus::Open),
        lost_reason: cells.text("lost_reason"),
        extra: cells.extra(),
    }
}

/// An order with this row as its only line; `validate` merges the rows of one order.
pub(crate) fn order_row(cells: &mut Cells) -> Order {
    let ordered_at = cells.timestamp("ordered_at", true);
    let line = OrderLine {
        sku: cells.text("sku"),
        unit_price: cells
            .required_parsed("unit_price", Money::parse)
            .unwrap_or(Money::ZERO),
        quantity: cells.required_parsed("quantity", whole_number).unwrap_or(0),
        discount: cells
            .parsed("discount", Discount::parse)
            .unwrap_or(Discount::NONE),
    };
    Order {
        id: cells.required("order_id"),
        customer_id: cells.required("customer_id"),
        owner: cells.text("owner"),
        ordered_at: ordered_at.unwrap_or(Timestamp::from_unix_seconds(0)),
        status: cells
            .parsed("status", OrderStatus::parse)
            .unwrap_or(OrderStatus::Completed),
        deal_id: cells.text("deal_id"),
        lines: vec![line],
        extra: cells.extra(),
    }
}

/// An order with no id and no lines, standing for a group without rows.
pub(crate) fn empty_order() -> Order {
    Order {
        id: String::new(),
        customer_id: String::new(),
        owner: None,
        ordered_at: Timestamp::from_unix_seconds(0),
        status: OrderStatus::Completed,
        deal_id: None,
        lines: Vec::new(),
        extra: Extra::new(),
    }
}

pub(crate) fn payment(cells: &mut Cells) -> Payment {
    Payment {
        id: cells.required("payment_id"),
        order_id: cells.required("order_id"),
        amount: cells
            .required_parsed("amount", Money::parse)
            .unwrap_or(Money::ZERO),
        paid_at: cells
            .timestamp("paid_at", true)
            .unwrap_or(Timestamp::from_unix_seconds(0)),
    }
}

pub(crate) fn activity(cells: &mut Cells) -> Activity {
    Activity {
        id: cells.required("activity_id"),
        customer_id: cells.required("customer_id"),
        deal_id: cells.text("deal_id"),
        owner: cells.text("owner"),
        kind: cells.parsed("kind", ActivityKind::parse),
        occurred_at: cells
            .timestamp("occurred_at", true)
            .unwrap_or(Timestamp::from_unix_seconds(0)),
        note: cells.text("note"),
    }
}

fn spend_category(text: &str) -> Result<String, ValidationError> {
    match text.trim().to_lowercase().as_str() {
        "marketing" | "市场" | "营销" | "市场费用" => Ok("marketing".into()),
        "sales" | "销售" | "销售费用" => Ok("sales".into()),
        _ => Err(ValidationError::new(format!(
            "\"{text}\" is not one of: marketing, sales"
        ))),
    }
}

/// A spend row; without a `spend_id` its id is derived from its content and
/// its occurrence (`#2` for the second identical row) in `validate`.
pub(crate) fn spend(cells: &mut Cells) -> Spend {
    let zone = cells.timezone;
    let date = cells
        .required_parsed("date", |v| zone.parse_timestamp(v))
        .map(|at| zone.start_of_day(zone.local_date(at)));
    Spend {
        id: cells.text("spend_id").unwrap_or_default(),
        date: date.unwrap_or(Timestamp::from_unix_seconds(0)),
        channel: cells.text("channel"),
        category: cells.parsed("category", spend_category),
        amount: cells
            .required_parsed("amount", Money::parse)
            .unwrap_or(Money::ZERO),
        campaign: cells.text("campaign"),
    }
}

pub(crate) fn survey(cells: &mut Cells) -> Survey {
    let scale = cells
        .parsed("scale", |v| match whole_number(v)? {
            5 => Ok(SurveyScale::Five),
            10 => Ok(SurveyScale::Ten),
            _ => Err(ValidationError::new(format!(
                "\"{v}\" is not a scale (5 or 10)"
            ))),
        })
        .unwrap_or(SurveyScale::Five);
    let score = cells.required_parsed("score", whole_number);
    if let Some(score) = score
        && !(scale.min()..=scale.max()).contains(&score)
    {
        let (min, max) = (scale.min(), scale.max());
        if scale == SurveyScale::Five && score <= 10 {
            cells.problem(
                "score",
                format!(
                    "{score} is outside the {min}–{max} scale (set scale to 10 for a 0–10 answer)"
                ),
            );
        } else {
            cells.problem("score", format!("{score} is outside the {min}–{max} scale"));
        }
    }
    Survey {
        id: cells.required("response_id"),
        customer_id: cells.text("customer_id"),
        order_id: cells.text("order_id"),
        score: score.unwrap_or(0),
        scale,
        responded_at: cells
            .timestamp("responded_at", true)
            .unwrap_or(Timestamp::from_unix_seconds(0)),
        comment: cells.text("comment"),
    }
}

/// A target; whether the owner is a user or a team is decided in `validate`.
pub(crate) fn target(cells: &mut Cells) -> Target {
    let period = cells
        .required_parsed("period", Period::parse)
        .map(|p| p.to_string());
    let value = cells.required_parsed("target", |v| {
        Money::parse(v).map_err(|_| {
            ValidationError::new(format!("\"{v}\" is not a number with at most two decimals"))
        })
    });
    Target {
        owner: cells.required("owner"),
        owner_kind: TargetOwnerKind::User,
        period: period.unwrap_or_default(),
        metric: cells
            .required_parsed("metric", TargetMetric::parse)
            .unwrap_or(TargetMetric::Revenue),
        value_hundredths: value.map_or(0, Money::cents),
    }
}
