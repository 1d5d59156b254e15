//! The prompt catalogue and how "What's blocking us?" picks from it.
//!
//! The catalogue lives in `assets/prompts.toml` (embedded) and can be replaced as a whole
//! by a `prompts.toml` in the config folder. Its prompts are keyed by section:
//!
//! | section | prompt key |
//! |---|---|
//! | `[[general]]` | `general.ID` |
//! | `[[safety]]` | `safety.ID` |
//! | `[[metric.KEY.better]]`, `[[metric.KEY.worse]]` | `metric.KEY.worse.ID` |
//! | `[[generic.better]]`, `[[generic.worse]]` | `generic.worse.ID:METRIC` (one per metric) |
//! | `[[signal.NAME]]` | `signal.NAME.ID` |
//!
//! Notes store the key, so keys are stable: rewording a prompt's text keeps its key.

use super::movement::MetricMove;
use crate::domain::MetricKey;
use crate::domain::{format_delta, format_value};
use crate::metrics::Direction;
use crate::metrics::signals::SignalKind;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The catalogue compiled into the binary.
pub const BUILTIN: &str = include_str!("../../assets/prompts.toml");

/// The name of the override file in the config folder.
pub const FILE_NAME: &str = "prompts.toml";

/// One question to put to the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// Stable: notes are stored against it.
    pub key: String,
    pub text: String,
    /// The metric the prompt is about, if any.
    pub metric: Option<MetricKey>,
    /// Why the prompt was chosen, in one line, e.g. "Change lead time got worse: ...".
    pub reason: Option<String>,
}

/// A catalogue that could not be read or does not hold prompts as expected.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{file}, line {line}, column {column}{}: {message}", in_field(.field))]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        /// The TOML path of the field at fault, e.g. `metric.change_lead_time.worse.text`.
        field: Option<String>,
        message: String,
    },
}

/// The prompts of one section, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
struct Entries(Vec<Entry>);

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    /// The full key, e.g. `metric.change_lead_time.worse.waiting`.
    key: String,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct ByDirection {
    better: Entries,
    worse: Entries,
}

impl ByDirection {
    fn get(&self, direction: Direction) -> Option<&Entries> {
        match direction {
            Direction::Better => Some(&self.better),
            Direction::Worse => Some(&self.worse),
            Direction::Steady | Direction::Unknown => None,
        }
    }
}

/// Every prompt retro can suggest.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    general: Entries,
    safety: Entries,
    /// Keyed by [`MetricKey::key`].
    metrics: BTreeMap<String, ByDirection>,
    generic: ByDirection,
    signals: BTreeMap<String, Entries>,
    file: Option<PathBuf>,
}

impl Catalogue {
    /// The catalogue in `assets/prompts.toml`.
    pub fn builtin() -> Catalogue {
        Catalogue::from_toml("assets/prompts.toml", BUILTIN).expect("the builtin prompt catalogue is valid")
    }

