//! Reading CSV and JSON files as rows of named fields, each with its line number, so
//! every importer shares one way of locating an error.

use super::Format;
use super::columns::{Binding, Column, HeaderError, Layout, bind};
use super::error::{FieldError, ImportError, cut, quoted, some_names};
use rustc_hash::FxHashSet as HashSet;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// One record of a file, seen through an importer's columns.
pub struct Row<'a> {
    line: u64,
    fields: Fields<'a>,
    positions: &'a [Option<usize>],
}

enum Fields<'a> {
    Csv(&'a csv::StringRecord),
    Json(&'a [Option<String>]),
}

impl Row<'_> {
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The trimmed value of known column `column`; `None` when absent or empty.
    pub fn get(&self, column: usize) -> Option<&str> {
        let i = self.positions[column]?;
        let value = match &self.fields {
            Fields::Csv(record) => record.get(i),
            Fields::Json(values) => values.get(i).and_then(|v| v.as_deref()),
        }?;
        let value = value.trim();
        (!value.is_empty()).then_some(value)
    }
}

/// Calls `each` for every record of `bytes`, read as `format` through `columns`.
///
/// Returns the header binding, so the caller can say which columns it dropped.
pub fn read(
    file: &str,
    bytes: &[u8],
    format: Format,
    layout: &Layout,
    each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    match format {
        Format::Csv => read_csv(file, bytes, layout.columns, each),
        Format::Json => read_json(file, bytes, layout.json_key, layout.columns, each),
    }
}

fn error(file: &str, line: Option<u64>, field: Option<&str>, message: impl Into<String>) -> ImportError {
    ImportError { file: file.to_owned(), line, field: field.map(str::to_owned), message: message.into() }
}

fn header_error(file: &str, line: Option<u64>, e: HeaderError) -> ImportError {
    match e {
        HeaderError::Missing { column, found } => {
            error(file, line, Some(column), format!("required column is missing (found: {})", some_names(&found)))
        }
        HeaderError::Repeated { column, first } if column.trim() == first.trim() => {
            error(file, line, Some(&cut(&column)), "column appears more than once")
        }
        HeaderError::Repeated { column, first } => error(
            file,
            line,
            Some(&cut(&column)),
            format!("names the same column as {}; keep one of them", quoted(&first)),
        ),
    }
}

fn field_error(file: &str, line: u64, e: FieldError) -> ImportError {
    error(file, Some(line), Some(e.field), e.message)
}

fn read_csv(
    file: &str,
    bytes: &[u8],
    columns: &[Column],
    mut each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    // Flexible, so that a line of spaces reads as the blank line it looks like; the
    // number of fields is checked below.
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(bytes);
    // The csv crate's own line numbers are those of the end of the previous record: one
    // short after a CRLF line end or a blank line. Count lines from byte offsets instead.
    let mut lines = LineCounter::new(bytes);
    let header_record = reader.headers().map_err(|e| csv_error(file, e, &mut lines))?;
    let header: Vec<String> = header_record.iter().map(str::to_owned).collect();
    if header.iter().all(|h| h.is_empty()) {
        // A file of blank lines has no header line at all: name its first line.
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        let line = if blank { 1 } else { lines.record_line(header_record.position()) };
        return Err(error(file, Some(line), None, "has no header line naming its columns"));
    }
    let header_line = lines.record_line(header_record.position());
    let binding = bind(columns, &header).map_err(|e| {
        let missing = matches!(e, HeaderError::Missing { .. });
        let mut err = header_error(file, Some(header_line), e);
        if let Some(sep) = other_separator(&header).filter(|_| missing) {
            err.message.push_str(&format!("; the header looks separated by '{sep}', and retro reads commas"));
        }
        err
    })?;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| csv_error(file, e, &mut lines))? {
        let line = lines.record_line(record.position());
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() != header.len() {
            let fields = if record.len() == 1 { "field" } else { "fields" };
            let mut message = format!("has {} {fields} where the header has {}", record.len(), header.len());
            if opens_an_unclosed_quote(bytes, record.position()) {
                message.push_str("; a quote (\") opens a value there that is never closed");
            }
            return Err(error(file, Some(line), None, message));
        }
        // A NUL byte is no text a tool means to export (and C tools cut a value there).
        if let Some(i) = record.iter().position(|value| value.contains('\0')) {
            let name = header[i].trim();
            let field = if name.is_empty() { format!("field {}", i + 1) } else { cut(name).into_owned() };
            return Err(error(file, Some(line), Some(&field), NUL_MESSAGE));
        }
        let row = Row { line, fields: Fields::Csv(&record), positions: &binding.positions };
        each(&row).map_err(|e| field_error(file, line, e))?;
    }
    Ok(binding)
}

