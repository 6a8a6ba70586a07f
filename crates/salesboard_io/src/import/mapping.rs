//! Matching a file's headers to the fields of its kind: English names,
//! Chinese headers, and the user's own mapping (`--map 'Kunde=customer_id'`).

use super::kinds::FileKind;

/// Where one column of the file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnTarget {
    /// A canonical field.
    Field(&'static str),
    /// A custom field, under its header.
    Extra(String),
    /// Left out on the user's word (`--map 'Header=-'`).
    Ignored,
}

/// The columns of one file matched to fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    /// The kind of file.
    pub kind: FileKind,
    /// One target per header, in the file's column order.
    pub columns: Vec<ColumnTarget>,
    /// Problems with the header row itself (a field mapped twice, a user
    /// mapping to an unknown field).
    pub errors: Vec<String>,
}

impl ColumnMapping {
    /// The column index of a field.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|target| matches!(target, ColumnTarget::Field(name) if *name == field))
    }

    /// Required fields that no column provides.
    pub fn missing_required(&self) -> Vec<&'static str> {
        self.kind
            .fields()
            .iter()
            .filter(|f| f.required && self.column_of(f.name).is_none())
            .map(|f| f.name)
            .collect()
    }

    /// How many columns map to canonical fields.
    pub fn mapped_count(&self) -> usize {
        self.columns
            .iter()
            .filter(|t| matches!(t, ColumnTarget::Field(_)))
            .count()
    }

    /// A field as people see it in problems: the file's header, with the
    /// field name when they differ (`数量 (quantity)`); the field alone when
    /// no column holds it.
    pub fn label(&self, headers: &[String], field: &str) -> String {
        match self.column_of(field).and_then(|i| headers.get(i)) {
            Some(header) if header != field => format!("{header} ({field})"),
            _ => field.to_string(),
        }
    }

    /// Headers that are not canonical fields (kept as custom fields or reported).
    pub fn extra_headers(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().filter_map(|t| match t {
            ColumnTarget::Extra(header) => Some(header.as_str()),
            _ => None,
        })
    }
}

/// A header folded for matching: no byte-order mark, no `*` marking a
/// required column, no trailing unit in brackets (`单价(元)`), lower case,
/// without spaces, `_` and `-`.
pub fn normalize_header(header: &str) -> String {
    let mut text = header
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('*')
        .trim();
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        if let Some(stripped) = text.strip_suffix(close)
            && let Some(at) = stripped.rfind(open)
            && at > 0
        {
            text = stripped[..at].trim();
        }
    }
    text.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Matches `headers` to the fields of `kind`; `overrides` are the user's
/// `(header, field)` pairs, where field `-` leaves the column out.
pub fn map_headers(
    kind: FileKind,
    headers: &[String],
    overrides: &[(String, String)],
) -> ColumnMapping {
    let mut errors = Vec::new();
    let fields = kind.fields();
    let mut columns: Vec<ColumnTarget> = headers
        .iter()
        .map(|header| {
            let wanted = normalize_header(header);
            if let Some((_, target)) = overrides.iter().find(|(h, _)| normalize_header(h) == wanted) {
                if target.trim() == "-" {
                    return ColumnTarget::Ignored;
                }
                return match fields.iter().find(|f| f.name == target.trim()) {
                    Some(field) => ColumnTarget::Field(field.name),
                    None => {
                        errors.push(format!(
                            "--map {header}={target}: {} files have no field \"{target}\" (fields: {})",
                            kind.name(),
                            fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                        ));
                        ColumnTarget::Ignored
                    }
                };
            }
            fields
                .iter()
                .find(|f| {
                    normalize_header(f.name) == wanted
                        || f.aliases.iter().any(|alias| normalize_header(alias) == wanted)
                })
                .map_or_else(|| ColumnTarget::Extra(header.trim().to_string()), |f| ColumnTarget::Field(f.name))
        })
        .collect();
    for field in fields {
        let at: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == ColumnTarget::Field(field.name))
            .map(|(i, _)| i)
            .collect();
        if at.len() > 1 {
            let names: Vec<&str> = at
                .iter()
                .filter_map(|i| headers.get(*i).map(String::as_str))
                .collect();
            errors.push(format!(
                "columns {} all map to field {}; keep one (--map 'HEADER=-' leaves a column out)",
                names.join(", "),
                field.name
            ));
            for index in at.into_iter().skip(1) {
                columns[index] = ColumnTarget::Ignored;
            }
        }
    }
    ColumnMapping {
        kind,
        columns,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn english_and_chinese_headers_map_to_the_same_fields() {
        let english = map_headers(
            FileKind::Payments,
            &headers(&["payment_id", "Order ID", "amount", "paid_at"]),
            &[],
        );
        let chinese = map_headers(
            FileKind::Payments,
            &headers(&["回款ID", "订单ID", "金额(元)", "*回款时间"]),
            &[],
        );
        assert_eq!(english.columns, chinese.columns);
        assert!(english.missing_required().is_empty());
    }

    #[test]
    fn unknown_headers_become_custom_fields_and_missing_required_ones_are_named() {
        let mapping = map_headers(
            FileKind::Customers,
            &headers(&["customer_id", "微信", "name"]),
            &[],
        );
        assert_eq!(mapping.extra_headers().collect::<Vec<_>>(), ["微信"]);
        assert_eq!(mapping.missing_required(), ["created_at"]);
    }

    #[test]
    fn the_users_mapping_wins_and_can_leave_a_column_out() {
        let overrides = vec![
            ("Kunde".to_string(), "customer_id".to_string()),
            ("Notiz".to_string(), "-".to_string()),
        ];
        let mapping = map_headers(FileKind::Orders, &headers(&["Kunde", "Notiz"]), &overrides);
        assert_eq!(
            mapping.columns,
            [ColumnTarget::Field("customer_id"), ColumnTarget::Ignored]
        );
        let wrong = map_headers(
            FileKind::Orders,
            &headers(&["Kunde"]),
            &[("Kunde".into(), "client".into())],
        );
        assert!(wrong.errors[0].contains("no field \"client\""));
    }

    #[test]
    fn two_columns_for_one_field_are_an_error() {
        let mapping = map_headers(
            FileKind::Products,
            &headers(&["sku", "产品编号", "name"]),
            &[],
        );
        assert_eq!(mapping.errors.len(), 1);
        assert!(mapping.errors[0].contains("sku, 产品编号"));
    }
}
