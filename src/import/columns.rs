//! Matching a file's header to the columns an importer knows, and keeping people out.

/// A column an importer reads.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// Other header names that mean the same (exports of common tools).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Column {
    pub const fn required(name: &'static str, aliases: &'static [&'static str]) -> Self {
        Column { name, aliases, required: true }
    }

    pub const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Self {
        Column { name, aliases, required: false }
    }
}

/// What one kind of file holds: its columns, and the key of its array in a JSON object.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub json_key: &'static str,
    pub columns: &'static [Column],
}

/// How a file's header maps onto an importer's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    /// For each known column, the position of its field in a record.
    pub positions: Vec<Option<usize>>,
    /// Header names dropped because they identify a person.
    pub person_columns: Vec<String>,
    /// Header names retro does not use.
    pub unused_columns: Vec<String>,
    /// Optional columns the file lacks: their defaults apply to every row.
    pub absent: Vec<&'static str>,
}

/// Why a header cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Missing {
        column: &'static str,
        found: Vec<String>,
    },
    /// Two header names for one column: the same name twice, or a name and its alias.
    Repeated {
        column: String,
        first: String,
    },
}

/// Lower-case, with runs of anything but letters and digits made one `_`.
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

pub fn bind(columns: &[Column], header: &[String]) -> Result<Binding, HeaderError> {
    let normalised: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let mut binding = Binding { positions: vec![None; columns.len()], ..Default::default() };
    let mut used = vec![false; header.len()];
    for (c, column) in columns.iter().enumerate() {
        let matches: Vec<usize> = normalised
            .iter()
            .enumerate()
            .filter(|(_, h)| *h == column.name || column.aliases.contains(&h.as_str()))
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [] if column.required => {
                return Err(HeaderError::Missing { column: column.name, found: header.to_vec() });
            }
            [] => binding.absent.push(column.name),
            [i] => {
                binding.positions[c] = Some(*i);
                used[*i] = true;
            }
            [first, second, ..] => {
                return Err(HeaderError::Repeated { column: header[*second].clone(), first: header[*first].clone() });
            }
        }
    }
    for (i, name) in header.iter().enumerate().filter(|&(i, _)| !used[i]) {
        if identifies_a_person(&normalised[i]) {
            binding.person_columns.push(name.clone());
        } else if !name.trim().is_empty() {
            binding.unused_columns.push(name.clone());
        }
    }
    Ok(binding)
}

/// Whether a (normalised) column name is about a person: authors, committers, emails,
/// assignees, users, logins, names of people, and "..._by" columns.
pub fn identifies_a_person(normalised: &str) -> bool {
    const WORDS: &[&str] = &[
        "author",
        "authors",
        "committer",
        "committers",
        "email",
        "emails",
        "mail",
        "assignee",
        "assignees",
        "assigned",
        "user",
        "users",
        "username",
        "usernames",
        "login",
        "logins",
        "owner",
        "owners",
        "reporter",
        "creator",
        "responder",
        "responders",
        "person",
        "people",
        "employee",
        "engineer",
        "developer",
        "member",
        "oncall",
        "actor",
        "sender",
        "approver",
        "approvers",
        "reviewer",
        "reviewers",
        "requester",
        "handle",
        "nickname",
        "surname",
        "fullname",
        "displayname",
        "firstname",
        "lastname",
    ];
    const NAMES: &[&str] = &[
        "full_name",
        "display_name",
        "first_name",
        "last_name",
        "given_name",
        "family_name",
        "real_name",
        "on_call",
        "github_user",
        "slack_user",
    ];
    let tokens: Vec<&str> = normalised.split('_').collect();
    NAMES.contains(&normalised)
        || tokens.iter().any(|t| WORDS.contains(t))
        || (tokens.len() > 1 && tokens.last() == Some(&"by"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    const COLUMNS: &[Column] = &[
        Column::required("id", &["deployment_id"]),
        Column::required("deployed_at", &[]),
        Column::optional("service", &["app"]),
    ];

    #[test]
    fn binds_by_name_alias_and_case() {
        let b = bind(COLUMNS, &header(&["Deployed At", "App", "Deployment-ID"])).unwrap();
        assert_eq!(b.positions, [Some(2), Some(0), Some(1)]);
    }

    #[test]
    fn reports_missing_and_repeated_columns() {
        assert_eq!(
            bind(COLUMNS, &header(&["id", "when"])),
            Err(HeaderError::Missing { column: "deployed_at", found: header(&["id", "when"]) })
        );
        assert_eq!(
            bind(COLUMNS, &header(&["id", "deployed_at", "deployment_id"])),
            Err(HeaderError::Repeated { column: "deployment_id".into(), first: "id".into() })
        );
    }

    #[test]
    fn people_are_dropped_and_other_columns_only_ignored() {
        let b = bind(
            COLUMNS,
            &header(&[
                "id",
                "deployed_at",
                "Author",
                "author_email",
                "deployed_by",
                "commit_message",
                "Assignee",
                "login",
            ]),
        )
        .unwrap();
        assert_eq!(b.person_columns, ["Author", "author_email", "deployed_by", "Assignee", "login"]);
        assert_eq!(b.unused_columns, ["commit_message"]);
    }

    #[test]
    fn person_detection() {
        for name in [
            "author",
            "author_name",
            "committer_email",
            "email",
            "user",
            "user_id",
            "created_by",
            "full_name",
            "on_call",
        ] {
            assert!(identifies_a_person(name), "{name}");
        }
        for name in ["id", "service", "deployed_at", "status", "caused_by_deployment", "name", "environment"] {
            assert!(!identifies_a_person(name), "{name}");
        }
    }
}
