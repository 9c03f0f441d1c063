//! Interview headings: "Interview with NAME, ORGANISATION", "An interview with NAME of
//! ORGANISATION", "Summary of conversation with NAME, ORGANISATION", and the patterns a
//! researcher configures.

use std::sync::LazyLock;

use regex::Regex;

use super::boilerplate::debris_end;

/// A parsed interview heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The people interviewed, in order.
    pub people: Vec<String>,
    /// The organisation (empty when the heading names none).
    pub organisation: String,
    /// Byte offset of the heading line in the document.
    pub line_start: usize,
    /// Byte offset of the end of the heading line.
    pub line_end: usize,
}

/// Headings are short lines.
const HEADING_MAX_CHARS: usize = 200;

/// Role words that may stand between a person and the organisation ("Jane Doe, Director of X").
static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:the\s+)?(?:(?:executive|programme|program|project|national|regional|general|deputy|founding|former|senior|legal)\s+)*(?:director|coordinator|co-ordinator|founder|co-founder|president|vice-president|chair|chairperson|chairwoman|chairman|manager|officer|head|secretary|member|lawyer|researcher|adviser|advisor|representative|staff|volunteer|activist|spokesperson|chief\s+executive(?:\s+officer)?|leader)s?(?:\s+general)?(?:\s+(?:of|at|for|with|from)\s+|\s*$)",
    )
    .expect("role pattern is valid")
});

/// Parses `line` (which starts at byte `line_start`) as an interview heading.
pub fn parse_heading(patterns: &[Regex], line: &str, line_start: usize) -> Option<Heading> {
    let trimmed = line.trim();
    if trimmed.is_empty()
        || trimmed.chars().count() > HEADING_MAX_CHARS
        || trimmed.ends_with(['?', '.', ';'])
    {
        return None;
    }
    let skip = debris_end(trimmed);
    // Non-breaking and repeated spaces are common in headings pasted from web pages.
    let content = trimmed[skip..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for pattern in patterns {
        let Some(caps) = pattern.captures(&content) else {
            continue;
        };
        let (people, organisation) = if let Some(rest) = caps.name("rest") {
            split_rest(rest.as_str())
        } else {
            let people = caps.name("people").map_or("", |m| m.as_str());
            let organisation = caps.name("organisation").map_or("", |m| m.as_str());
            (split_people(people), clean_organisation(organisation))
        };
        if people.is_empty() && organisation.is_empty() {
            continue;
        }
        return Some(Heading {
            people,
            organisation,
            line_start,
            line_end: line_start + line.len(),
        });
    }
    None
}

/// Splits "NAME, ORGANISATION" / "NAME of ORGANISATION" / "NAME and NAME, ORGANISATION".
fn split_rest(rest: &str) -> (Vec<String>, String) {
    let rest = rest
        .trim()
        .trim_end_matches([',', ':', '-', '–', '—'])
        .trim();
    if let Some(comma) = rest.rfind(", ") {
        let (people, organisation) = (&rest[..comma], &rest[comma + 2..]);
        // "Jane Doe, Director, Org": drop role parts between name and organisation.
        return (split_people(people), clean_organisation(organisation));
    }
    for joiner in [" of ", " from ", " at ", " de ", " da ", " din "] {
        if let Some(at) = rest.find(joiner) {
            return (
                split_people(&rest[..at]),
                clean_organisation(&rest[at + joiner.len()..]),
            );
        }
    }
    (split_people(rest), String::new())
}

fn split_people(people: &str) -> Vec<String> {
    people
        .split([',', '&'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim())
        .filter(|p| !p.is_empty() && !ROLE.is_match(p))
        .map(str::to_string)
        .collect()
}

fn clean_organisation(organisation: &str) -> String {
    let mut org = organisation.trim();
    if let Some(m) = ROLE.find(org) {
        org = &org[m.end()..];
    }
    let org = org.strip_prefix("the ").unwrap_or(org);
    org.trim()
        .trim_end_matches(['.', ',', ':'])
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn parse(line: &str) -> Option<(Vec<String>, String)> {
        let config = Config::builtin();
        parse_heading(&config.segment.headings, line, 0).map(|h| (h.people, h.organisation))
    }

    #[test]
    fn heading_cases() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "Interview with Betty Pedraza Lozano, Corporación Espacios de Mujer",
                &["Betty Pedraza Lozano"],
                "Corporación Espacios de Mujer",
            ),
            (
                "betty espacios_IWDInterview with Betty Pedraza Lozano, Corporación Espacios de Mujer",
                &["Betty Pedraza Lozano"],
                "Corporación Espacios de Mujer",
            ),
            (
                "An interview with Alice Maranga of FIDA-Kenya",
                &["Alice Maranga"],
                "FIDA-Kenya",
            ),
            (
                "Summary of conversation with\u{a0}Silvia Berbec, Asociatia Pro Refugiu\u{a0}",
                &["Silvia Berbec"],
                "Asociatia Pro Refugiu",
            ),
            (
                "Summarised conversation with Renu of WOREC",
                &["Renu"],
                "WOREC",
            ),
            (
                "Summary of conversation with Silvia Berbec, Asociatia Pro Refugiu ",
                &["Silvia Berbec"],
                "Asociatia Pro Refugiu",
            ),
            (
                "Interview with Ana Ruiz and Tom Lee, Director of the Migrant Forum",
                &["Ana Ruiz", "Tom Lee"],
                "Migrant Forum",
            ),
            (
                "Entrevista con María López, Fundación Esperanza",
                &["María López"],
                "Fundación Esperanza",
            ),
        ];
        for (line, people, organisation) in cases {
            let got = parse(line).unwrap_or_else(|| panic!("no heading found in {line:?}"));
            assert_eq!(got.0, *people, "people of {line:?}");
            assert_eq!(got.1, *organisation, "organisation of {line:?}");
        }
    }

    #[test]
    fn prose_is_not_a_heading() {
        for line in [
            "We did an interview with the police, who were helpful.",
            "Can you tell us about your interview with the ministry?",
            "",
            "Interviews are hard",
        ] {
            assert_eq!(parse(line), None, "{line:?}");
        }
    }
}
