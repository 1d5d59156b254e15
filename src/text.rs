//! Fitting text into columns by how wide it shows in a terminal, not by how many chars
//! it has: "日本語" takes six columns, an accent combined onto a letter none. The terminal
//! UI and the text reports both lay text out with it.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` cut to at most `max` columns, ending in "…" when something was cut, so that a
/// reader knows there is more.
pub fn fit(text: &str, max: usize) -> String {
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
/// wider than a line is broken inside, so nothing is ever cut off.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(8);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
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
}
