//! Names pinned to the source region (they break after the move), and
//! reserved instances the move leaves paying for nothing.

use super::{Findings, Input, Severity};
use crate::model::Details;

pub(crate) fn check(input: &Input, f: &mut Findings) {
    region_strings(input, f);
    reserved(input, f);
}

/// Each mention of the source region in a text, with some context.
pub(crate) fn mentions(text: &str, region: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(region) {
        let start = text[..at]
            .rfind(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .map(|i| i + 1)
            .unwrap_or(0);
        let end = text[at..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .map(|i| at + i)
            .unwrap_or(text.len());
        let word: String = text[start..end].chars().take(120).collect();
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

fn region_strings(input: &Input, f: &mut Findings) {
    let region = input.inventory.source_region();
    for found in &input.facts.texts {
        let words = mentions(&found.text, region);
        if words.is_empty() {
            continue;
        }
        f.add(
            Severity::Warning,
            "pinned-region",
            Some(&found.place),
            format!("names {region}: {}", words.join(", ")),
            Some(format!(
                "change it to {} in the target's copy",
                input.inventory.target_region()
            )),
        );
    }
}

fn reserved(input: &Input, f: &mut Findings) {
    let reserved = &input.facts.reserved;
    if let Some(why) = &reserved.unknown {
        f.add(
            Severity::Warning,
            "reserved-unknown",
            None,
            format!("reserved instances: unknown, the read failed ({why})"),
            Some(
                "check EC2 and RDS reservations in the console or Cost Explorer before the move"
                    .into(),
            ),
        );
    }
    for r in &reserved.reservations {
        let moving = input.selected().any(|s| match &s.details {
            Details::Instance(i) => r.service == "ec2" && i.instance_type == r.class,
            Details::DbInstance(d) => r.service == "rds" && d.class == r.class,
            _ => false,
        });
        if moving {
            f.add(
                Severity::Warning,
                if r.service == "ec2" {
                    "reserved-ec2"
                } else {
                    "reserved-rds"
                },
                Some(&r.id),
                format!(
                    "{} × {} reserved in {} is stranded once those instances leave",
                    r.count,
                    r.class,
                    input.inventory.source_region()
                ),
                Some(
                    "exchange or sell the reservation, or buy the target's before the window"
                        .into(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_give_the_word_around_the_region() {
        let text = r#"{"Resource": "arn:aws:sqs:us-east-1:123:q", "x": "us-east-1"}"#;
        assert_eq!(
            mentions(text, "us-east-1"),
            vec!["arn:aws:sqs:us-east-1:123:q", "us-east-1"]
        );
        assert!(mentions("nothing here", "us-east-1").is_empty());
    }
}
