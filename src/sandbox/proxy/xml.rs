//! Edits of moto's XML answers without an XML library: find the element
//! that names a resource (a direct child `<imageId>ami-1</imageId>`) and
//! change its state children. moto writes plain XML (no CDATA, no comments
//! that matter), which is all this reads.

use std::ops::Range;

#[derive(Debug)]
struct Element<'a> {
    name: &'a str,
    /// Between the open tag's `>` and the close tag's `<`.
    inner: Range<usize>,
    /// Just after the close tag.
    end: usize,
    parent: Option<usize>,
}

fn elements(body: &str) -> Vec<Element<'_>> {
    let bytes = body.as_bytes();
    let mut found: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    while let Some(lt) = body[at..].find('<').map(|i| i + at) {
        let Some(gt) = body[lt..].find('>').map(|i| i + lt) else {
            break;
        };
        at = gt + 1;
        match bytes.get(lt + 1) {
            Some(b'?') | Some(b'!') => {}
            Some(b'/') => {
                if let Some(i) = open.pop() {
                    found[i].inner.end = lt;
                    found[i].end = gt + 1;
                }
            }
            _ => {
                let tag = &body[lt + 1..gt];
                let name = tag
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .unwrap_or("");
                let closed = tag.ends_with('/');
                found.push(Element {
                    name,
                    inner: gt + 1..gt + 1,
                    end: gt + 1,
                    parent: open.last().copied(),
                });
                if !closed {
                    open.push(found.len() - 1);
                }
            }
        }
    }
    found
}

/// The text of every element named `tag`.
pub(crate) fn texts(body: &str, tag: &str) -> Vec<String> {
    elements(body)
        .iter()
        .filter(|e| e.name == tag)
        .map(|e| body[e.inner.clone()].trim().to_string())
        .collect()
}

/// The text of every `tag` anywhere inside the element whose direct child
/// `id_tag` reads `id`: e.g. the snapshot ids in one image's block device
/// mappings.
pub(crate) fn texts_within(body: &str, id_tag: &str, id: &str, tag: &str) -> Vec<String> {
    let all = elements(body);
    let Some(owner) = all
        .iter()
        .find(|e| e.name == id_tag && body[e.inner.clone()].trim() == id)
        .and_then(|e| e.parent)
    else {
        return Vec::new();
    };
    let inside = |mut at: Option<usize>| {
        while let Some(i) = at {
            if i == owner {
                return true;
            }
            at = all[i].parent;
        }
        false
    };
    all.iter()
        .filter(|e| e.name == tag && inside(e.parent))
        .map(|e| body[e.inner.clone()].trim().to_string())
        .collect()
}

/// What to change in one resource's element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Edit {
    /// The new content of the state child (which must exist: an element
    /// without it names the resource, it does not describe it).
    pub(crate) state: String,
    /// Other children to set, added when absent (e.g. moto's missing
    /// PercentProgress).
    pub(crate) extra: Vec<(&'static str, String)>,
}

/// In every element with a direct child `<id_tag>` whose text `pick`
/// answers for, and a direct child `<state_tag>`, applies the edit. None
/// when nothing changed.
pub(crate) fn edit(
    body: &str,
    id_tag: &str,
    state_tag: &str,
    pick: impl Fn(&str) -> Option<Edit>,
) -> Option<String> {
    let all = elements(body);
    let mut changes: Vec<(Range<usize>, String)> = Vec::new();
    for id_el in all.iter().filter(|e| e.name == id_tag) {
        let (Some(parent), Some(edit)) = (id_el.parent, pick(body[id_el.inner.clone()].trim()))
        else {
            continue;
        };
        let child = |name: &str| {
            all.iter()
                .find(|e| e.parent == Some(parent) && e.name == name)
        };
        let Some(state) = child(state_tag) else {
            continue;
        };
        changes.push((state.inner.clone(), edit.state.clone()));
        for (name, text) in &edit.extra {
            match child(name) {
                Some(e) => changes.push((e.inner.clone(), text.clone())),
                None => changes.push((id_el.end..id_el.end, format!("<{name}>{text}</{name}>"))),
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    changes.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = body.to_string();
    for (range, text) in changes {
        out.replace_range(range, &text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOTS: &str = r#"<?xml version="1.0"?>
<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <snapshotSet>
    <item><snapshotId>snap-1</snapshotId><status>completed</status><progress>100%</progress>
      <tagSet><item><key>a</key><value>b</value></item></tagSet></item>
    <item><snapshotId>snap-2</snapshotId><status>completed</status></item>
  </snapshotSet>
  <empty/>
</DescribeSnapshotsResponse>"#;

    fn pending(id: &str) -> Option<Edit> {
        (id == "snap-1" || id == "snap-2").then(|| Edit {
            state: "pending".into(),
            extra: vec![("progress", "40%".into())],
        })
    }

    #[test]
    fn the_named_resources_state_changes_and_missing_fields_are_added() {
        let out = edit(SNAPSHOTS, "snapshotId", "status", pending).unwrap();
        assert!(out.contains(
            "<snapshotId>snap-1</snapshotId><status>pending</status><progress>40%</progress>"
        ));
        assert!(out.contains(
            "<snapshotId>snap-2</snapshotId><progress>40%</progress><status>pending</status>"
        ));
        assert!(!out.contains("completed"));
        assert!(out.contains("<key>a</key>"), "the rest is kept");
    }

    #[test]
    fn an_id_that_only_names_a_resource_is_left_alone() {
        // An image's block device mapping names its snapshot: no status there.
        let image = "<item><imageId>ami-1</imageId><imageState>available</imageState>\
            <blockDeviceMapping><item><ebs><snapshotId>snap-1</snapshotId></ebs></item>\
            </blockDeviceMapping></item>";
        assert_eq!(edit(image, "snapshotId", "status", pending), None);
        assert_eq!(edit(SNAPSHOTS, "snapshotId", "status", |_| None), None);
    }

    #[test]
    fn texts_within_reads_one_resource_only() {
        let images = "<imagesSet>\
            <item><imageId>ami-1</imageId><blockDeviceMapping><item><ebs><snapshotId>snap-a</snapshotId></ebs></item>\
            <item><ebs><snapshotId>snap-b</snapshotId></ebs></item></blockDeviceMapping></item>\
            <item><imageId>ami-2</imageId><blockDeviceMapping><item><ebs><snapshotId>snap-c</snapshotId></ebs></item></blockDeviceMapping></item>\
            </imagesSet>";
        assert_eq!(
            texts_within(images, "imageId", "ami-1", "snapshotId"),
            ["snap-a", "snap-b"]
        );
        assert_eq!(
            texts_within(images, "imageId", "ami-2", "snapshotId"),
            ["snap-c"]
        );
        assert!(texts_within(images, "imageId", "ami-9", "snapshotId").is_empty());
    }

    #[test]
    fn texts_lists_every_element_of_a_name() {
        let ids = texts(SNAPSHOTS, "snapshotId");
        assert_eq!(ids, ["snap-1", "snap-2"]);
    }
}
