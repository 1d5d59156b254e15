use std::fmt;

/// An import that was refused, with where and why, so the user can fix the file.
///
/// Shown as `deployments.csv:17: deployed_at: "2025-13-01" is not a date`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    /// 1-based line in the file; the header is line 1 of a CSV file.
    pub line: Option<u64>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A problem with one field of one row; the reader adds the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field, message: message.into() }
    }
}

/// At most this many characters of a value are quoted in an error: enough to recognise
/// it, never a whole line of a file.
pub const QUOTE_CHARS: usize = 200;

/// At most this many column names are listed in an error or a summary.
pub const LISTED_NAMES: usize = 5;

/// `text` cut to [`QUOTE_CHARS`] characters (on a character boundary), with an ellipsis
/// when something was cut.
pub fn cut(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => text.into(),
        Some((end, _)) => format!("{}…", &text[..end]).into(),
    }
}

/// `text` in double quotes, cut as [`cut`] does.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", cut(text))
}

/// The first [`LISTED_NAMES`] names, each cut, joined with commas; "and N more" says
/// how many were left out.
pub fn some_names(names: &[String]) -> String {
    let mut out = names.iter().take(LISTED_NAMES).map(|n| cut(n)).collect::<Vec<_>>().join(", ");
    if names.len() > LISTED_NAMES {
        out.push_str(&format!(" and {} more", names.len() - LISTED_NAMES));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_on_a_character_boundary() {
        assert_eq!(quoted("short"), "\"short\"");
        let long = "é".repeat(QUOTE_CHARS + 1);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTE_CHARS + 3, "200 characters, an ellipsis and two quotes");
        assert!(q.ends_with("é…\""));
        assert_eq!(quoted(&"x".repeat(QUOTE_CHARS)), format!("\"{}\"", "x".repeat(QUOTE_CHARS)));
    }

    #[test]
    fn a_few_names_are_listed() {
        let names: Vec<String> = (1..=8).map(|i| format!("c{i}")).collect();
        assert_eq!(some_names(&names[..2]), "c1, c2");
        assert_eq!(some_names(&names), "c1, c2, c3, c4, c5 and 3 more");
    }
}