    /// Parses a catalogue; `file_name` is what errors call the file.
    pub fn from_toml(file_name: &str, text: &str) -> Result<Catalogue, PromptError> {
        let doc = DeTable::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let field = field_on_line(text, span.start);
            invalid(file_name, text, span, field, e.message().trim().to_owned())
        })?;
        let mut parser = Parser { seen: HashSet::new(), errors: Vec::new() };
        let catalogue = parser.catalogue(doc.get_ref());
        match parser.errors.into_iter().min_by_key(|e| e.span.start) {
            Some(e) => Err(invalid(file_name, text, e.span, Some(e.field), e.message)),
            None => Ok(catalogue),
        }
    }

    /// The override `prompts.toml` in `config_dir` if there is one, else the builtin
    /// catalogue. An override that cannot be read or parsed is an error, never ignored.
    pub fn load(config_dir: Option<&Path>) -> Result<Catalogue, PromptError> {
        let Some(path) = config_dir.map(|d| d.join(FILE_NAME)) else {
            return Ok(Catalogue::builtin());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut catalogue = Catalogue::from_toml(&path.display().to_string(), &text)?;
                catalogue.file = Some(path);
                Ok(catalogue)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Catalogue::builtin()),
            Err(source) => Err(PromptError::Read { path, source }),
        }
    }

    /// The override file this catalogue came from; `None` for the builtin one.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The general prompts, led by "What's blocking us?".
    pub fn general(&self) -> Vec<Prompt> {
        self.general.0.iter().map(|e| e.prompt(None, None)).collect()
    }

    /// Every prompt for `metric` moving in `direction` (none for steady or unknown): the
    /// metric's own, or else the generic ones with `{metric}` filled in.
    pub fn metric_prompts(&self, metric: &MetricKey, direction: Direction) -> Vec<Prompt> {
        let own = self.metrics.get(metric.key()).and_then(|d| d.get(direction));
        match own {
            Some(entries) if !entries.0.is_empty() => entries.0.iter().map(|e| e.prompt(Some(metric), None)).collect(),
            // One generic prompt per metric: the key names the metric, so notes on two
            // metrics never share a prompt.
            _ => self
                .generic
                .get(direction)
                .map(|entries| {
                    entries
                        .0
                        .iter()
                        .map(|e| Prompt { key: format!("{}:{}", e.key, metric.key()), ..e.prompt(Some(metric), None) })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The prompts for a signal; none for a signal the catalogue does not know.
    pub fn signal_prompts(&self, signal: SignalKind) -> Vec<Prompt> {
        self.signals
            .get(signal.key())
            .map(|entries| entries.0.iter().map(|e| e.prompt(None, None)).collect())
            .unwrap_or_default()
    }

    /// The signals this catalogue has prompts for.
    pub fn signals(&self) -> impl Iterator<Item = &str> {
        self.signals.keys().map(String::as_str)
    }
}

impl Entry {
    fn prompt(&self, metric: Option<&MetricKey>, reason: Option<String>) -> Prompt {
        Prompt {
            key: self.key.clone(),
            text: match metric {
                Some(m) => self.text.replace("{metric}", m.name()),
                None => self.text.clone(),
            },
            metric: metric.cloned(),
            reason,
        }
    }
}

/// The prompts for a retro: the general ones first, then up to `per_metric` for each
/// metric that got better or worse (in the order of `moves`, biggest movement first),
/// then up to `per_metric` for each signal in `signals`. Deterministic; no prompt twice.
pub fn select(catalogue: &Catalogue, moves: &[MetricMove], signals: &[SignalKind], per_metric: usize) -> Vec<Prompt> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |prompt: Prompt| {
        if seen.insert(prompt.key.clone()) {
            out.push(prompt);
        }
    };
    catalogue.general().into_iter().for_each(&mut add);
    for m in moves.iter().filter(|m| m.moved()) {
        let reason = move_reason(m);
        for mut prompt in catalogue.metric_prompts(&m.metric, m.direction).into_iter().take(per_metric) {
            prompt.reason = Some(reason.clone());
            add(prompt);
        }
    }
    for &signal in signals {
        let reason = signal_reason(signal);
        for mut prompt in catalogue.signal_prompts(signal).into_iter().take(per_metric) {
            prompt.reason = Some(reason.clone());
            add(prompt);
        }
    }
    out
}

/// The prompts for spending a retro on safety first, offered when the safety check's
/// median vote is 2 or less (`retro::flow::LOW_SAFETY`).
pub fn safety_prompts(catalogue: &Catalogue) -> Vec<Prompt> {
    let reason = "The safety check's median vote was 2 or less: safety comes first".to_owned();
    catalogue.safety.0.iter().map(|e| e.prompt(None, Some(reason.clone()))).collect()
}

/// "Change lead time got worse: 30.5 h against 22.1 h before (+8.4 h), on 71 changes;
/// beyond its usual range of 8.5 h–23.3 h".
fn move_reason(m: &MetricMove) -> String {
    let how = if m.direction == Direction::Better { "better" } else { "worse" };
    let mut reason = format!(
        "{} got {how}: {} against {} before",
        m.name,
        format_value(m.current, &m.unit),
        format_value(m.reference, &m.unit)
    );
    if let Some(delta) = m.delta {
        reason.push_str(&format!(" ({})", format_delta(delta, &m.unit)));
    }
    if let Some(evidence) = &m.evidence {
        reason.push_str(&format!(", on {evidence}"));
    }
    if let Some(u) = m.usual {
        let range = format!("{}–{}", format_value(Some(u.lower), &m.unit), format_value(Some(u.upper), &m.unit));
        reason.push_str(&format!("; beyond its usual range of {range}"));
    }
    reason
}

fn signal_reason(signal: SignalKind) -> String {
    let what = match signal {
        SignalKind::InstabilityAfterThroughputRise => "deployments rose, and failures or rework rose after them",
        SignalKind::PossibleMetricGaming => "some numbers may not reflect the work they seem to",
        SignalKind::IntendedWorsening => "a metric worsened as one of our actions expected",
        SignalKind::QualityPairedWithSpeed => "speed improved while a quality metric worsened",
    };
    format!("Signal: {what}")
}

// --- Parsing -------------------------------------------------------------------------

const SECTIONS: &str = "general, safety, metric, generic, signal";

struct Problem {
    span: Range<usize>,
    field: String,
    message: String,
}

struct Parser {
    /// Full keys seen so far.
    seen: HashSet<String>,
    errors: Vec<Problem>,
}

type Item<'a> = (&'a Spanned<std::borrow::Cow<'a, str>>, &'a Spanned<DeValue<'a>>);

impl Parser {
    fn error(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        self.errors.push(Problem { span, field: field.to_owned(), message: message.into() });
    }

    fn catalogue(&mut self, doc: &DeTable<'_>) -> Catalogue {
        let mut catalogue = Catalogue {
            general: Entries::default(),
            safety: Entries::default(),
            metrics: BTreeMap::new(),
            generic: ByDirection::default(),
            signals: BTreeMap::new(),
            file: None,
        };
        for (name, value) in doc.iter() {
            match name.get_ref().as_ref() {
                "general" => catalogue.general = self.entries(value, "general", "general", false),
                "safety" => catalogue.safety = self.entries(value, "safety", "safety", false),
                "generic" => catalogue.generic = self.by_direction(value, "generic", "generic"),
                "metric" => {
                    for (metric, value) in self.table(value, "metric") {
                        let key = MetricKey::from_key(metric.get_ref()).key().to_owned();
                        if key.is_empty() {
                            self.error(metric.span(), "metric", "a metric section needs a metric key");
                            continue;
                        }
                        let field = format!("metric.{}", metric.get_ref());
                        let sets = self.by_direction(value, &field, &format!("metric.{key}"));
                        let merged = catalogue.metrics.entry(key).or_default();
                        merged.better.0.extend(sets.better.0);
                        merged.worse.0.extend(sets.worse.0);
                    }
                }
                "signal" => {
                    for (signal, value) in self.table(value, "signal") {
                        let name = signal.get_ref().as_ref();
                        let field = format!("signal.{name}");
                        if !is_id(name) {
                            self.error(signal.span(), &field, "a signal name is lower case letters, digits and `_`");
                            continue;
                        }
                        let entries = self.entries(value, &field, &field, false);
                        catalogue.signals.entry(name.to_owned()).or_default().0.extend(entries.0);
                    }
                }
                other => {
                    self.error(name.span(), other, format!("unknown section `{other}` (expected one of {SECTIONS})"))
                }
            }
        }
        catalogue
    }

    /// The entries of a table, or an error when `value` is not a table.
    fn table<'a>(&mut self, value: &'a Spanned<DeValue<'a>>, field: &str) -> Vec<Item<'a>> {
        match value.get_ref() {
            DeValue::Table(t) => t.iter().collect(),
            other => {
                let message = format!("expected a table, found {}", article(other.type_str()));
                self.error(value.span(), field, message);
                Vec::new()
            }
        }
    }

    fn by_direction(&mut self, value: &Spanned<DeValue<'_>>, field: &str, prefix: &str) -> ByDirection {
        let mut sets = ByDirection::default();
        for (direction, value) in self.table(value, field) {
            let name = direction.get_ref().as_ref();
            let field = format!("{field}.{name}");
            let prefix = format!("{prefix}.{name}");
            match name {
                "better" => sets.better = self.entries(value, &field, &prefix, true),
                "worse" => sets.worse = self.entries(value, &field, &prefix, true),
                other => self.error(
                    direction.span(),
                    &field,
                    format!("unknown direction `{other}` (expected better or worse)"),
                ),
            }
        }
        sets
    }

    /// An array of prompt tables (`[[section]]`).
    fn entries(&mut self, value: &Spanned<DeValue<'_>>, field: &str, prefix: &str, metric: bool) -> Entries {
        let DeValue::Array(items) = value.get_ref() else {
            let message =
                format!("expected a list of prompts (`[[{field}]]`), found {}", article(value.get_ref().type_str()));
            self.error(value.span(), field, message);
            return Entries::default();
        };
        let mut entries = Entries::default();
        for item in items.iter() {
            if let Some(entry) = self.entry(item, field, prefix, metric) {
                entries.0.push(entry);
            }
        }
        entries
    }

    fn entry(&mut self, item: &Spanned<DeValue<'_>>, field: &str, prefix: &str, metric: bool) -> Option<Entry> {
        let DeValue::Table(table) = item.get_ref() else {
            let message = format!("expected a prompt table, found {}", article(item.get_ref().type_str()));
            self.error(item.span(), field, message);
            return None;
        };
        let (mut key, mut text) = (None, None);
        for (name, value) in table.iter() {
            let name_str = name.get_ref().as_ref();
            let field = format!("{field}.{name_str}");
            let slot = match name_str {
                "key" => &mut key,
                "text" => &mut text,
                other => {
                    self.error(name.span(), &field, format!("unknown field `{other}` (expected key and text)"));
                    continue;
                }
            };
            match value.get_ref() {
                DeValue::String(s) => *slot = Some((s.trim().to_owned(), value.span())),
                other => {
                    let message = format!("expected a string, found {}", article(other.type_str()));
                    self.error(value.span(), &field, message);
                    return None;
                }
            }
        }
        let ((key, key_span), (text, text_span)) = match (key, text) {
            (Some(key), Some(text)) => (key, text),
            (key, _) => {
                let missing = if key.is_none() { "key" } else { "text" };
                self.error(item.span(), &format!("{field}.{missing}"), format!("this prompt has no `{missing}`"));
                return None;
            }
        };
        if !is_id(&key) {
            self.error(key_span, &format!("{field}.key"), "a key is lower case letters, digits, `_` and `-`");
            return None;
        }
        let full = format!("{prefix}.{key}");
        if !self.seen.insert(full.clone()) {
            self.error(key_span, &format!("{field}.key"), format!("the key `{key}` is used twice in [[{field}]]"));
            return None;
        }
        if text.is_empty() {
            self.error(text_span, &format!("{field}.text"), "the text is empty");
            return None;
        }
        if let Some(problem) = placeholder_problem(&text, metric) {
            self.error(text_span, &format!("{field}.text"), problem);
            return None;
        }
        Some(Entry { key: full, text })
    }
}

/// Only `{metric}` is filled in, and only in prompts about a metric.
fn placeholder_problem(text: &str, metric: bool) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        let Some(after) = rest[open..].strip_prefix("{metric}") else {
            return Some("braces are only allowed as `{metric}`, the metric's name".to_owned());
        };
        if !metric {
            return Some("`{metric}` is only filled in for prompts about a metric".to_owned());
        }
        rest = after;
    }
    None
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" => format!("an {type_name}"),
        other => format!("a {other}"),
    }
}

