//! Importers: CSV and JSON files become domain values, validated row by row, and a git
//! repository's history becomes deployments and changes ([`git`]). Loading them into the
//! store is the store's job, in one transaction per import.

mod api_json;
mod columns;
pub mod devlake;
mod error;
mod events;
mod fields;
pub mod git;
mod id_map;
mod load;
pub mod mapping;
mod pipeline;
mod records;
mod samples;
mod seen_ids;
pub mod sources;
pub mod tools;

pub use columns::identifies_a_person;
pub use error::{ImportError, some_names};
pub use events::{parse_changes, parse_deployments, parse_incidents};
pub use load::{
    ImportKind, ImportSummary, LoadError, import_bytes, import_bytes_linking, import_file_linking, import_input,
};
pub use records::Input;
pub use samples::{ParsedSamples, parse_samples};

use columns::Layout;
use error::FieldError;
use records::Row;
use std::path::Path;

/// The file formats importers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// The format a file's extension names, if it names one.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Rows read from one file, and the columns that were not kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    /// Columns dropped because they identify a person: retro keeps team-level data only.
    pub person_columns: Vec<String>,
    /// Columns retro does not use.
    pub unused_columns: Vec<String>,
}

/// Reads a whole file for an importer, naming the file in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|e| ImportError {
        file: path.display().to_string(),
        line: None,
        field: None,
        message: format!("cannot be read: {e}"),
    })
}

/// Reads every row with `parse` and hands it to `sink`, refusing an id that appears
/// twice in one file. Returns the header binding (what was dropped or unused).
fn each_row<T>(
    file: &str,
    input: Input<'_>,
    format: Format,
    layout: &Layout,
    parse: impl Fn(&Row<'_>) -> Result<T, FieldError>,
    id_of: impl Fn(&T) -> &str,
    mut sink: impl FnMut(T),
) -> Result<columns::Binding, ImportError> {
    // 48 bits of a keyed hash of every id, not the ids: about 4.5 bytes a row. A
    // repeated hash is checked by reading the file again up to that row, which also
    // finds the first line.
    let mut seen = seen_ids::SeenIds::new();
    let mut rows = 0;
    records::read(file, input, format, layout, |row| {
        let value = parse(row)?;
        rows += 1;
        let id = id_of(&value);
        if !seen.insert(id)
            && let Some(first) = first_line_of(file, input, format, layout, &parse, &id_of, id, rows - 1)
        {
            return Err(FieldError::new(
                "id",
                format!("{} appears more than once in this file (first on line {first})", error::quoted(id)),
            ));
        }
        sink(value);
        Ok(())
    })
}

/// The line of the first row, among the `before` first ones, whose id is `id`.
#[allow(clippy::too_many_arguments)]
fn first_line_of<T>(
    file: &str,
    input: Input<'_>,
    format: Format,
    layout: &Layout,
    parse: &impl Fn(&Row<'_>) -> Result<T, FieldError>,
    id_of: &impl Fn(&T) -> &str,
    id: &str,
    before: usize,
) -> Option<u64> {
    let mut found = None;
    let mut rows = 0;
    // Every row before `before` was read without error once already; an error here is
    // how the search stops.
    let _ = records::read(file, input, format, layout, |row| {
        if rows == before {
            return Err(FieldError::new("id", String::new()));
        }
        rows += 1;
        if parse(row).is_ok_and(|value| id_of(&value) == id) {
            found = Some(row.line());
            return Err(FieldError::new("id", String::new()));
        }
        Ok(())
    });
    found
}

/// Collects what [`each_row`] reads.
fn collect_rows<T>(
    read: impl FnOnce(&mut dyn FnMut(T)) -> Result<columns::Binding, ImportError>,
) -> Result<Parsed<T>, ImportError> {
    let mut rows = Vec::new();
    let binding = read(&mut |row| rows.push(row))?;
    Ok(Parsed { rows, person_columns: binding.person_columns, unused_columns: binding.unused_columns })
}
