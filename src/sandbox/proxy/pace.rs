//! AWS's pending states put back: for a while after the proxy sees a
//! resource made, describe answers say it is still in progress. moto makes
//! everything final at once, so without this no wait or gauge ever runs.

use super::call::Call;
use super::xml::{edit, texts, texts_within, Edit};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A kind of resource AWS makes slowly: where its id and state live in
/// the XML, and what it says while in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slow {
    Image,
    Snapshot,
    DbSnapshotMade,
    DbSnapshotCopied,
    DbInstance,
    Instance,
    NatGateway,
}

impl Slow {
    /// What a successful answer to `action` made.
    fn made_by(service: &str, action: &str) -> Option<Slow> {
        Some(match (service, action) {
            ("ec2", "CopyImage" | "CreateImage") => Slow::Image,
            ("ec2", "CopySnapshot" | "CreateSnapshot") => Slow::Snapshot,
            ("ec2", "RunInstances") => Slow::Instance,
            ("ec2", "CreateNatGateway") => Slow::NatGateway,
            ("rds", "CreateDBSnapshot") => Slow::DbSnapshotMade,
            ("rds", "CopyDBSnapshot") => Slow::DbSnapshotCopied,
            (
                "rds",
                "CreateDBInstance"
                | "RestoreDBInstanceFromDBSnapshot"
                | "CreateDBInstanceReadReplica",
            ) => Slow::DbInstance,
            _ => return None,
        })
    }

    fn id_tag(self) -> &'static str {
        match self {
            Slow::Image => "imageId",
            Slow::Snapshot => "snapshotId",
            Slow::DbSnapshotMade | Slow::DbSnapshotCopied => "DBSnapshotIdentifier",
            Slow::DbInstance => "DBInstanceIdentifier",
            Slow::Instance => "instanceId",
            Slow::NatGateway => "natGatewayId",
        }
    }

    fn state_tag(self) -> &'static str {
        match self {
            Slow::Image => "imageState",
            Slow::Snapshot => "status",
            Slow::DbSnapshotMade | Slow::DbSnapshotCopied => "Status",
            Slow::DbInstance => "DBInstanceStatus",
            Slow::Instance => "instanceState",
            Slow::NatGateway => "state",
        }
    }

    /// The answer's fields while `percent` of the way done.
    fn in_progress(self, percent: u32) -> Edit {
        let (state, extra): (&str, Vec<(&'static str, String)>) = match self {
            Slow::Image => ("pending", vec![]),
            Slow::Snapshot => ("pending", vec![("progress", format!("{percent}%"))]),
            Slow::DbSnapshotMade => ("creating", vec![("PercentProgress", percent.to_string())]),
            Slow::DbSnapshotCopied => ("copying", vec![("PercentProgress", percent.to_string())]),
            Slow::DbInstance => ("creating", vec![]),
            Slow::Instance => ("<code>0</code><name>pending</name>", vec![]),
            Slow::NatGateway => ("pending", vec![]),
        };
        Edit {
            state: state.into(),
            extra,
        }
    }
}

const ALL: [Slow; 7] = [
    Slow::Image,
    Slow::Snapshot,
    Slow::DbSnapshotMade,
    Slow::DbSnapshotCopied,
    Slow::DbInstance,
    Slow::Instance,
    Slow::NatGateway,
];

#[derive(Debug)]
pub(crate) struct Pace {
    window: Duration,
    /// (region, id) -> what it is and when it was made. DB identifiers are
    /// per region (a copy often keeps its source's), so the region is part
    /// of the key.
    made: Mutex<HashMap<(String, String), (Slow, Instant)>>,
    /// moto gives every Route 53 change one id: the last change's time
    /// stands for all.
    last_dns_change: Mutex<Option<Instant>>,
}

impl Pace {
    pub(crate) fn new(window: Duration) -> Self {
        Pace {
            window,
            made: Mutex::default(),
            last_dns_change: Mutex::default(),
        }
    }

    pub(crate) fn is_on(&self) -> bool {
        !self.window.is_zero()
    }

    /// Notes what a successful answer made.
    pub(crate) fn learn(&self, call: &Call, body: &str, now: Instant) {
        if !self.is_on() {
            return;
        }
        if call.service == "route53" && call.action == "ChangeResourceRecordSets" {
            *self
                .last_dns_change
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(now);
            return;
        }
        if call.service == "ec2" && call.action == "DescribeImages" {
            self.learn_image_snapshots(call, body);
            return;
        }
        let Some(slow) = Slow::made_by(&call.service, &call.action) else {
            return;
        };
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Instances stay twice the window: their status checks initialize
        // after they run.
        made.retain(|_, (_, at)| now.duration_since(*at) < self.window * 2);
        for id in texts(body, slow.id_tag()) {
            made.entry((call.region.clone(), id)).or_insert((slow, now));
        }
    }

