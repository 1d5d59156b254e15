//! Reading CSV and JSON files as rows of named fields, each with its line number, so
//! every importer shares one way of locating an error.

use super::Format;
use super::columns::{Binding, Column, HeaderError, Layout, bind};
use super::error::{FieldError, ImportError, cut, quoted, some_names};
use rustc_hash::FxHashSet as HashSet;
use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

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

    /// Whether the file has known column `column` (for JSON, the key in any record).
    pub fn has(&self, column: usize) -> bool {
        self.positions[column].is_some()
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

/// Where an importer reads a file from: bytes already in memory, or a file on disk that
/// is read as a stream (each pass opens it again), so an import's memory does not grow
/// with the file.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Bytes(&'a [u8]),
    File(&'a std::path::Path),
    /// `original` with its first `from` bytes read as `header` instead: a CSV file whose
    /// header `--map` renamed, still read as a stream.
    Renamed {
        header: &'a [u8],
        from: u64,
        original: &'a Input<'a>,
    },
}

impl<'a> From<&'a [u8]> for Input<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Input::Bytes(bytes)
    }
}

impl Input<'_> {
    /// A new reader from the first byte.
    fn open(&self) -> std::io::Result<Box<dyn BufRead + '_>> {
        match self {
            Input::Bytes(bytes) => Ok(Box::new(*bytes)),
            Input::File(path) => {
                let file = File::open(path)?;
                // A folder opens on Unix and fails only when read, as "not valid CSV".
                if file.metadata()?.is_dir() {
                    return Err(std::io::Error::other("it is a folder"));
                }
                Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
            }
            Input::Renamed { header, from, original } => {
                let mut rest = original.open()?;
                let skipped = std::io::copy(&mut rest.by_ref().take(*from), &mut std::io::sink())?;
                if skipped < *from {
                    return Err(std::io::Error::other("it changed while it was read"));
                }
                Ok(Box::new(header.chain(rest)))
            }
        }
    }

    /// Every byte, for the few imports that read a file whole (metric values).
    pub fn read_all(&self, file: &str) -> Result<Vec<u8>, ImportError> {
        let mut bytes = Vec::new();
        self.reader(file)?
            .read_to_end(&mut bytes)
            .map_err(|e| error(file, None, None, format!("cannot be read: {e}")))?;
        Ok(bytes)
    }

    /// [`Self::open`], naming the file in the error.
    pub(super) fn reader(&self, file: &str) -> Result<Box<dyn BufRead + '_>, ImportError> {
        self.open().map_err(|e| error(file, None, None, format!("cannot be read: {e}")))
    }

    /// Whether every byte is white space (a file of blank lines).
    fn all_whitespace(&self) -> bool {
        self.open().is_ok_and(|r| r.bytes().all(|b| b.is_ok_and(|b| b.is_ascii_whitespace())))
    }

    /// How many quotes (`"`) follow byte `start`.
    fn quotes_after(&self, start: u64) -> usize {
        let Ok(reader) = self.open() else { return 0 };
        reader.bytes().skip(usize::try_from(start).unwrap_or(usize::MAX)).filter(|b| matches!(b, Ok(b'"'))).count()
    }
}

