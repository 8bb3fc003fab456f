//! After `running`: EC2's status checks. An instance can run and still
//! not boot (a kernel panic, a full disk, a host fault); the relaunch is
//! done only when AWS says its instance and system checks are `ok`, and
//! it gives up after a bound with what AWS said last.

use super::super::steps::{StepContext, StepResult};
use super::super::wait::Backoff;
use super::output;
use crate::cloud::copy::launch::{self, StatusChecks};
use crate::cloud::CloudError;
use std::future::Future;
use std::time::Duration;

/// How long a fresh instance may take to pass its checks. AWS usually
/// needs 2-5 minutes; a large Windows instance up to 15.
pub(crate) const STATUS_CHECK_BOUND: Duration = Duration::from_secs(20 * 60);

/// Polls in a row that must say `impaired` before the wait gives up early
/// (one impaired answer can be a blip while the checks start).
const IMPAIRED_POLLS: u32 = 2;

/// What one answer of DescribeInstanceStatus means for the wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Passed,
    /// Not yet; the words say what AWS reports.
    Waiting(String),
    /// A check failed (`impaired`); the words say which.
    Impaired(String),
}

/// `ok` passes; `not-applicable` too (AWS runs no such check there).
fn passes(status: &str) -> bool {
    matches!(status, "ok" | "not-applicable")
}

pub(crate) fn verdict(checks: Option<&StatusChecks>) -> Verdict {
    let Some(c) = checks else {
        return Verdict::Waiting("no status checks reported yet".into());
    };
    if passes(&c.instance) && passes(&c.system) {
        return Verdict::Passed;
    }
    let word = |s: &str| if s.is_empty() { "not reported" } else { s }.to_string();
    let mut text = format!(
        "instance status {}, system status {}",
        word(&c.instance),
        word(&c.system)
    );
    if !c.failed.is_empty() {
        text.push_str(&format!(" ({})", c.failed.join(", ")));
    }
    if c.instance == "impaired" || c.system == "impaired" {
        Verdict::Impaired(text)
    } else {
        Verdict::Waiting(text)
    }
}

/// Why the wait failed, in words, and the fix.
fn failure(id: &str, region: &str, said: &str, waited: Option<Duration>) -> String {
    let when = match waited {
        Some(d) => format!("not ok after {} min", d.as_secs().div_ceil(60)),
        None => "failed".into(),
    };
    format!(
        "{id} runs in {region} but its status checks {when} ({said}): read its console output (`aws ec2 get-console-output --instance-id {id} --region {region}`); a failed system check is AWS's host (stop and start the instance). The instance and the image copy stay; retry the task to wait again, or cancel it to remove them"
    )
}

/// Polls `poll` until the checks pass; `say` hears what AWS reports. Gives
/// up after `bound` of waiting (the sleeps counted, so a test needs no
/// clock) or when the checks stay impaired.
pub(crate) async fn until_checks_pass<P, PF, S, SF>(
    id: &str,
    region: &str,
    mut poll: P,
    say: &(dyn Fn(String) + Send + Sync),
    bound: Duration,
    mut sleep: S,
) -> Result<(), CloudError>
where
    P: FnMut() -> PF,
    PF: Future<Output = Result<Option<StatusChecks>, CloudError>>,
    S: FnMut(Duration) -> SF,
    SF: Future<Output = ()>,
{
    let mut waited = Duration::ZERO;
    let mut impaired = 0;
    let mut delays = Backoff::default();
    loop {
        let said = match verdict(poll().await?.as_ref()) {
            Verdict::Passed => return Ok(()),
            Verdict::Waiting(text) => {
                impaired = 0;
                text
            }
            Verdict::Impaired(text) => {
                impaired += 1;
                if impaired >= IMPAIRED_POLLS {
                    return Err(CloudError::Failed(failure(id, region, &text, None)));
                }
                text
            }
        };
        say(said.clone());
        if waited >= bound {
            return Err(CloudError::Failed(failure(id, region, &said, Some(waited))));
        }
        let delay = delays.next().unwrap_or_default();
        sleep(delay).await;
        waited += delay;
    }
}