const NUL_MESSAGE: &str = "holds a NUL byte (\\0), which text never holds; remove it from the file";

/// The separator a one-column header seems to use instead of commas.
fn other_separator(header: &[String]) -> Option<char> {
    match header {
        [only] => [';', '\t', '|'].into_iter().find(|&sep| only.contains(sep)),
        _ => None,
    }
}

/// Whether the record at `position` runs to the end of the file inside a quote: the
/// csv crate then reads everything after the quote as one value.
fn opens_an_unclosed_quote(bytes: &[u8], position: Option<&csv::Position>) -> bool {
    let Some(start) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
        return false;
    };
    let rest = bytes.get(start..).unwrap_or_default();
    rest.iter().filter(|&&b| b == b'"').count() % 2 == 1
}

fn csv_error(file: &str, e: csv::Error, lines: &mut LineCounter<'_>) -> ImportError {
    let line = e.position().map(|p| lines.record_line(Some(p)));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_owned(),
        _ => format!("is not valid CSV: {e}"),
    };
    error(file, line, None, message)
}

fn read_json(
    file: &str,
    bytes: &[u8],
    json_key: &str,
    columns: &[Column],
    mut each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
        error(file, Some(line), None, "is not valid UTF-8 text")
    })?;
    // A byte order mark (as some Windows tools write) is not JSON; the CSV reader skips it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json_error = |e: serde_json::Error| error(file, Some(e.line() as u64), None, format!("is not valid JSON: {e}"));
    let expected = format!("expected a JSON array of objects, or an object with a \"{json_key}\" array");
    // Records are kept as raw text first so each one's line can be found from its offset.
    let records: Vec<&RawValue> = match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(text).map_err(json_error)?,
        Some(b'{') => {
            let top: std::collections::HashMap<String, &RawValue> = serde_json::from_str(text).map_err(json_error)?;
            let Some(inner) = top.get(json_key) else {
                return Err(error(file, Some(1), None, expected));
            };
            serde_json::from_str(inner.get()).map_err(|_| error(file, Some(1), None, expected.clone()))?
        }
        _ => return Err(error(file, Some(1), None, expected)),
    };

    let mut lines = LineCounter::new(text.as_bytes());
    // Every key of every record, in the order first seen; the set keeps this linear in
    // the number of keys (a record of 100,000 keys is one pass, not 100,000 scans).
    let mut header: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::default();
    let mut objects = Vec::with_capacity(records.len());
    for raw in &records {
        let line = lines.line_at(raw.get());
        objects.push((line, parse_record(file, line, raw.get())?));
    }
    for (_, object) in &objects {
        for key in object.keys() {
            if seen.insert(key.as_str()) {
                header.push(key.clone());
            }
        }
    }
    drop(seen);
    if objects.is_empty() {
        // No records, so no columns to check: like a CSV file with only its header.
        return Ok(Binding { positions: vec![None; columns.len()], ..Binding::default() });
    }
    let binding = bind(columns, &header).map_err(|e| header_error(file, objects.first().map(|o| o.0), e))?;
    // Only the columns retro reads are taken out of each record, by key: the work per
    // record does not grow with the keys of other records.
    let bound: Vec<(usize, &str)> =
        binding.positions.iter().enumerate().filter_map(|(c, p)| p.map(|p| (c, header[p].as_str()))).collect();
    let positions: Vec<Option<usize>> = binding.positions.iter().enumerate().map(|(c, p)| p.map(|_| c)).collect();
    let mut values: Vec<Option<String>> = vec![None; columns.len()];
    for (line, mut object) in objects {
        for &(c, key) in &bound {
            values[c] = match object.remove(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s),
                Some(Value::Object(_) | Value::Array(_)) => {
                    // Never stored as text: a nested object is where webhook payloads keep
                    // people (a deployment's `creator`, its `login` and `email`).
                    return Err(error(
                        file,
                        Some(line),
                        Some(columns[c].name),
                        "must be a string, a number or a boolean, not a JSON object or array",
                    ));
                }
                Some(other) => Some(other.to_string()),
            };
            if values[c].as_deref().is_some_and(|v| v.contains('\0')) {
                return Err(error(file, Some(line), Some(columns[c].name), NUL_MESSAGE));
            }
        }
        let row = Row { line, fields: Fields::Json(&values), positions: &positions };
        each(&row).map_err(|e| field_error(file, line, e))?;
    }
    Ok(binding)
}