fn in_field(field: &Option<String>) -> String {
    field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default()
}

fn invalid(file: &str, text: &str, span: Range<usize>, field: Option<String>, message: String) -> PromptError {
    let (line, column) = position(text, span.start);
    PromptError::Invalid { file: file.to_owned(), line, column, field, message }
}

/// 1-based line and column (in characters) of byte offset `at`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// For a syntax error, the key on the line at `at` (`text = "...`), if there is one.
fn field_on_line(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    bare.then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DoraMetric;

    #[test]
    fn position_counts_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 6), (2, 1));
        assert_eq!(position(text, 9), (2, 3));
    }

    #[test]
    fn placeholders_are_only_metric() {
        assert_eq!(placeholder_problem("What about {metric}?", true), None);
        assert!(placeholder_problem("What about {metric}?", false).is_some());
        assert!(placeholder_problem("What about {team}?", true).is_some());
        assert!(placeholder_problem("A stray } brace", true).is_some());
    }

    #[test]
    fn builtin_keys_follow_their_sections() {
        let c = Catalogue::builtin();
        assert_eq!(c.general()[0].key, "general.blocking");
        let lead = c.metric_prompts(&MetricKey::Dora(DoraMetric::ChangeLeadTime), Direction::Worse);
        assert_eq!(lead[0].key, "metric.change_lead_time.worse.waiting");
        let team = c.metric_prompts(&MetricKey::Team("escaped defects".into()), Direction::Better);
        assert_eq!(team[0].key, "generic.better.what_helped:escaped defects");
        assert_eq!(team[0].text, "What helped escaped defects improve?");
        assert!(c.metric_prompts(&MetricKey::Team("x".into()), Direction::Steady).is_empty());
        assert_eq!(
            c.signal_prompts(SignalKind::PossibleMetricGaming)[0].key,
            "signal.possible_metric_gaming.numbers_reflect_work"
        );
    }
}
