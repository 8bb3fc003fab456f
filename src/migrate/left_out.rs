//! What a retry of a task done with warnings can carry: security-group
//! rules left out because the groups they name had no copy (copy those
//! groups, then retry: the rules step runs again and finds their copies).
//! The rest (routes through peering, TGW or VPN, interface endpoints,
//! prefix lists, DB settings) has no copy to wait for: the operator adds
//! it by hand, as each warning says.

use super::task::{Step, Task, TaskState};

/// The step a retry of what `task` left out starts from, or why there is
/// none (a sentence for the operator).
pub(crate) fn retry_step(task: &Task) -> Result<usize, String> {
    if task.state != TaskState::Done || task.warnings.is_empty() {
        return Err(format!(
            "task {} is {}: only a task done with warnings has something left out to retry",
            task.spec.id,
            task.state_name()
        ));
    }
    let steps = task.spec.steps();
    let rules = steps.iter().position(|s| *s == Step::AddRules);
    match rules {
        Some(step) if task.warning_steps.contains(&step) => Ok(step),
        _ => Err(
            "what it left out has no copy to wait for (routes through peering, TGW or VPN, interface endpoints, prefix lists, DB settings): each warning says what to add by hand"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::{CopyKind, CopyOptions, TaskEvent, TaskSpec};

    fn task(kind: CopyKind, source_ids: &[&str], warn_at: &[usize]) -> Task {
        let spec = TaskSpec {
            id: "t".into(),
            kind,
            source_ids: source_ids.iter().map(|s| s.to_string()).collect(),
            names: Default::default(),
            source_region: "us-east-1".into(),
            target_region: "eu-west-1".into(),
            options: CopyOptions::default(),
            known_copies: Default::default(),
        };
        let mut t = Task::new(spec, 0);
        for step in 0..t.spec.steps().len() {
            t.apply(1, &TaskEvent::StepStarted { step });
            if warn_at.contains(&step) {
                t.apply(
                    1,
                    &TaskEvent::Warning {
                        text: format!("left out at {step}"),
                    },
                );
            }
            t.apply(
                1,
                &TaskEvent::StepDone {
                    step,
                    outputs: Default::default(),
                },
            );
        }
        t.apply(2, &TaskEvent::Done);
        t
    }

    #[test]
    fn rules_left_out_are_retried_from_the_rules_step_and_only_their_warnings_go() {
        let groups = task(CopyKind::SecurityGroups, &["sg-1"], &[1]);
        assert_eq!(groups.state_name(), "done with warnings");
        assert_eq!(retry_step(&groups), Ok(1));

        // A network clone with groups: a route left out (step 4) and a rule (step 8).
        let mut net = task(CopyKind::Vpc, &["vpc-1", "sg-1"], &[4, 8]);
        let step = retry_step(&net).unwrap();
        assert_eq!(net.spec.steps()[step], Step::AddRules);
        net.apply(3, &TaskEvent::RetryLeftOut { step });
        assert_eq!(net.state, TaskState::Queued);
        assert_eq!(net.next_step, step);
        assert_eq!(net.finished_ms, None);
        assert_eq!(
            net.warnings,
            ["left out at 4"],
            "the route's warning stays: the retry does not re-check it"
        );
        assert_eq!(net.warning_steps, [4]);
    }

    #[test]
    fn what_has_no_copy_to_wait_for_says_to_add_it_by_hand() {
        let routes_only = task(CopyKind::Vpc, &["vpc-1", "sg-1"], &[4]);
        assert!(retry_step(&routes_only).unwrap_err().contains("by hand"));
        let db = task(CopyKind::DbSnapshot, &["snap-1"], &[0]);
        assert!(retry_step(&db).unwrap_err().contains("by hand"));
        let clean = task(CopyKind::SecurityGroups, &["sg-1"], &[]);
        assert!(retry_step(&clean)
            .unwrap_err()
            .contains("only a task done with warnings"));
    }
}