    /// AWS makes or copies an image by making the snapshots behind it, and
    /// those show the progress the image does not: a pending image's
    /// snapshots are pending for as long as it is (moto's are complete at
    /// once, and its CopyImage answer names none of them).
    fn learn_image_snapshots(&self, call: &Call, body: &str) {
        let mut made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for image in texts(body, Slow::Image.id_tag()) {
            let Some(&(Slow::Image, at)) = made.get(&(call.region.clone(), image.clone())) else {
                continue;
            };
            for snapshot in texts_within(body, Slow::Image.id_tag(), &image, "snapshotId") {
                made.entry((call.region.clone(), snapshot))
                    .or_insert((Slow::Snapshot, at));
            }
        }
    }

    /// The answer as AWS would give it now, if that differs.
    pub(crate) fn rewrite(&self, call: &Call, body: &str, now: Instant) -> Option<String> {
        if !self.is_on() {
            return None;
        }
        if call.service == "route53" {
            let recent = self
                .last_dns_change
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_some_and(|at| now.duration_since(at) < self.window);
            return (recent && body.contains("<Status>INSYNC</Status>"))
                .then(|| body.replace("<Status>INSYNC</Status>", "<Status>PENDING</Status>"));
        }
        let made = self
            .made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out: Option<String> = None;
        if call.action == "DescribeInstanceStatus" {
            // Status checks initialize for a window after the instance runs.
            let checks = |id: &str| {
                let (kind, at) = made.get(&(call.region.clone(), id.to_string()))?;
                (*kind == Slow::Instance && now.duration_since(*at) < self.window * 2).then(|| {
                    let initializing = "<status>initializing</status>".to_string();
                    Edit {
                        state: initializing.clone(),
                        extra: vec![("systemStatus", initializing)],
                    }
                })
            };
            out = edit(body, "instanceId", "instanceStatus", checks);
        }
        for slow in ALL {
            let current = out.as_deref().unwrap_or(body);
            let pick = |id: &str| {
                let (kind, at) = made.get(&(call.region.clone(), id.to_string()))?;
                let age = now.duration_since(*at);
                (*kind == slow && age < self.window).then(|| {
                    let percent = (age.as_secs_f64() / self.window.as_secs_f64() * 100.0) as u32;
                    slow.in_progress(percent.min(99))
                })
            };
            if let Some(changed) = edit(current, slow.id_tag(), slow.state_tag(), pick) {
                out = Some(changed);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(service: &str, region: &str, action: &str) -> Call {
        Call {
            service: service.into(),
            region: region.into(),
            action: action.into(),
        }
    }

    const DESCRIBE: &str = "<DescribeSnapshotsResponse><snapshotSet><item>\
        <snapshotId>snap-9</snapshotId><status>completed</status><progress>100%</progress>\
        </item></snapshotSet></DescribeSnapshotsResponse>";

    #[test]
    fn a_copy_is_pending_with_rising_progress_then_real() {
        let pace = Pace::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let copy = call("ec2", "eu-west-1", "CopySnapshot");
        pace.learn(&copy, "<snapshotId>snap-9</snapshotId>", t0);
        let describe = call("ec2", "eu-west-1", "DescribeSnapshots");
        let early = pace.rewrite(&describe, DESCRIBE, t0 + Duration::from_secs(2));
        assert!(early
            .unwrap()
            .contains("<status>pending</status><progress>20%</progress>"));
        let later = pace.rewrite(&describe, DESCRIBE, t0 + Duration::from_secs(7));
        assert!(later.unwrap().contains("<progress>70%</progress>"));
        assert_eq!(
            pace.rewrite(&describe, DESCRIBE, t0 + Duration::from_secs(11)),
            None
        );
        let other_region = call("ec2", "us-east-1", "DescribeSnapshots");
        assert_eq!(pace.rewrite(&other_region, DESCRIBE, t0), None);
    }

    #[test]
    fn a_pending_images_snapshots_are_pending_with_it() {
        let pace = Pace::new(Duration::from_secs(10));
        let t0 = Instant::now();
        let copy = call("ec2", "eu-west-1", "CopyImage");
        pace.learn(&copy, "<imageId>ami-1</imageId>", t0);
        let images = call("ec2", "eu-west-1", "DescribeImages");
        let answer = "<imagesSet><item><imageId>ami-1</imageId><imageState>available</imageState>\
            <blockDeviceMapping><item><ebs><snapshotId>snap-9</snapshotId></ebs></item></blockDeviceMapping>\
            </item></imagesSet>";
        pace.learn(&images, answer, t0 + Duration::from_secs(1));
        let describe = call("ec2", "eu-west-1", "DescribeSnapshots");
        // The snapshot's clock is the image's: 40 % at 4 s of 10.
        let early = pace.rewrite(&describe, DESCRIBE, t0 + Duration::from_secs(4));
        assert!(early
            .unwrap()
            .contains("<status>pending</status><progress>40%</progress>"));
        assert_eq!(
            pace.rewrite(&describe, DESCRIBE, t0 + Duration::from_secs(11)),
            None
        );
        // Snapshots of an image the proxy did not see made stay as moto says.
        let fresh = Pace::new(Duration::from_secs(10));
        fresh.learn(&images, answer, t0);
        assert_eq!(fresh.rewrite(&describe, DESCRIBE, t0), None);
    }

    #[test]
    fn db_snapshot_copies_say_copying_with_a_percent() {
        let pace = Pace::new(Duration::from_secs(4));
        let t0 = Instant::now();
        let answer = "<CopyDBSnapshotResult><DBSnapshot><DBSnapshotIdentifier>s1\
            </DBSnapshotIdentifier><DBInstanceIdentifier>db</DBInstanceIdentifier>\
            <Status>available</Status></DBSnapshot></CopyDBSnapshotResult>";
        let copy = call("rds", "eu-west-1", "CopyDBSnapshot");
        pace.learn(&copy, answer, t0);
        let out = pace
            .rewrite(&copy, answer, t0 + Duration::from_secs(1))
            .unwrap();
        assert!(out.contains("<Status>copying</Status>"), "{out}");
        assert!(
            out.contains("<PercentProgress>25</PercentProgress>"),
            "{out}"
        );
    }

    #[test]
    fn route53_changes_are_pending_for_a_while_after_the_last_change() {
        let pace = Pace::new(Duration::from_secs(5));
        let t0 = Instant::now();
        let get = call("route53", "us-east-1", "GetChange");
        let insync = "<ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status></ChangeInfo>";
        assert_eq!(pace.rewrite(&get, insync, t0), None, "no change made yet");
        pace.learn(
            &call("route53", "us-east-1", "ChangeResourceRecordSets"),
            "",
            t0,
        );
        let out = pace
            .rewrite(&get, insync, t0 + Duration::from_secs(1))
            .unwrap();
        assert!(out.contains("<Status>PENDING</Status>"));
        assert_eq!(
            pace.rewrite(&get, insync, t0 + Duration::from_secs(6)),
            None
        );
    }

    #[test]
    fn status_checks_initialize_after_the_instance_runs() {
        let pace = Pace::new(Duration::from_secs(4));
        let t0 = Instant::now();
        pace.learn(
            &call("ec2", "eu-west-1", "RunInstances"),
            "<instancesSet><item><instanceId>i-1</instanceId></item></instancesSet>",
            t0,
        );
        let status = call("ec2", "eu-west-1", "DescribeInstanceStatus");
        let answer = "<instanceStatusSet><item><instanceId>i-1</instanceId>\
            <instanceState><code>16</code><name>running</name></instanceState>\
            <systemStatus><status>ok</status></systemStatus>\
            <instanceStatus><status>ok</status></instanceStatus></item></instanceStatusSet>";
        let out = pace
            .rewrite(&status, answer, t0 + Duration::from_secs(5))
            .unwrap();
        assert!(
            out.contains("<systemStatus><status>initializing</status></systemStatus>")
                && out.contains("<instanceStatus><status>initializing</status></instanceStatus>")
                && out.contains("<name>running</name>"),
            "running, checks initializing: {out}"
        );
        assert_eq!(
            pace.rewrite(&status, answer, t0 + Duration::from_secs(9)),
            None
        );
    }

    #[test]
    fn pace_zero_changes_nothing() {
        let pace = Pace::new(Duration::ZERO);
        let t0 = Instant::now();
        pace.learn(
            &call("ec2", "r", "CopySnapshot"),
            "<snapshotId>snap-9</snapshotId>",
            t0,
        );
        assert_eq!(
            pace.rewrite(&call("ec2", "r", "DescribeSnapshots"), DESCRIBE, t0),
            None
        );
    }
}
