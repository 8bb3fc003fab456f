//! The replica path: a cross-region read replica that RDS keeps in sync
//! until the window, promoted on the operator's word, and on request a
//! reverse replica back in the source so a fail-back keeps the new writes.

use super::steps::{StepContext, StepResult};
use super::task::{RestoreOptions, REVERSE_REPLICA};
use super::wait::{until_ready, Poll};
use crate::cloud::copy::copy_tags;
use crate::cloud::copy::rds_landing::{self as rl, DbPlacement};
use crate::cloud::copy::rds_replica::{self as rr, Placement};
use crate::cloud::{Clients, CloudError};
use crate::model::resource::TASK_ID_TAG;

/// Why this engine cannot have a cross-region read replica, if it cannot.
pub(crate) fn engine_refusal(engine: &str) -> Option<String> {
    let why = match engine {
        "sqlserver-ex" | "sqlserver-web" | "sqlserver-se" => {
            "SQL Server Express, Web and Standard editions have no cross-region read replicas (Enterprise edition has)"
        }
        e if e.starts_with("oracle-se") => {
            "Oracle Standard Edition has no read replicas (Enterprise Edition has)"
        }
        e if e.starts_with("custom-") => "RDS Custom instances have no cross-region read replicas",
        e if e.starts_with("aurora") => {
            "Aurora replicates whole clusters, not instances; cutover copies Aurora cluster snapshots, a cross-region replica cluster is not done yet"
        }
        _ => return None,
    };
    Some(format!(
        "{engine}: {why}; use the snapshot path instead (--restore-as)"
    ))
}

/// Bad input for a replica, said before anything is made.
pub(crate) fn refusal(
    src: &DbPlacement,
    kms_key_id: Option<&str>,
    target_region: &str,
) -> Option<String> {
    if let Some(why) = engine_refusal(&src.engine) {
        return Some(why);
    }
    if src.backup_retention_days == 0 {
        return Some(format!(
            "{} has no automated backups, and read replicas need them: enable them with `aws rds modify-db-instance --db-instance-identifier {} --backup-retention-period 7 --apply-immediately`, then retry",
            src.id, src.id
        ));
    }
    if src.encrypted && kms_key_id.is_none() {
        return Some(format!(
            "{} is encrypted: KMS keys belong to one region, so give a key of {target_region} for the replica (--kms-key-id)",
            src.id
        ));
    }
    None
}

/// What AWS reports of a replica's replication, for the tasks pane: its
/// status, the StatusInfos, and the lag when one is known.
pub(crate) fn replication_line(p: &DbPlacement, lag_seconds: Option<i64>) -> String {
    let mut line = p.status.clone();
    for (kind, status, normal, message) in &p.status_infos {
        line.push_str(&format!("; {kind}: {status}"));
        if !normal {
            line.push_str(" (not normal)");
        }
        if let Some(m) = message {
            line.push_str(&format!(": {m}"));
        }
    }
    match lag_seconds {
        Some(s) if s >= 3600 => line.push_str(&format!("; lag {}h {}m", s / 3600, s % 3600 / 60)),
        Some(s) if s >= 60 => line.push_str(&format!("; lag {}m {}s", s / 60, s % 60)),
        Some(s) => line.push_str(&format!("; lag {s}s")),
        None => line.push_str("; lag not reported"),
    }
    line
}

fn options(ctx: &StepContext<'_>) -> Result<RestoreOptions, CloudError> {
    ctx.spec
        .options
        .restore
        .clone()
        .ok_or_else(|| CloudError::Internal("internal: the replica task has no settings".into()))
}

fn placement(o: &RestoreOptions) -> Placement<'_> {
    Placement {
        instance_class: o.instance_class.as_deref(),
        subnet_group: o.subnet_group.as_deref(),
        parameter_group: o.parameter_group.as_deref(),
        option_group: o.option_group.as_deref(),
        security_group_ids: &o.security_group_ids,
        multi_az: o.multi_az,
        storage_type: o.storage_type.as_deref(),
        deletion_protection: o.deletion_protection,
    }
}

