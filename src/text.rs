//! Text for a terminal. Fitting text into columns by how wide it shows, not by how many
//! chars it has: "日本語" takes six columns, an accent combined onto a letter none. And
//! making text that came from outside (names, ids, notes, values quoted in errors) safe to
//! print: [`safe`] is the one place that decides what a terminal must never receive raw.
//! The terminal UI and the text reports both lay text out with it.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Whether a terminal must not receive `c` raw from data: control characters (C0, DEL
/// and C1, ESC among them: they start escape sequences that retitle the terminal, write
/// the clipboard or move the cursor), bidirectional overrides and isolates (they reorder
/// what is shown, so text reads other than it is), zero-width and other invisible
/// formatting characters (they hide text, and a zero-width joiner glues cells together
/// so a terminal and the layout disagree on widths), and line or paragraph separators.
pub fn is_neutralised(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` safe to print on a terminal or draw in the UI, on one line: every character
/// [`is_neutralised`] is shown as a visible escape instead, so a reader sees something
/// was there and nothing reaches the terminal raw. ESC is `\e`, tab, line feed and
/// carriage return are `\t`, `\n`, `\r`, other ASCII controls `\x07`-style, and the
/// others `\u202e`-style (as JSON writes them). Everything else, accents, emoji and CJK
/// included, passes unchanged, and text with nothing to escape is not copied.
pub fn safe(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`safe`], but keeps line feeds and tabs as they are: for text whose lines are
/// its own layout, such as a whole report or an error message.
pub fn safe_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// The first character of `text` that [`safe`] would escape: a name holding one is
/// refused at input, since it could not be shown as it is.
pub fn unprintable(text: &str) -> Option<char> {
    text.chars().find(|&c| is_neutralised(c))
}

/// How [`safe`] shows `c` (for messages that name the character).
pub fn escaped(c: char) -> String {
    let mut out = String::new();
    push_escaped(&mut out, c);
    out
}

/// What a panic says, safe to print: a panic's message can quote data (a value that
/// broke an assumption), so it goes through [`safe_lines`] like every other error.
pub fn panic_message(payload: &(dyn std::any::Any + Send), location: Option<String>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    let at = location.map(|l| format!(" at {l}")).unwrap_or_default();
    format!(
        "retro: internal error{at}: {}\nThis is a bug in retro; everything confirmed is already in the store.",
        safe_lines(&message)
    )
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| is_neutralised(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_neutralised(c) && !kept(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c.is_ascii() => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
    }
}

/// `value` as pretty JSON that is safe on a terminal: serde_json escapes C0 controls
/// but writes C1 controls, bidi overrides and zero-width characters raw. Outside
/// strings JSON is ASCII, so each such character is inside a string, where its `\uXXXX`
/// escape means the same: consumers read exactly the stored text.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let json = serde_json::to_string_pretty(value)?;
    Ok(match escape(&json, true) {
        Cow::Borrowed(_) => json,
        Cow::Owned(escaped) => escaped,
    })
}

/// A writer that passes text on through [`safe_lines`]: the last guard on standard
/// output and error, so that text from data a command forgot to make safe still cannot
/// reach the terminal raw. A character split across writes is held until it is whole.
pub struct SafeWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> SafeWriter<W> {
    pub fn new(inner: W) -> Self {
        SafeWriter { inner, pending: Vec::new() }
    }
}

impl<W: std::io::Write> std::io::Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let pending = std::mem::take(&mut self.pending);
        let mut text = String::with_capacity(pending.len());
        let mut rest: &[u8] = &pending;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    rest = &[];
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                    match e.error_len() {
                        // An incomplete character at the end waits for the next write.
                        None => {
                            self.pending = after.to_vec();
                            rest = &[];
                        }
                        // Not UTF-8: bytes 0x80-0x9F could act as C1 controls.
                        Some(bad) => {
                            text.push('\u{fffd}');
                            rest = &after[bad..];
                        }
                    }
                }
            }
        }
        self.inner.write_all(safe_lines(&text).as_bytes())?;
        Ok(buf.len())
    }

    /// A character still incomplete stays held: a flush between two halves of one
    /// character must not break it.
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for SafeWriter<W> {
    /// The stream ended inside a character: what was held is not UTF-8, shown as U+FFFD.
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.inner.write_all("\u{fffd}".as_bytes());
            let _ = self.inner.flush();
        }
    }
}

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` made [`safe`] and cut to at most `max` columns, ending in "…" when something
/// was cut, so that a reader knows there is more.
pub fn fit(text: &str, max: usize) -> String {
    let text = &*safe(text);
    if width(text) <= max {
        return text.to_owned();
    }
    let Some(room) = max.checked_sub(1) else {
        return String::new();
    };
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` broken into lines of at most `max` columns, at spaces where it can; a word
/// wider than a line is broken inside, so nothing is ever cut off. Each word is made
/// [`safe`] first (line breaks and tabs are spaces here).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let word = &*safe(word);
        let w = width(word);
        let space = usize::from(!line.is_empty());
        if used + space + w <= max {
            if space == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > max {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The width of the one `Fill` column of a table whose other columns have `fixed`
/// widths, with ratatui's default spacing of one column between columns.
pub fn fill_width(total: u16, fixed: &[u16]) -> usize {
    let taken: u16 = fixed.iter().sum::<u16>() + fixed.len() as u16;
    usize::from(total.saturating_sub(taken))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_message_is_made_safe() {
        let payload = std::panic::catch_unwind(|| panic!("bad value {}", "\u{1b}]0;PWNED\u{7}")).unwrap_err();
        let shown = panic_message(payload.as_ref(), Some("src/x.rs:1:2".into()));
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
        assert!(shown.starts_with("retro: internal error at src/x.rs:1:2: bad value \\e]0;PWNED\\x07"), "{shown:?}");
        let payload = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert!(panic_message(payload.as_ref(), None).starts_with("retro: internal error: no message"));
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("where did work wait longest", 12), ["where did", "work wait", "longest"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn breaks_a_word_wider_than_a_line_and_keeps_all_of_it() {
        let lines = wrap("see averyveryveryverylongword end", 10);
        assert_eq!(lines, ["see", "averyveryv", "eryverylon", "gword end"]);
        assert_eq!(lines.concat().replace(' ', ""), "seeaveryveryveryverylongwordend");
    }

    #[test]
    fn counts_wide_characters_by_their_columns() {
        // Each of 日本語 takes two columns: "日本語 x" is 8 wide.
        assert_eq!(wrap("日本語 x 日本語", 8), ["日本語 x", "日本語"]);
        assert_eq!(fit("日本語です", 7), "日本語…");
        assert_eq!(width(&fit("日本語です", 7)), 7);
    }

    #[test]
    fn fit_marks_what_it_cut() {
        assert_eq!(fit("Deployment frequency", 30), "Deployment frequency");
        assert_eq!(fit("Failed deployment recovery time", 18), "Failed deployment…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn fill_column_is_what_the_fixed_columns_leave() {
        assert_eq!(fill_width(80, &[8, 8, 15, 10, 7]), 80 - 48 - 5);
        assert_eq!(fill_width(10, &[8, 8]), 0);
    }

    #[test]
    fn safe_shows_escape_sequences_instead_of_sending_them() {
        assert_eq!(safe("t\u{1b}]0;PWNED\u{7}"), "t\\e]0;PWNED\\x07");
        assert_eq!(safe("\u{1b}]52;c;aGk=\u{1b}\\"), "\\e]52;c;aGk=\\e\\");
        assert_eq!(safe("\u{1b}c"), "\\ec");
        assert_eq!(safe("a\tb\nc\rd\u{0}e\u{7f}"), "a\\tb\\nc\\rd\\x00e\\x7f");
        // C1 controls: 0x9B is a one-character CSI on terminals that read 8-bit controls.
        assert_eq!(safe("x\u{9b}2Jy\u{85}\u{80}"), "x\\u009b2Jy\\u0085\\u0080");
    }

    #[test]
    fn safe_neutralises_bidi_and_invisible_characters() {
        assert_eq!(safe("evil\u{202e}txt.exe"), "evil\\u202etxt.exe");
        for c in ['\u{202a}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}'] {
            assert_eq!(safe(&c.to_string()), format!("\\u{:04x}", u32::from(c)), "{c:?}");
        }
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{2028}', '\u{2029}'] {
            assert_eq!(safe(&format!("a{c}b")), format!("a\\u{:04x}b", u32::from(c)), "{c:?}");
        }
        // A family emoji is held together by zero-width joiners: its parts show apart.
        assert_eq!(safe("👩\u{200d}👧"), "👩\\u200d👧");
    }

    #[test]
    fn safe_leaves_ordinary_text_alone_without_copying() {
        for text in [
            "payments",
            "Café crème",
            "日本語のチーム",
            "🚀 ship it 🎉",
            "naïve façade",
            "❤️ thanks",
            "Ελληνικά",
            "עברית",
            "a\\eb",
        ] {
            assert!(matches!(safe(text), Cow::Borrowed(t) if t == text), "{text}");
            assert_eq!(unprintable(text), None, "{text}");
        }
    }

    #[test]
    fn safe_lines_keeps_line_feeds_and_tabs_only() {
        assert_eq!(safe_lines("one\n\ttwo\r\u{1b}[2J"), "one\n\ttwo\\r\\e[2J");
        assert_eq!(unprintable("ok\u{1b}"), Some('\u{1b}'));
        assert_eq!(unprintable("tab\there"), Some('\t'));
        assert_eq!(escaped('\u{202e}'), "\\u202e");
    }

    #[test]
    fn layout_makes_text_safe_before_measuring_it() {
        assert_eq!(fit("a\u{1b}]0;x\u{7}", 40), "a\\e]0;x\\x07");
        assert_eq!(fit("ab\u{200d}cd", 6), "ab\\u2…");
        assert_eq!(width(&fit("ab\u{200d}cd", 6)), 6);
        assert_eq!(wrap("note\u{1b}[31m red", 40), ["note\\e[31m red"]);
    }

    #[test]
    fn json_escapes_c1_and_bidi_but_means_the_same() {
        let value = serde_json::json!({ "name": "a\u{9b}b\u{202e}c\u{200d}d\u{1b}e 日本" });
        let json = json_pretty(&value).unwrap();
        assert!(json.contains(r#""a\u009bb\u202ec\u200dd\u001be 日本""#), "{json}");
        assert!(!json.chars().any(|c| is_neutralised(c) && c != '\n'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn safe_writer_guards_a_stream_written_in_pieces() {
        use std::io::Write as _;
        let mut shown = Vec::new();
        {
            let mut out = SafeWriter::new(&mut shown);
            let text = "ok 日本 \u{1b}]0;t\u{7} \u{9b}\u{202e}\n";
            for b in text.as_bytes().chunks(1) {
                out.write_all(b).unwrap();
            }
            // An invalid byte, then half of "日", held across a flush and shown once
            // the rest arrives.
            out.write_all(b"\x9b end \xe6").unwrap();
            out.flush().unwrap();
            out.write_all(&"日".as_bytes()[1..]).unwrap();
            // The stream ends inside "本".
            out.write_all(&"本".as_bytes()[..2]).unwrap();
        }
        let shown = String::from_utf8(shown).unwrap();
        assert_eq!(shown, "ok 日本 \\e]0;t\\x07 \\u009b\\u202e\n\u{fffd} end 日\u{fffd}");
    }
}
