//! A problem found in an imported file, named by file, line, column and reason.

use std::fmt;

use serde::Serialize;

/// One problem with one row (or with a file's header row, line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The line (row in a sheet); 1 is the header.
    pub line: usize,
    /// The field (canonical name), when the problem is in one cell.
    pub field: Option<String>,
    /// Why, for people.
    pub reason: String,
}

impl Problem {
    /// A problem with a cell.
    pub fn in_field(file: &str, line: usize, field: &str, reason: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    /// A problem with a whole row or file.
    pub fn in_row(file: &str, line: usize, reason: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            field: None,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(
                f,
                "{}: line {}: {}: {}",
                self.file, self.line, field, self.reason
            ),
            None => write!(f, "{}: line {}: {}", self.file, self.line, self.reason),
        }
    }
}