/// The name is free, or held by what this task made (adopt), or, with
/// `replace`, renamed out of the way. Returns whether it was adopted.
pub(crate) async fn clear_the_name(
    ctx: &StepContext<'_>,
    c: &Clients,
    id: &str,
    replace: bool,
) -> Result<(bool, StepResult), CloudError> {
    let mut r = StepResult::default();
    let Some(existing) = rl::placement(c, id).await? else {
        return Ok((false, r));
    };
    if existing.tags.get(TASK_ID_TAG) == Some(&ctx.spec.id) {
        r.notes
            .push(format!("adopted {id}, made by this task earlier"));
        return Ok((true, r));
    }
    if !replace {
        return Err(CloudError::Refused(format!(
            "a DB instance named {id} already exists in {} and was not made by this task: pick another name, or pass --replace to rename it out of the way",
            c.region
        )));
    }
    let stamp = ctx.spec.id.rsplit('-').next().unwrap_or("old");
    let mut base = id.to_string();
    base.truncate(63 - 5 - stamp.len());
    let old = format!("{base}-old-{stamp}");
    rr::rename(c, id, &old).await?;
    // The name frees only once the rename is applied.
    until_ready(
        || async {
            Ok(match rl::placement(c, id).await? {
                None => Poll::Ready,
                Some(_) => Poll::Pending(None),
            })
        },
        ctx.progress,
    )
    .await?;
    r.outputs.insert("replaced".into(), old.clone());
    r.warnings.push(format!(
        "the earlier {id} in {} is now {old} and still runs (its endpoint changed with its name): delete it once the new one is verified",
        c.region
    ));
    Ok((false, r))
}