/// Calls `each` for every record of `input`, read as `format` through `columns`.
///
/// Returns the header binding, so the caller can say which columns it dropped.
pub fn read(
    file: &str,
    input: Input<'_>,
    format: Format,
    layout: &Layout,
    each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    match format {
        Format::Csv => read_csv(file, input, layout.columns, each),
        Format::Json => read_json(file, input, layout.json_key, layout.columns, each),
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
    input: Input<'_>,
    columns: &[Column],
    mut each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    // Flexible, so that a line of spaces reads as the blank line it looks like; the
    // number of fields is checked below.
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(input.reader(file)?);
    // The csv crate's own line numbers are those of the end of the previous record: one
    // short after a CRLF line end or a blank line. Count lines from byte offsets instead,
    // on a second reader of the same input that follows the first.
    let mut lines = LineCounter::new(input.reader(file)?);
    let header_record = reader.headers().map_err(|e| csv_error(file, e, &mut lines))?;
    let header: Vec<String> = header_record.iter().map(str::to_owned).collect();
    if header.iter().all(|h| h.is_empty()) {
        // A file of blank lines has no header line at all: name its first line.
        let blank = input.all_whitespace();
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
            if opens_an_unclosed_quote(input, record.position()) {
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
fn opens_an_unclosed_quote(input: Input<'_>, position: Option<&csv::Position>) -> bool {
    position.is_some_and(|p| input.quotes_after(p.byte()) % 2 == 1)
}

fn csv_error(file: &str, e: csv::Error, lines: &mut LineCounter<impl BufRead>) -> ImportError {
    let line = e.position().map(|p| lines.record_line(Some(p)));
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_owned(),
        csv::ErrorKind::Io(e) => format!("cannot be read: {e}"),
        _ => format!("is not valid CSV: {e}"),
    };
    error(file, line, None, message)
}

fn read_json(
    file: &str,
    input: Input<'_>,
    json_key: &str,
    columns: &[Column],
    mut each: impl FnMut(&Row<'_>) -> Result<(), FieldError>,
) -> Result<Binding, ImportError> {
    check_utf8(file, input)?;
    // Three passes over the stream, none of which holds more than one record: the
    // syntax of the whole file (so a broken file is reported as such before any of its
    // records), the keys of every record (the columns), then the rows.
    each_record(file, input, json_key, |_, _| Ok(()))?;
    // Every key of every record, in the order first seen; the set keeps this linear in
    // the number of keys (a record of 100,000 keys is one pass, not 100,000 scans).
    let mut header: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::default();
    let mut first_line = None;
    each_record(file, input, json_key, |line, raw| {
        first_line.get_or_insert(line);
        for (key, _) in parse_record(file, line, raw)? {
            if !seen.contains(&key) {
                seen.insert(key.clone());
                header.push(key);
            }
        }
        Ok(())
    })?;
    drop(seen);
    let Some(first_line) = first_line else {
        // No records, so no columns to check: like a CSV file with only its header.
        return Ok(Binding { positions: vec![None; columns.len()], ..Binding::default() });
    };
    let binding = bind(columns, &header).map_err(|e| header_error(file, Some(first_line), e))?;
    // Only the columns retro reads are taken out of each record, by key: the work per
    // record does not grow with the keys of other records.
    let bound: Vec<(usize, &str)> =
        binding.positions.iter().enumerate().filter_map(|(c, p)| p.map(|p| (c, header[p].as_str()))).collect();
    let positions: Vec<Option<usize>> = binding.positions.iter().enumerate().map(|(c, p)| p.map(|_| c)).collect();
    let mut values: Vec<Option<String>> = vec![None; columns.len()];
    each_record(file, input, json_key, |line, raw| {
        let mut object = parse_record(file, line, raw)?;
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
        each(&row).map_err(|e| field_error(file, line, e))
    })?;
    Ok(binding)
}

/// Refuses a file that is not UTF-8, naming the line of the first bad byte.
pub(super) fn check_utf8(file: &str, input: Input<'_>) -> Result<(), ImportError> {
    let mut reader = input.reader(file)?;
    let read_error = |e: std::io::Error| error(file, None, None, format!("cannot be read: {e}"));
    let mut line = 1;
    // The bytes of a character cut by the end of a chunk, carried to the next one.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let buf = reader.fill_buf().map_err(read_error)?;
        if buf.is_empty() {
            return match carry.is_empty() {
                true => Ok(()),
                false => Err(error(file, Some(line), None, "is not valid UTF-8 text")),
            };
        }
        let n = buf.len();
        carry.extend_from_slice(buf);
        reader.consume(n);
        match std::str::from_utf8(&carry) {
            Ok(_) => {
                line += carry.iter().filter(|&&b| b == b'\n').count() as u64;
                carry.clear();
            }
            Err(e) if e.error_len().is_none() => {
                // Incomplete at the end: keep the start of the character.
                let valid = e.valid_up_to();
                line += carry[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
                carry.drain(..valid);
            }
            Err(e) => {
                line += carry[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(error(file, Some(line), None, "is not valid UTF-8 text"));
            }
        }
    }
}

/// A reader that counts the line ends it has handed out. serde_json reads its input a
/// byte at a time and looks one byte ahead, so when a record is about to be read the
/// count is that of the lines before the record's first byte.
pub(super) struct CountingReader<'c, R> {
    inner: R,
    newlines: &'c Cell<u64>,
}

impl<'c, R> CountingReader<'c, R> {
    pub(super) fn new(inner: R, newlines: &'c Cell<u64>) -> Self {
        CountingReader { inner, newlines }
    }
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines.set(self.newlines.get() + buf[..n].iter().filter(|&&b| b == b'\n').count() as u64);
        Ok(n)
    }
}

/// Calls `each` with the line and the raw text of every record of a JSON file: the
/// elements of its top-level array, or of the array under `json_key` of its top-level
/// object. Reads one record at a time.
fn each_record(
    file: &str,
    input: Input<'_>,
    json_key: &str,
    each: impl FnMut(u64, &str) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let expected = || {
        error(
            file,
            Some(1),
            None,
            format!("expected a JSON array of objects, or an object with a \"{json_key}\" array"),
        )
    };
    let mut reader = input.reader(file)?;
    // A byte order mark (as some Windows tools write) is not JSON; the CSV reader skips it too.
    if reader.fill_buf().is_ok_and(|b| b.starts_with("\u{feff}".as_bytes())) {
        reader.consume(3);
    }
    // The first byte that is not white space tells the shape.
    let top = loop {
        let buf = reader.fill_buf().map_err(|e| error(file, None, None, format!("cannot be read: {e}")))?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break buf[i],
            None if buf.is_empty() => return Err(expected()),
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let newlines = Cell::new(0);
    let failed = RefCell::new(None);
    let not_an_array = Cell::new(false);
    let each = RefCell::new(each);
    let records = Records { newlines: &newlines, each: &each, failed: &failed, not_an_array: &not_an_array };
    let mut de = serde_json::Deserializer::from_reader(CountingReader { inner: reader, newlines: &newlines });
    let result = match top {
        b'[' => records.deserialize(&mut de),
        b'{' => Top { json_key, records, found: Cell::new(false) }
            .deserialize(&mut de)
            .map(|found| not_an_array.set(not_an_array.get() || !found)),
        _ => return Err(expected()),
    };
    if let Some(e) = failed.into_inner() {
        return Err(e);
    }
    if not_an_array.get() {
        return Err(expected());
    }
    result
        .and_then(|()| de.end())
        .map_err(|e| error(file, Some(e.line() as u64), None, format!("is not valid JSON: {e}")))
}

/// The records of an array, handed one by one to `each`.
struct Records<'a, F> {
    newlines: &'a Cell<u64>,
    each: &'a RefCell<F>,
    /// The error `each` returned, which stops the reading.
    failed: &'a RefCell<Option<ImportError>>,
    /// Set when the value is not an array at all.
    not_an_array: &'a Cell<bool>,
}

impl<F> Clone for Records<'_, F> {
    fn clone(&self) -> Self {
        Records { newlines: self.newlines, each: self.each, failed: self.failed, not_an_array: self.not_an_array }
    }
}

impl<'de, F: FnMut(u64, &str) -> Result<(), ImportError>> DeserializeSeed<'de> for Records<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(u64, &str) -> Result<(), ImportError>> Visitor<'de> for Records<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Asked for only when the value is of another type than an array.
        self.not_an_array.set(true);
        f.write_str("an array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some((line, raw)) = seq.next_element_seed(Record { newlines: self.newlines })? {
            if let Err(e) = (self.each.borrow_mut())(line, raw.get()) {
                *self.failed.borrow_mut() = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// One record's raw text, and its line.
struct Record<'a> {
    newlines: &'a Cell<u64>,
}

impl<'de> DeserializeSeed<'de> for Record<'_> {
    type Value = (u64, Box<RawValue>);

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        // serde_json has read the record's first byte to know there is one: the lines
        // before it are counted.
        let line = self.newlines.get() + 1;
        Ok((line, serde::Deserialize::deserialize(deserializer)?))
    }
}

/// A top-level object: the records are the array under `json_key`; other keys are skipped.
struct Top<'a, 'k, F> {
    json_key: &'k str,
    records: Records<'a, F>,
    found: Cell<bool>,
}

impl<'de, F: FnMut(u64, &str) -> Result<(), ImportError>> DeserializeSeed<'de> for Top<'_, '_, F> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(u64, &str) -> Result<(), ImportError>> Visitor<'de> for Top<'_, '_, F> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'_, str>>()? {
            if key == self.json_key && !self.found.get() {
                self.found.set(true);
                map.next_value_seed(self.records.clone())?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(self.found.get())
    }
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

/// Finds the line of a byte offset of a reader, for offsets visited in increasing order.
struct LineCounter<R> {
    reader: R,
    offset: u64,
    line: u64,
}

impl<R: BufRead> LineCounter<R> {
    fn new(reader: R) -> Self {
        LineCounter { reader, offset: 0, line: 1 }
    }

    /// The line of byte `at`. A read error ends the counting where it happened: the
    /// reader that parses the same input reports it.
    fn line_at_offset(&mut self, at: u64) -> u64 {
        while self.offset < at {
            let Ok(buf) = self.reader.fill_buf() else { break };
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(usize::try_from(at - self.offset).unwrap_or(usize::MAX));
            self.line += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            self.reader.consume(n);
            self.offset += n as u64;
        }
        self.line
    }

    /// The line where a CSV record starts. The csv crate places a record where the
    /// previous one ended, before any line end and blank lines it skipped.
    fn record_line(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(start) = position.map(csv::Position::byte) else {
            return self.line;
        };
        if start < self.offset {
            return self.line;
        }
        self.line_at_offset(start);
        while let Ok(&[b, ..]) = self.reader.fill_buf() {
            if b != b'\r' && b != b'\n' {
                break;
            }
            self.line += u64::from(b == b'\n');
            self.reader.consume(1);
            self.offset += 1;
        }
        self.line
    }
}
