//! The records of what services' APIs return, read as a stream: one JSON value, or
//! several back to back (`gh api --paginate` writes one array or page object per page; a
//! loop of `curl >>` or JSON lines does the same), each an array of records or pages, a
//! page object holding its records under a key, or a record itself. Only the record
//! being read is held parsed, whatever the file's size.

use super::error::ImportError;
use super::records::{CountingReader, Input, check_utf8};
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::BufRead;

/// One JSON object of a file, with the line its `{` is on.
pub(crate) struct Record {
    pub line: u64,
    /// How many records came before it in the file.
    pub index: u64,
    pub fields: Map<String, Value>,
}

impl Record {
    /// The value at a dotted path (`service.summary`), as trimmed text: `None` when
    /// absent, null or empty. Numbers and booleans read as their JSON text; objects and
    /// arrays are not text.
    pub fn text(&self, path: &str) -> Option<String> {
        let mut parts = path.split('.');
        let mut value = self.fields.get(parts.next()?)?;
        for part in parts {
            value = value.as_object()?.get(part)?;
        }
        let text = match value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }
}

pub(crate) fn error(file: &str, line: Option<u64>, field: Option<&str>, message: impl Into<String>) -> ImportError {
    ImportError { file: file.to_owned(), line, field: field.map(str::to_owned), message: message.into() }
}

/// Hands `each` every record of `input` in the order of the file. An object holding an
/// array under `key` is a page of records (its other keys are skipped); any other object
/// is a record.
pub(crate) fn each_record(
    file: &str,
    input: Input<'_>,
    key: Option<&str>,
    each: impl FnMut(Record) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    check_utf8(file, input)?;
    let mut reader = input.reader(file)?;
    if reader.fill_buf().is_ok_and(|b| b.starts_with("\u{feff}".as_bytes())) {
        reader.consume(3);
    }
    let newlines = Cell::new(0);
    let failed = RefCell::new(None);
    let read = Cell::new(0);
    let each = RefCell::new(each);
    let walk = Walk { file, key, newlines: &newlines, read: &read, each: &each, failed: &failed };
    let mut de = serde_json::Deserializer::from_reader(CountingReader::new(reader, &newlines));
    let json_error = |e: serde_json::Error| error(file, Some(e.line() as u64), None, format!("is not valid JSON: {e}"));
    // `end` looks past white space: what is left is the next value, or nothing (a file
    // of no records, as an empty list is).
    while de.end().is_err() {
        let result = walk.clone().deserialize(&mut de);
        if let Some(e) = failed.borrow_mut().take() {
            return Err(e);
        }
        result.map_err(json_error)?;
    }
    Ok(())
}

/// Where records are read: the value at hand is a record, an array of them, or a page.
struct Walk<'a, F> {
    file: &'a str,
    key: Option<&'a str>,
    newlines: &'a Cell<u64>,
    /// Records read so far.
    read: &'a Cell<u64>,
    each: &'a RefCell<F>,
    /// The error `each` returned, which stops the reading.
    failed: &'a RefCell<Option<ImportError>>,
}

impl<F> Clone for Walk<'_, F> {
    fn clone(&self) -> Self {
        Walk {
            file: self.file,
            key: self.key,
            newlines: self.newlines,
            read: self.read,
            each: self.each,
            failed: self.failed,
        }
    }
}

impl<F> Walk<'_, F> {
    fn expected(&self) -> String {
        match self.key {
            Some(key) => format!("expected JSON objects, or an object with a \"{key}\" array"),
            None => "each record must be a JSON object".to_owned(),
        }
    }

    /// Stops the reading with `e`, which [`each_record`] returns.
    fn fail<E: serde::de::Error>(&self, e: ImportError) -> E {
        *self.failed.borrow_mut() = Some(e);
        E::custom("stopped")
    }
}

impl<'de, F: FnMut(Record) -> Result<(), ImportError>> DeserializeSeed<'de> for Walk<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // serde_json has read the value's first byte to know what comes: the lines before
        // it are counted.
        let line = self.newlines.get() + 1;
        deserializer.deserialize_any(At { walk: self, line })
    }
}

/// A value at a place for records, starting on `line`.
struct At<'a, F> {
    walk: Walk<'a, F>,
    line: u64,
}

