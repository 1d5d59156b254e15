//! Which deployments were rework: the rule that reads tag messages and commit subjects.

use super::GitImportError;
use crate::domain::DeployKind;
use regex::bytes::{Regex, RegexBuilder};

/// The default rules, in the order they are tried. Documented in docs/git-import.md.
pub const DEFAULT_PATTERNS: [&str; 3] = [
    r"rollback:\b(revert(s|ed|ing)?|roll(s|ed|ing)?[ _-]?back)\b",
    r"hotfix:\bhot[ _-]?fix(es|ed|ing)?\b",
    r"fix_forward:\bfix(es|ed|ing)?[ _-]forward\b",
];

/// The rule index of a text no rule matches.
pub(super) const NO_RULE: u16 = u16::MAX;

/// Rules that mark a deployment as rework (hotfix, rollback or fix forward) when its tag
/// name, tag message or one of the subjects of the commits it brought in matches.
///
/// Each rule is written `KIND:REGEX` (KIND is `hotfix`, `rollback` or `fix_forward`) or
/// just `REGEX`, which means `hotfix`. Matching ignores case. The first rule that
/// matches any of the texts decides the kind; no match means a planned deployment.
#[derive(Debug, Clone)]
pub struct ReworkRules {
    rules: Vec<(DeployKind, Regex)>,
}

impl Default for ReworkRules {
    fn default() -> Self {
        Self::parse(&DEFAULT_PATTERNS).expect("the default rework patterns are valid")
    }
}

impl ReworkRules {
    /// Rules from the command line; an empty list means the defaults.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, GitImportError> {
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        let rules: Vec<_> = patterns.iter().map(|p| parse_rule(p.as_ref())).collect::<Result<_, _>>()?;
        if rules.len() >= usize::from(NO_RULE) {
            return Err(bad(patterns[0].as_ref(), format!("at most {} rules can be given", NO_RULE - 1)));
        }
        Ok(ReworkRules { rules })
    }

    /// The kind of a deployment whose texts are `texts` (tag name, tag message, commit
    /// subjects).
    pub fn classify<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> DeployKind {
        self.kind(texts.into_iter().map(|t| self.first_rule(t.as_bytes())).min().unwrap_or(NO_RULE))
    }

    /// The index of the first rule that matches `text`, or [`NO_RULE`]: a history's
    /// subjects are read once each, and a deployment's kind is that of the lowest rule
    /// any of its texts matched.
    pub(super) fn first_rule(&self, text: &[u8]) -> u16 {
        self.rules.iter().position(|(_, re)| re.is_match(text)).map_or(NO_RULE, |i| i as u16)
    }

    /// The kind rule `rule` gives, planned for [`NO_RULE`].
    pub(super) fn kind(&self, rule: u16) -> DeployKind {
        self.rules.get(usize::from(rule)).map_or(DeployKind::Planned, |(kind, _)| *kind)
    }

    /// Each rule as its kind and expression, in order.
    pub(super) fn rules(&self) -> impl Iterator<Item = (DeployKind, &str)> {
        self.rules.iter().map(|(kind, re)| (*kind, re.as_str()))
    }
}

fn parse_rule(pattern: &str) -> Result<(DeployKind, Regex), GitImportError> {
    let (kind, regex) = match pattern.split_once(':') {
        Some((kind, regex)) => match kind.parse::<DeployKind>() {
            Ok(DeployKind::Planned) => return Err(bad(pattern, "planned is not a kind of rework".into())),
            Ok(kind) => (kind, regex),
            // A word before the colon reads as a kind, and a misspelt one is an error rather
            // than a rule that never matches; a colon inside an expression such as
            // `(?i:...)` follows no word.
            Err(()) if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-') => {
                return Err(bad(
                    pattern,
                    format!("\"{kind}\" is not a kind of rework: hotfix, rollback or fix_forward"),
                ));
            }
            Err(()) => (DeployKind::Hotfix, pattern),
        },
        None => (DeployKind::Hotfix, pattern),
    };
    if regex.trim().is_empty() {
        return Err(bad(pattern, "the expression is empty".into()));
    }
    let re = RegexBuilder::new(regex).case_insensitive(true).build().map_err(|e| bad(pattern, e.to_string()))?;
    Ok((kind, re))
}

fn bad(pattern: &str, why: String) -> GitImportError {
    GitImportError::ReworkPattern { pattern: pattern.to_owned(), message: why }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeployKind::*;

    #[test]
    fn a_misspelt_kind_is_an_error() {
        let err = parse_rule("hotfx:^urgent").unwrap_err().to_string();
        assert!(err.contains("\"hotfx\" is not a kind of rework"), "{err}");
        assert!(parse_rule("(?i:revert)").is_ok());
    }

    #[test]
    fn defaults_read_reverts_rollbacks_hotfixes_and_fixes_forward() {
        let rules = ReworkRules::default();
        assert_eq!(rules.classify(["Revert \"Add login\""]), Rollback);
        assert_eq!(rules.classify(["roll back the cache change"]), Rollback);
        assert_eq!(rules.classify(["Merge branch 'hotfix/login'"]), Hotfix);
        assert_eq!(rules.classify(["HOTFIX: null pointer"]), Hotfix);
        assert_eq!(rules.classify(["v1.2.1-hot-fix"]), Hotfix);
        assert_eq!(rules.classify(["fix forward the schema"]), FixForward);
        assert_eq!(rules.classify(["Fix typo", "Add feature"]), Planned);
        // Words that merely contain the letters do not count.
        assert_eq!(rules.classify(["Irreversible migration", "shotfixture"]), Planned);
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let rules = ReworkRules::default();
        assert_eq!(rules.classify(["hotfix", "Revert \"x\""]), Rollback);
    }

    #[test]
    fn custom_rules_replace_the_defaults() {
        let rules = ReworkRules::parse(&["fix_forward:^patch", "urgent"]).unwrap();
        assert_eq!(rules.classify(["Patch the parser"]), FixForward);
        assert_eq!(rules.classify(["URGENT: restore"]), Hotfix);
        assert_eq!(rules.classify(["Revert \"x\""]), Planned);
        // A colon that does not follow a kind is part of the expression.
        let rules = ReworkRules::parse(&["(?x: emergency )"]).unwrap();
        assert_eq!(rules.classify(["emergency release"]), Hotfix);
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        let e = ReworkRules::parse(&["hotfix:("]).unwrap_err().to_string();
        assert!(e.starts_with("--rework-pattern \"hotfix:(\": "), "{e}");
        assert!(ReworkRules::parse(&["planned:x"]).is_err());
        assert!(ReworkRules::parse(&["rollback:"]).is_err());
    }
}
