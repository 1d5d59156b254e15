//! A column mapping for CSV exports whose headers retro does not know: `--map
//! started_at="Created On"` renames the file's column to retro's before the file is read,
//! so every check, default and error of the importer still applies.

pub use super::columns::Layout;
use super::columns::normalise;
use super::error::ImportError;
use super::events::{CHANGES, DEPLOYMENTS, INCIDENTS};
use super::load::ImportKind;
use super::records::Input;
use std::io::Read;

/// One mapping: retro's column `target` is read from the file's column `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapEntry {
    pub target: String,
    pub source: String,
    /// Where it was given, for errors: `--map`, or `FILE:LINE`.
    pub origin: String,
}

/// The columns a kind's CSV file has, or `None` when a mapping does not apply to it.
pub fn layout_of(kind: ImportKind) -> Option<&'static Layout> {
    match kind {
        ImportKind::Deployments => Some(&DEPLOYMENTS),
        ImportKind::Changes => Some(&CHANGES),
        ImportKind::Incidents => Some(&INCIDENTS),
        _ => None,
    }
}

fn map_error(origin: &str, field: Option<&str>, message: impl Into<String>) -> ImportError {
    // `--map` is not a file; `FILE:LINE` is split back so the error reads `FILE:LINE: ...`.
    let (file, line) = match origin.rsplit_once(':').and_then(|(f, l)| Some((f, l.parse::<u64>().ok()?))) {
        Some((file, line)) => (file.to_owned(), Some(line)),
        None => (origin.to_owned(), None),
    };
    ImportError { file, line, field: field.map(str::to_owned), message: message.into() }
}

/// `TARGET=SOURCE`, as given to `--map`.
pub fn parse_arg(arg: &str) -> Result<MapEntry, ImportError> {
    entry(arg, "--map").ok_or_else(|| {
        map_error("--map", None, format!("\"{arg}\" is not TARGET=SOURCE (for example started_at=\"Created On\")"))
    })
}

fn entry(text: &str, origin: &str) -> Option<MapEntry> {
    let (target, source) = text.split_once('=')?;
    let (target, source) = (unquote(target.trim()), unquote(source.trim()));
    (!target.is_empty() && !source.is_empty()).then(|| MapEntry {
        target: target.to_owned(),
        source: source.to_owned(),
        origin: origin.to_owned(),
    })
}

fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// A mapping file: one `target = "Source column"` per line (TOML's form for plain
/// strings; the quotes may be left out), `#` comments and blank lines.
pub fn parse_file(name: &str, text: &str) -> Result<Vec<MapEntry>, ImportError> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let origin = format!("{name}:{}", i + 1);
        let parsed = entry(line, &origin).ok_or_else(|| {
            map_error(&origin, None, "expected target = \"Source column\" (for example started_at = \"Created On\")")
        })?;
        entries.push(parsed);
    }
    Ok(entries)
}

/// A CSV file's header renamed as a mapping says, to be read in place of the file's own
/// first `from` bytes ([`Renamed::input`]): the records stay where they are, in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    header: Vec<u8>,
    from: u64,
}

impl Renamed {
    /// `original` read with the renamed header.
    pub fn input<'a>(&'a self, original: &'a Input<'a>) -> Input<'a> {
        Input::Renamed { header: &self.header, from: self.from, original }
    }
}

/// `bytes` with the header renamed as `map` says ([`rename`]), whole: for tests and
/// small files.
pub fn apply(file: &str, bytes: &[u8], layout: &Layout, map: &[MapEntry]) -> Result<Vec<u8>, ImportError> {
    let renamed = rename(file, Input::Bytes(bytes), layout, map)?;
    let from = usize::try_from(renamed.from).unwrap_or(bytes.len()).min(bytes.len());
    Ok([&renamed.header[..], &bytes[from..]].concat())
}

/// The header of `input` renamed as `map` says, for `layout`'s reader; only the header
/// is read. Refuses a target retro does not read, a source column the file lacks, and a
/// file that already has another column for a mapped target. Line numbers of the
/// records stay the same.
pub fn rename(file: &str, input: Input<'_>, layout: &Layout, map: &[MapEntry]) -> Result<Renamed, ImportError> {
    let known: Vec<&str> = layout.columns.iter().map(|c| c.name).collect();
    let mut targets: Vec<(usize, &MapEntry)> = Vec::new();
    for e in map {
        let wanted = normalise(&e.target);
        let Some(c) = layout.columns.iter().position(|c| c.name == wanted || c.aliases.contains(&wanted.as_str()))
        else {
            return Err(map_error(
                &e.origin,
                Some(&e.target),
                format!("is not a column retro reads from {} files (it reads {})", layout.json_key, known.join(", ")),
            ));
        };
        if let Some((_, first)) = targets.iter().find(|(t, _)| *t == c) {
            return Err(map_error(
                &e.origin,
                Some(&e.target),
                format!("is mapped twice (also from \"{}\" by {})", first.source, first.origin),
            ));
        }
        targets.push((c, e));
    }

    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(input.reader(file)?);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(map_error(file, None, format!("is not valid CSV: {e}"))),
    };
    let from = reader.position().byte();
    drop(reader);
    // The bytes up to the first record, read again: the csv reader reads ahead.
    let mut before = Vec::new();
    input
        .reader(file)?
        .take(from)
        .read_to_end(&mut before)
        .map_err(|e| map_error(file, None, format!("cannot be read: {e}")))?;
    let header_line = 1 + before.iter().take_while(|&&b| b == b'\n' || b == b'\r').filter(|&&b| b == b'\n').count();
    let header_line = header_line as u64;

    let mut renamed = header.clone();
    let mut mapped = vec![false; header.len()];
    for (c, e) in &targets {
        let source = normalise(&e.source);
        let at = header
            .iter()
            .position(|h| h.trim() == e.source.trim())
            .or_else(|| header.iter().position(|h| normalise(h) == source));
        let Some(at) = at else {
            let mut err = map_error(
                file,
                Some(&e.target),
                format!(
                    "--map {}=\"{}\": the file has no column \"{}\" (found: {})",
                    e.target,
                    e.source,
                    e.source,
                    header.join(", ")
                ),
            );
            err.line = Some(header_line);
            return Err(err);
        };
        if mapped[at] {
            return Err(map_error(
                file,
                Some(&e.target),
                format!("column \"{}\" is mapped to two of retro's columns", e.source),
            ));
        }
        mapped[at] = true;
        renamed[at] = layout.columns[*c].name.to_owned();
    }
    for (c, e) in &targets {
        let column = &layout.columns[*c];
        let other = header.iter().enumerate().find(|(i, h)| {
            let h = normalise(h);
            !mapped[*i] && (h == column.name || column.aliases.contains(&h.as_str()))
        });
        if let Some((_, other)) = other {
            let mut err = map_error(
                file,
                Some(&e.target),
                format!(
                    "--map {}=\"{}\": the file also has a column \"{other}\", which retro reads as {}; map that one or remove it",
                    e.target, e.source, column.name
                ),
            );
            err.line = Some(header_line);
            return Err(err);
        }
    }

    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(&renamed).map_err(|e| map_error(file, None, e.to_string()))?;
    let mut header = writer.into_inner().map_err(|e| map_error(file, None, e.to_string()))?;
    // As many line ends as the old header took, so records keep their line numbers.
    let old_lines = before.iter().filter(|&&b| b == b'\n').count().max(1);
    header.extend(std::iter::repeat_n(b'\n', old_lines - 1));
    Ok(Renamed { header, from })
}
