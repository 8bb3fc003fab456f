//! Closing a DNS cutover from the cockpit: `finish` (a completed cutover
//! becomes one simple record answering the target) and `abort` (a
//! rolled-back one becomes the source's simple record again). Both move
//! traffic's shape in Route 53, so both pass the confirm gate. Also which
//! DNS keys apply to the record under the cursor, for the footer.

use super::action::{Command, Effect};
use super::app::App;
use super::confirm::Confirm;
use super::dns_board::DnsView;
use super::state::Level;

/// The DNS keys that do something for one record, given its cutover.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DnsKeys {
    pub plan: bool,
    pub step: bool,
    pub rollback: bool,
    pub adopt: bool,
    pub finish: bool,
    pub abort: bool,
}

/// What applies to a record with this view (None: no cutover planned).
pub(crate) fn dns_keys(view: Option<&DnsView>) -> DnsKeys {
    let Some((view, p)) = view.and_then(|v| Some((v, v.progress.as_ref()?))) else {
        return DnsKeys {
            plan: true,
            ..Default::default()
        };
    };
    if view.busy.is_some() {
        return DnsKeys::default();
    }
    DnsKeys {
        // A cutover under way or complete is finished, aborted or rolled
        // back, not replanned.
        plan: p.may_replan(),
        step: !view.drift && p.next_step().is_some(),
        // The emergency path stays in sight while a cutover is in flight:
        // Route 53 may hold more than the journal knows.
        rollback: view.drift
            || (p.closed.is_none() && (p.done > 0 || p.pending.is_some()))
            || p.rollback_to().is_some(),
        adopt: view.drift,
        finish: !view.drift && p.may_finish(),
        abort: !view.drift && p.may_abort(),
    }
}

impl App {
    /// The DNS keys that apply to the record under the cursor.
    pub fn cursor_dns_keys(&self) -> DnsKeys {
        let Some(r) = self.cursor_record() else {
            return DnsKeys::default();
        };
        dns_keys(self.dns.get(&super::dns_board::topic_of(r)))
    }

    /// `f` / `X` on a record with a cutover: finish or abort, asked first.
    #[allow(clippy::expect_used)] // each expect states the invariant it relies on
    pub(super) fn dns_close(&mut self, finish: bool) -> Vec<Effect> {
        let Some((r, view)) = self.cursor_cutover() else {
            let text = format!(
                "no DNS cutover planned for this row: {} plans one on a record",
                self.keymap.keys_of(Command::DnsPlan)
            );
            self.note(Level::Info, text);
            return Vec::new();
        };
        let name = r.name.clone();
        let p = view.progress.clone().expect("cursor_cutover checks it");
        let refuse = |why: String| (Level::Warn, format!("{name}: {why}"));
        let refusal = if view.busy.is_some() {
            Some(refuse("a change is in flight; wait for INSYNC".into()))
        } else if view.drift {
            Some(refuse(format!(
                "Route 53 differs from the journal: {} adopts Route 53's state, {} rolls back",
                self.keymap.keys_of(Command::DnsAdopt),
                self.keymap.keys_of(Command::DnsRollback)
            )))
        } else if finish && !p.may_finish() {
            Some(refuse(format!(
                "finish collapses a completed cutover that sends everything to the target; it stands at {} \
                 ({} of {} steps done){}",
                p.state,
                p.done,
                p.plan.steps.len(),
                if p.closed.is_some() {
                    ", closed".to_string()
                } else {
                    format!(": {} makes the next step", self.keymap.keys_of(Command::DnsStep))
                }
            )))
        } else if !finish && !p.may_abort() {
            Some(refuse(format!(
                "abort collapses a cutover that sends everything to the source; it stands at {}{}",
                p.state,
                if p.closed.is_some() {
                    ", closed".to_string()
                } else {
                    format!(
                        ": {} rolls back first",
                        self.keymap.keys_of(Command::DnsRollback)
                    )
                }
            )))
        } else {
            None
        };
        if let Some((level, text)) = refusal {
            self.note(level, text);
            return Vec::new();
        }
        let (zone_id, record) = (p.plan.zone_id.clone(), p.plan.record_name.clone());
        let (title, lines, effect) = if finish {
            (
                format!("finish {name}"),
                vec![
                    format!("{name}: {} → one simple record answering the target ({})", p.state, p.plan.target),
                    "One Route 53 batch (the weighted pair goes), then INSYNC. Rolling back afterwards is a new pair, \
                     no longer one weight change."
                        .into(),
                ],
                Effect::DnsFinish { zone_id, record },
            )
        } else {
            (
                format!("abort {name}"),
                vec![
                    format!(
                        "{name}: {} → the source's simple record ({}, {})",
                        p.state,
                        p.plan.source,
                        p.plan
                            .original_ttl
                            .map(|t| format!("TTL {t}s"))
                            .unwrap_or_else(|| "alias".into())
                    ),
                    "One Route 53 batch (the weighted pair goes), then INSYNC. The cutover is closed; a new plan starts over."
                        .into(),
                ],
                Effect::DnsAbort { zone_id, record },
            )
        };
        self.ask(Confirm::new(title, lines, vec![effect]));
        Vec::new()
    }
}
