//! Import: bytes → table of text cells → header mapping → validated records,
//! with every problem named by file, line, column and reason.

mod decode;
mod duplicates;
mod kinds;
mod mapping;
mod orders;
mod problem;
mod records;
mod table;
pub mod validate;
mod xlsx;

pub use decode::decode_text;
pub use duplicates::{DuplicateNote, find_duplicates};
pub use kinds::{Field, FileKind};
pub use mapping::{ColumnMapping, ColumnTarget, map_headers};
pub use problem::Problem;
pub use table::{MAX_FILE_BYTES, Row, SourceFile, Table, TableError, read_table};
pub use validate::{ImportOptions, ImportOutcome, RejectedRow, validate};
pub use xlsx::{MAX_XLSX_CELLS, MAX_XLSX_ENTRIES, MAX_XLSX_UNPACKED_BYTES};