/// How deep serde_json reads nested values (its recursion limit), counting the record.
const JSON_DEPTH: usize = 128;

/// Parses one record (the raw text of an array element starting on `line`), naming the
/// key whose value could not be read.
fn parse_record(file: &str, line: u64, raw: &str) -> Result<Map<String, Value>, ImportError> {
    if !raw.starts_with('{') {
        return Err(error(file, Some(line), None, "each record must be a JSON object"));
    }
    let key = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(raw);
    RecordSeed { key: &key }.deserialize(&mut de).map_err(|e| {
        let at = line + (e.line() as u64).saturating_sub(1);
        let field = key.borrow().as_deref().map(|k: &str| cut(k).into_owned());
        let text = e.to_string();
        let message = if text.starts_with("recursion limit exceeded") {
            format!("is nested more than {JSON_DEPTH} levels deep; retro reads JSON nested at most {JSON_DEPTH} levels")
        } else if text.starts_with("number out of range") {
            let number = number_before(raw, e.line(), e.column());
            format!("{} is a number out of range: beyond ±1.8e308, the largest a 64-bit float holds", quoted(number))
        } else {
            format!("is not valid JSON: {e}")
        };
        error(file, Some(at), field.as_deref(), message)
    })
}

/// The number token that ends at (1-based) `line` and `column` of `raw`, where
/// serde_json stops on a number it cannot hold.
fn number_before(raw: &str, line: usize, column: usize) -> &str {
    let line_start =
        if line <= 1 { 0 } else { raw.match_indices('\n').nth(line - 2).map_or(raw.len(), |(i, _)| i + 1) };
    let end = (line_start + column).min(raw.len());
    let is_number = |b: &u8| b.is_ascii_digit() || b"+-.eE".contains(b);
    let bytes = raw.as_bytes();
    let end = end + bytes[end..].iter().take_while(|b| is_number(b)).count();
    let start = end - bytes[..end].iter().rev().take_while(|b| is_number(b)).count();
    &raw[start..end]
}

/// Reads a record's keys one by one into a map, leaving the key being read in `key`.
struct RecordSeed<'k> {
    key: &'k RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            *self.key.borrow_mut() = Some(key);
            let value: Value = map.next_value()?;
            let key = self.key.borrow_mut().take().expect("the key was just set");
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// Finds the line of a position in `text`, for positions visited in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter { text, offset: 0, line: 1 }
    }

    /// The line of `slice`, a part of `text`.
    fn line_at(&mut self, slice: &str) -> u64 {
        let at = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.line_at_offset(at)
    }

    /// The line of byte `at` of `text`.
    fn line_at_offset(&mut self, at: usize) -> u64 {
        let at = at.min(self.text.len());
        if at >= self.offset {
            self.line += self.text[self.offset..at].iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = at;
        }
        self.line
    }

    /// The line where a CSV record starts. The csv crate places a record where the
    /// previous one ended, before any line end and blank lines it skipped.
    fn record_line(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(start) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
            return self.line;
        };
        let skipped =
            self.text.get(start..).unwrap_or_default().iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        self.line_at_offset(start + skipped)
    }
}
