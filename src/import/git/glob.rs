//! Which tags are deployments: globs matched against the whole tag name.
//!
//! git's own `for-each-ref` patterns stop `*` at `/`, so `release*` would miss
//! `release/1.0`; retro lists every tag and matches the documented glob itself.

/// `*` matches any characters (`/` included), `?` one character, `[abc]`, `[a-z]` and
/// `[!a-z]` one character of (or not of) a set. Everything else matches itself.
pub fn matches(glob: &str, name: &str) -> bool {
    let glob: Vec<char> = glob.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let (mut g, mut n) = (0, 0);
    // Where to resume after the last `*`: the glob position after it, and the name
    // position it has swallowed up to.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match glob.get(g) {
            Some('*') => {
                star = Some((g + 1, n));
                g += 1;
                continue;
            }
            Some('?') => Some(g + 1),
            Some('[') => class(&glob, g, name[n]),
            Some(&c) => (c == name[n]).then_some(g + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                g = next;
                n += 1;
            }
            (None, Some((after, swallowed))) => {
                g = after;
                n = swallowed + 1;
                star = Some((after, swallowed + 1));
            }
            (None, None) => return false,
        }
    }
    glob[g..].iter().all(|&c| c == '*')
}

/// Matches `c` against the set that opens at `glob[open]` (`[`); returns the position
/// after the set when it matches. A `[` that is never closed matches itself.
fn class(glob: &[char], open: usize, c: char) -> Option<usize> {
    let mut i = open + 1;
    let negated = matches!(glob.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let first = i;
    let mut hit = false;
    loop {
        match glob.get(i) {
            None => return (c == '[').then_some(open + 1),
            // A `]` right after the opening is a member, not the end.
            Some(']') if i > first => break,
            Some(&lo) => {
                if glob.get(i + 1) == Some(&'-') && glob.get(i + 2).is_some_and(|&hi| hi != ']') {
                    hit |= (lo..=glob[i + 2]).contains(&c);
                    i += 3;
                } else {
                    hit |= lo == c;
                    i += 1;
                }
            }
        }
    }
    (hit != negated).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_crosses_slashes_and_matches_the_whole_name() {
        assert!(matches("release*", "release/1.0"));
        assert!(matches("release/*", "release/1.0"));
        assert!(matches("*", "a/b/c"));
        assert!(matches("v*", "v1.2.0"));
        assert!(!matches("v*", "build-7"));
        assert!(!matches("v1", "v1.0"), "the whole name, not a prefix");
        assert!(matches("*-rc*", "v2.0.0-rc.1"));
        assert!(!matches("*-rc*", "v2.0.0"));
        assert!(matches("a*b*c", "aXXbYYbc"));
        assert!(!matches("a*b*c", "aXXbYYb"));
        assert!(matches("", "") && !matches("", "v1"));
    }

    #[test]
    fn question_marks_and_sets() {
        assert!(matches("v?.0", "v1.0") && !matches("v?.0", "v10.0"));
        assert!(matches("v[0-9]*", "v2025.01.3"));
        assert!(!matches("v[0-9]*", "very-old"));
        assert!(matches("[0-9]*", "1.2.3") && !matches("[0-9]*", "v1.2.3"));
        assert!(matches("v[!0-9]*", "vnext") && !matches("v[!0-9]*", "v1"));
        assert!(matches("[]x]", "]") && matches("[a-]", "-"));
        // An unclosed set is a literal `[`.
        assert!(matches("v[1", "v[1") && !matches("v[1", "v1"));
    }
}