pub(crate) async fn wait_status_checks(ctx: &StepContext<'_>) -> Result<StepResult, CloudError> {
    let target = &ctx.regions.target;
    let id = output(ctx, super::LAUNCHED)?;
    until_checks_pass(
        &id,
        &target.region,
        || launch::status_checks(target, &id),
        ctx.status,
        STATUS_CHECK_BOUND,
        tokio::time::sleep,
    )
    .await?;
    Ok(StepResult::default().note(format!(
        "{id} passed its status checks (instance and system ok)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn checks(instance: &str, system: &str) -> Option<StatusChecks> {
        Some(StatusChecks {
            instance: instance.into(),
            system: system.into(),
            failed: Vec::new(),
        })
    }

    /// Runs the wait over `answers` (the last one repeats); returns the
    /// outcome, what was said, and the polls made.
    async fn run(
        answers: Vec<Option<StatusChecks>>,
        bound: Duration,
    ) -> (Result<(), String>, Vec<String>, usize) {
        let polls = Mutex::new(0usize);
        let said = Mutex::new(Vec::new());
        let result = until_checks_pass(
            "i-new",
            "eu-west-1",
            || {
                let mut n = polls.lock().unwrap();
                let answer = answers[(*n).min(answers.len() - 1)].clone();
                *n += 1;
                async move { Ok(answer) }
            },
            &|s| said.lock().unwrap().push(s),
            bound,
            |_| async {},
        )
        .await
        .map_err(|e| e.to_string());
        let n = *polls.lock().unwrap();
        (result, said.into_inner().unwrap(), n)
    }

    #[tokio::test]
    async fn initializing_is_shown_then_ok_passes() {
        let (result, said, polls) = run(
            vec![
                None,
                checks("initializing", "initializing"),
                checks("initializing", "ok"),
                checks("ok", "ok"),
            ],
            STATUS_CHECK_BOUND,
        )
        .await;
        assert_eq!(result, Ok(()));
        assert_eq!(polls, 4);
        assert_eq!(
            said,
            [
                "no status checks reported yet",
                "instance status initializing, system status initializing",
                "instance status initializing, system status ok",
            ]
        );
    }

    #[tokio::test]
    async fn not_applicable_passes() {
        let (result, _, polls) =
            run(vec![checks("not-applicable", "ok")], STATUS_CHECK_BOUND).await;
        assert_eq!((result, polls), (Ok(()), 1));
    }

    #[tokio::test]
    async fn the_wait_is_bounded_and_says_what_aws_said_last() {
        let (result, said, polls) =
            run(vec![checks("initializing", "ok")], STATUS_CHECK_BOUND).await;
        let why = result.unwrap_err();
        assert!(
            why.contains("i-new runs in eu-west-1 but its status checks not ok after"),
            "{why}"
        );
        assert!(
            why.contains("(instance status initializing, system status ok)"),
            "{why}"
        );
        assert!(
            why.contains("get-console-output --instance-id i-new --region eu-west-1"),
            "{why}"
        );
        // 2 s backing off to 30 s: 20 minutes is 45 polls (the 46th gives up).
        assert_eq!(polls, 46);
        assert_eq!(said.len(), 46);
    }

    #[tokio::test]
    async fn impaired_twice_in_a_row_fails_at_once_with_the_failed_check() {
        let impaired = Some(StatusChecks {
            instance: "impaired".into(),
            system: "ok".into(),
            failed: vec!["instance reachability failed".into()],
        });
        let (result, _, polls) = run(
            vec![
                impaired.clone(),
                checks("initializing", "ok"),
                impaired.clone(),
                impaired,
            ],
            STATUS_CHECK_BOUND,
        )
        .await;
        let why = result.unwrap_err();
        assert_eq!(polls, 4, "one impaired answer between others is a blip");
        assert!(
            why.contains("status checks failed (instance status impaired, system status ok (instance reachability failed))"),
            "{why}"
        );
    }
}