pub(crate) async fn create(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let o = options(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let source_id = &ctx.spec.source_ids[0];
    let src = rl::placement(source, source_id).await?.ok_or_else(|| {
        CloudError::Refused(format!("{source_id} is gone from {}", source.region))
    })?;
    let kms = ctx.spec.options.kms_key_id.as_deref();
    if let Some(why) = refusal(&src, kms, &ctx.spec.target_region) {
        return Err(CloudError::Refused(why));
    }
    let (adopted, mut r) = clear_the_name(ctx, target, &o.instance_id, o.replace).await?;
    if !adopted {
        let arn = src
            .arn
            .clone()
            .ok_or_else(|| CloudError::Refused(format!("{source_id} has no ARN")))?;
        rr::create_replica(
            target,
            &o.instance_id,
            &arn,
            &placement(&o),
            kms,
            &copy_tags(source_id, &ctx.spec.id),
        )
        .await?;
    }
    if let (Some(host), Some(port)) = (&src.endpoint, src.port) {
        r.outputs
            .insert("endpoint:source".into(), format!("{host}:{port}"));
    }
    r.outputs.insert("replica".into(), o.instance_id.clone());
    r.outputs
        .insert(format!("target:{source_id}"), o.instance_id.clone());
    Ok(r)
}

async fn wait_available(
    ctx: &StepContext<'_>,
    c: &Clients,
    id: &str,
) -> Result<DbPlacement, CloudError> {
    until_ready(
        || async {
            let Some(d) = rl::placement(c, id).await? else {
                return Ok(Poll::Pending(None));
            };
            Ok(match d.status.as_str() {
                "available" => Poll::Ready,
                "failed"
                | "incompatible-parameters"
                | "incompatible-network"
                | "incompatible-restore"
                | "storage-full" => {
                    Poll::Failed(format!("DB instance {id} in {} is {}", c.region, d.status))
                }
                _ => Poll::Pending(None),
            })
        },
        ctx.progress,
    )
    .await?;
    rl::placement(c, id)
        .await?
        .ok_or_else(|| CloudError::Refused(format!("{id} is gone from {}", c.region)))
}

fn endpoint(p: &DbPlacement) -> Option<String> {
    Some(format!("{}:{}", p.endpoint.as_ref()?, p.port?))
}

pub(crate) async fn wait(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let id = options(ctx)?.instance_id;
    let p = wait_available(ctx, &ctx.regions.target, &id).await?;
    let mut r = StepResult::default();
    // CloudWatch's ReplicaLag is not read (no CloudWatch client here).
    r.outputs
        .insert("replication".into(), replication_line(&p, None));
    if let Some(e) = endpoint(&p) {
        r.outputs.insert("endpoint:target".into(), e);
    }
    Ok(r)
}

pub(crate) async fn promote(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let o = options(ctx)?;
    let target = &ctx.regions.target;
    let now = rl::placement(target, &o.instance_id)
        .await?
        .ok_or_else(|| {
            CloudError::Refused(format!(
                "the replica {} is gone from {}",
                o.instance_id, target.region
            ))
        })?;
    let mut r = StepResult::default();
    if now.replica_source.is_none() {
        r.notes
            .push(format!("{} was promoted already", o.instance_id));
    } else {
        rr::promote(
            target,
            &o.instance_id,
            o.backup_retention_days.filter(|d| *d > 0),
        )
        .await?;
    }
    r.outputs.insert("promoted".into(), o.instance_id);
    Ok(r)
}

/// Polls after a promote: ready when the source link is gone; an instance
/// that stays available with the link for a few polls is taken as
/// promoted (some endpoints never drop the field), with a note.
pub(crate) async fn wait_promoted(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let id = options(ctx)?.instance_id;
    let target = &ctx.regions.target;
    let seen = std::sync::atomic::AtomicU32::new(0);
    let (seen, id) = (&seen, id.as_str());
    until_ready(
        || async move {
            let Some(d) = rl::placement(target, id).await? else {
                return Ok(Poll::Failed(format!("{id} is gone from {}", target.region)));
            };
            Ok(match (d.status.as_str(), d.replica_source.is_none()) {
                ("available", true) => Poll::Ready,
                ("available", false)
                    if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2 =>
                {
                    Poll::Ready
                }
                ("failed", _) => Poll::Failed(format!("{id} in {} failed", target.region)),
                _ => Poll::Pending(None),
            })
        },
        ctx.progress,
    )
    .await?;
    let p = rl::placement(target, id).await?;
    let mut r = StepResult::default();
    if let Some(p) = p {
        if let Some(e) = endpoint(&p) {
            r.outputs.insert("endpoint:target".into(), e);
        }
        if let Some(s) = p.replica_source {
            r.notes.push(format!(
                "{id} is available and takes writes; AWS still names {s} as its source"
            ));
        }
    }
    Ok(r)
}

fn reverse_id(source_id: &str) -> String {
    super::rds::identifier(&format!("{source_id}-failback"))
}

pub(crate) async fn reverse(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let mut r = StepResult::default();
    if !ctx.outputs.contains_key(REVERSE_REPLICA) {
        r.notes.push("no reverse replica asked for".into());
        return Ok(r);
    }
    let o = options(ctx)?;
    let (source, target) = (&ctx.regions.source, &ctx.regions.target);
    let source_id = &ctx.spec.source_ids[0];
    let promoted = rl::placement(target, &o.instance_id)
        .await?
        .ok_or_else(|| {
            CloudError::Refused(format!("{} is gone from {}", o.instance_id, target.region))
        })?;
    let id = reverse_id(source_id);
    if promoted.encrypted {
        r.warnings.push(format!(
            "no reverse replica: {} is encrypted and its replica needs a KMS key of {}; make it with `aws rds create-db-instance-read-replica --region {} --db-instance-identifier {id} --source-db-instance-identifier {} --kms-key-id KEY`",
            o.instance_id,
            source.region,
            source.region,
            promoted.arn.as_deref().unwrap_or(&o.instance_id)
        ));
        return Ok(r);
    }
    let (adopted, cleared) = clear_the_name(ctx, source, &id, false).await?;
    r.notes.extend(cleared.notes);
    if !adopted {
        let old = rl::placement(source, source_id).await?;
        let subnet_group = old
            .as_ref()
            .and_then(|p| p.subnet_group.clone())
            .filter(|g| g != "default");
        let groups = old.map(|p| p.security_group_ids).unwrap_or_default();
        let arn = promoted
            .arn
            .clone()
            .ok_or_else(|| CloudError::Refused(format!("{} has no ARN", o.instance_id)))?;
        let p = Placement {
            subnet_group: subnet_group.as_deref(),
            security_group_ids: &groups,
            ..Placement::default()
        };
        rr::create_replica(
            source,
            &id,
            &arn,
            &p,
            None,
            &copy_tags(&o.instance_id, &ctx.spec.id),
        )
        .await?;
    }
    r.outputs.insert("reverse_replica_id".into(), id);
    Ok(r)
}

pub(crate) async fn wait_reverse(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let Some(id) = ctx.outputs.get("reverse_replica_id").cloned() else {
        return Ok(StepResult::default());
    };
    wait_available(ctx, &ctx.regions.source, &id).await?;
    Ok(StepResult::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(engine: &str, backups: i32, encrypted: bool) -> DbPlacement {
        DbPlacement {
            id: "shop".into(),
            engine: engine.into(),
            backup_retention_days: backups,
            encrypted,
            status: "available".into(),
            ..DbPlacement::default()
        }
    }

    #[test]
    fn a_replica_in_sync_is_replicating_until_the_promote_is_confirmed() {
        use crate::migrate::events::TaskEvent;
        use crate::migrate::task::{CopyKind, CopyOptions, Step, Task, TaskSpec, TaskState};
        let spec = TaskSpec {
            id: "shop-1".into(),
            kind: CopyKind::DbReplica,
            source_ids: vec!["shop".into()],
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        };
        let promote = spec
            .steps()
            .iter()
            .position(|s| *s == Step::PromoteReplica)
            .unwrap();
        let mut task = Task::new(spec, 0);
        task.apply(5, &TaskEvent::AwaitingPromote { step: promote });
        assert!(task.ready_to_promote());
        assert_eq!(task.state_name(), "replicating");
        assert!(!task.state.is_finished(), "never counted as finished");
        task.apply(
            9,
            &TaskEvent::PromoteConfirmed {
                reverse_replica: true,
            },
        );
        assert!(!task.ready_to_promote());
        assert_eq!(task.state, TaskState::Queued);
        assert_eq!(task.outputs[super::super::task::PROMOTE_CONFIRMED], "9");
        assert_eq!(task.outputs[REVERSE_REPLICA], "yes");
        assert!(task
            .history
            .last()
            .unwrap()
            .1
            .contains("stopped writes in the source"));
    }

    #[test]
    fn bad_input_is_named() {
        let sql = refusal(&db("sqlserver-se", 7, false), None, "eu-west-1").unwrap();
        assert!(sql.contains("SQL Server"), "{sql}");
        assert!(refusal(&db("sqlserver-ee", 7, false), None, "eu-west-1").is_none());
        let backups = refusal(&db("mysql", 0, false), None, "eu-west-1").unwrap();
        assert!(backups.contains("--backup-retention-period"), "{backups}");
        let kms = refusal(&db("postgres", 7, true), None, "eu-west-1").unwrap();
        assert!(kms.contains("--kms-key-id"), "{kms}");
        assert_eq!(
            refusal(&db("postgres", 7, true), Some("k"), "eu-west-1"),
            None
        );
        assert!(engine_refusal("aurora-mysql").unwrap().contains("cluster"));
    }

    #[test]
    fn the_replication_line_shows_status_infos_and_lag() {
        let mut p = db("mysql", 7, false);
        p.status_infos = vec![("read replication".into(), "replicating".into(), true, None)];
        assert_eq!(
            replication_line(&p, Some(4)),
            "available; read replication: replicating; lag 4s"
        );
        assert_eq!(
            replication_line(&p, Some(3725)),
            "available; read replication: replicating; lag 1h 2m"
        );
        p.status_infos = vec![(
            "read replication".into(),
            "error".into(),
            false,
            Some("binlog position lost".into()),
        )];
        assert_eq!(
            replication_line(&p, None),
            "available; read replication: error (not normal): binlog position lost; lag not reported"
        );
        assert_eq!(
            replication_line(&db("mysql", 7, false), Some(75)),
            "available; lag 1m 15s"
        );
    }
}
