//! Relaunched instances in the report: each pair with its new addresses
//! and launch template, and the relaunch images for the RegionMap. Test
//! launches are not the move: they stay out.

use super::Moved;
use crate::migrate::relaunch::{
    AMI, ELASTIC_IP, IMAGE, LAUNCHED, LAUNCH_TEMPLATE, PRIVATE_IP, PUBLIC_IP,
};
use crate::migrate::{CopyKind, Task, TaskState};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Relaunched {
    pub(crate) name: String,
    pub(crate) source_region: String,
    pub(crate) source: String,
    pub(crate) target_region: String,
    pub(crate) target: String,
    pub(crate) private_ip: Option<String>,
    pub(crate) public_ip: Option<String>,
    pub(crate) elastic_ip: Option<String>,
    pub(crate) launch_template: Option<String>,
    pub(crate) ami: Option<String>,
    pub(crate) task_id: String,
}

fn relaunches(tasks: &[Task]) -> impl Iterator<Item = &Task> {
    tasks.iter().filter(|t| {
        t.spec.kind == CopyKind::Instance
            && t.state == TaskState::Done
            && !t.spec.options.launch.test_launch
    })
}

pub(crate) fn relaunched(tasks: &[Task]) -> Vec<Relaunched> {
    relaunches(tasks)
        .filter_map(|t| {
            let source = t.spec.source_ids.first()?.clone();
            let get = |k: &str| t.outputs.get(k).cloned();
            Some(Relaunched {
                name: t
                    .spec
                    .names
                    .get(&source)
                    .cloned()
                    .unwrap_or_else(|| source.clone()),
                source_region: t.spec.source_region.clone(),
                target_region: t.spec.target_region.clone(),
                target: get(LAUNCHED)?,
                private_ip: get(PRIVATE_IP),
                public_ip: get(PUBLIC_IP),
                elastic_ip: get(ELASTIC_IP),
                launch_template: get(LAUNCH_TEMPLATE),
                ami: get(AMI),
                task_id: t.spec.id.clone(),
                source,
            })
        })
        .collect()
}

/// The relaunch images as AMI moves (fresh source image -> its copy),
/// named after the instance, for the RegionMap.
pub(crate) fn image_moves(tasks: &[Task]) -> Vec<Moved> {
    relaunches(tasks)
        .filter_map(|t| {
            let source = t.spec.source_ids.first()?;
            Some(Moved {
                kind: CopyKind::Image,
                name: t
                    .spec
                    .names
                    .get(source)
                    .cloned()
                    .unwrap_or_else(|| source.clone()),
                source_region: t.spec.source_region.clone(),
                source_id: t.outputs.get(IMAGE)?.clone(),
                target_region: t.spec.target_region.clone(),
                target_id: t.outputs.get(AMI)?.clone(),
                task_id: t.spec.id.clone(),
                seconds: None,
            })
        })
        .collect()
}

pub(crate) fn markdown(list: &[Relaunched]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Instances\n\n| name | source | target | private IP | public IP / EIP | launch template |\n|---|---|---|---|---|---|\n",
    );
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    for r in list {
        let public = match (&r.public_ip, &r.elastic_ip) {
            (Some(ip), Some(eip)) => format!("{ip} ({eip})"),
            (ip, _) => dash(ip),
        };
        out.push_str(&format!(
            "| {} | {} `{}` | {} `{}` | {} | {public} | {} |\n",
            r.name,
            r.source_region,
            r.source,
            r.target_region,
            r.target,
            dash(&r.private_ip),
            dash(&r.launch_template)
        ));
    }
    out
}