impl<F> At<'_, F> {
    fn not_a_record<E: serde::de::Error>(self) -> Result<(), E> {
        let e = error(self.walk.file, Some(self.line), None, self.walk.expected());
        Err(self.walk.fail(e))
    }
}

macro_rules! not_a_record {
    ($($visit:ident: $t:ty),*) => {
        $(fn $visit<E: serde::de::Error>(self, _: $t) -> Result<(), E> {
            self.not_a_record()
        })*
    };
}

impl<'de, F: FnMut(Record) -> Result<(), ImportError>> Visitor<'de> for At<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON objects")
    }

    not_a_record!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.not_a_record()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.walk.clone())?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = Map::new();
        let mut page = false;
        while let Some(name) = map.next_key::<String>()? {
            if page {
                map.next_value::<IgnoredAny>()?;
            } else if Some(name.as_str()) == self.walk.key {
                // A page's records are records even if they hold the key themselves.
                let inner = Walk { key: None, ..self.walk.clone() };
                match map.next_value_seed(PageValue { walk: inner })? {
                    Some(_) => {
                        let e = error(self.walk.file, Some(self.line), Some(&name), "must be a JSON array of objects");
                        return Err(self.walk.fail(e));
                    }
                    None => page = true,
                }
            } else {
                let value = map.next_value::<Value>()?;
                fields.insert(name, value);
            }
        }
        if page {
            return Ok(());
        }
        let index = self.walk.read.get();
        self.walk.read.set(index + 1);
        let record = Record { line: self.line, index, fields };
        (self.walk.each.borrow_mut())(record).map_err(|e| self.walk.fail(e))
    }
}

/// The value under a page's key: an array, whose records are read (`None`), or another
/// value, handed back.
struct PageValue<'a, F> {
    walk: Walk<'a, F>,
}

impl<'de, F: FnMut(Record) -> Result<(), ImportError>> DeserializeSeed<'de> for PageValue<'_, F> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Record) -> Result<(), ImportError>> Visitor<'de> for PageValue<'_, F> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element_seed(self.walk.clone())?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.into()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.into()))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }
}

/// The ids read so far, as keyed hashes (8 bytes each, not the ids): no file can be
/// made of ids that collide, and a repeated hash is confirmed by reading the file again
/// before an id is said to repeat.
pub(crate) struct SeenIds {
    hasher: RandomState,
    ids: rustc_hash::FxHashSet<u64>,
}

impl SeenIds {
    pub fn new() -> Self {
        SeenIds { hasher: RandomState::new(), ids: Default::default() }
    }

    /// Whether `id` may have been seen before (`false`: certainly not; it is noted).
    pub fn maybe_seen(&mut self, id: &str) -> bool {
        !self.ids.insert(self.hasher.hash_one(id))
    }

    /// A hash of `value` with this set's key, for other things a file must not repeat.
    pub fn hash(&self, value: impl std::hash::Hash) -> u64 {
        self.hasher.hash_one(value)
    }
}

/// The line of the first record of `input` whose `field` is `id`, among the `before`
/// first ones: the confirmation [`SeenIds`] asks for.
pub(crate) fn first_line_with(input: Input<'_>, key: Option<&str>, field: &str, id: &str, before: u64) -> Option<u64> {
    let mut found = None;
    // Every record before this one was read without error once already; an error here
    // is how the search stops.
    let _ = each_record("", input, key, |record| {
        if record.index >= before {
            return Err(error("", None, None, ""));
        }
        if record.text(field).as_deref() == Some(id) {
            found = Some(record.line);
            return Err(error("", None, None, ""));
        }
        Ok(())
    });
    found
}

/// Refuses an id seen before in the same file, naming the line it was first on.
pub(crate) fn check_unique(
    seen: &mut SeenIds,
    file: &str,
    input: Input<'_>,
    key: Option<&str>,
    record: &Record,
    field: &str,
    id: &str,
) -> Result<(), ImportError> {
    if seen.maybe_seen(id)
        && let Some(first) = first_line_with(input, key, field, id, record.index)
    {
        return Err(error(
            file,
            Some(record.line),
            Some(field),
            format!("\"{id}\" appears more than once in this file (first on line {first})"),
        ));
    }
    Ok(())
}
