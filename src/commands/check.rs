//! `cutover check`: the pre-flight of a whole move. Read-only: it lists both
//! regions and reads the facts the checks need, and changes nothing.

use crate::check::{self, select, CheckOptions};
use crate::cli::{CheckArgs, CheckOutput};
use crate::config::Settings;
use crate::model::Kind;
use std::process::ExitCode;

/// Exit code when the check found blockers.
pub(crate) const EXIT_BLOCKED: u8 = 4;

pub(crate) async fn run(settings: &Settings, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    // Bad input is refused before any AWS call.
    let tag = args.tag.as_deref().map(select::parse_tag).transpose()?;
    if args.ids.is_empty() && tag.is_none() {
        return Err(select::SelectError::Nothing.into());
    }
    let regions = super::connect(settings).await?;
    let (inventory, _, _) =
        super::collect_inventory(&regions, settings.bucket_naming.clone(), &Kind::ALL).await;
    let selection = select::select(&inventory, &args.ids, tag.as_ref())?;
    let options = CheckOptions {
        kms_key_id: args.kms_key_id.clone(),
    };
    let report = check::live::check_now(&regions, &inventory, &selection, &options).await;
    match args.output {
        CheckOutput::Table => print!("{}", check::render::table(&report)),
        CheckOutput::Markdown => print!("{}", check::render::markdown(&report)),
        CheckOutput::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.is_blocked() {
        ExitCode::from(EXIT_BLOCKED)
    } else {
        ExitCode::SUCCESS
    })
}
