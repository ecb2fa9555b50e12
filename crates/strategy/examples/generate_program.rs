//! Generates a program for a sample initiative with live progress, then saves it as
//! Markdown and JSON.
//!
//! ```text
//! cargo run -p strategy --example generate_program -- [--out DIR] [--data DIR]
//!     [--name TEXT] [--description TEXT] [--industry TEXT] [--budget N] [--currency XXX]
//!     [--months N] [--team N] [--start YYYY-MM-DD]
//!     [--base-url URL --model NAME]   (an OpenAI-compatible server; key from CHARTER_API_KEY)
//! ```
//!
//! Offline by default: no network, same input, same program.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use jobs::{JobChange, JobStatus, WatchItem};
use strategy::epm::StepResult;
use strategy::export::ExportFormat;
use strategy::provider::{ApiKeys, ProviderChoice, Providers};
use strategy::{InitiativeDraft, OperationResult, Workspace, WorkspaceConfig};

#[path = "../tests/support/sample.rs"]
mod sample;

struct EnvKey;

impl ApiKeys for EnvKey {
    fn api_key(&self, _base_url: &str) -> Option<secrecy::SecretString> {
        std::env::var("CHARTER_API_KEY").ok().map(Into::into)
    }
}

struct Args {
    out: PathBuf,
    data: Option<PathBuf>,
    draft: InitiativeDraft,
    provider: ProviderChoice,
}

fn parse_args() -> Result<Args> {
    let mut out = PathBuf::from("program-output");
    let mut data = None;
    let mut draft = InitiativeDraft {
        description: "A specialty coffee bar and bakery near the harbour ferry terminal, serving commuters breakfast and espresso, with a second site once the first one is profitable.".into(),
        constraints: vec!["Open before the summer tourist season".into()],
        ..sample::coffee_draft()
    };
    let (mut base_url, mut model) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = value()?.into(),
            "--data" => data = Some(value()?.into()),
            "--name" => draft.name = value()?,
            "--description" => draft.description = value()?,
            "--industry" => draft.industry = Some(value()?),
            "--budget" => draft.budget = value()?.parse().context("--budget")?,
            "--currency" => draft.currency = value()?,
            "--months" => draft.horizon_months = value()?.parse().context("--months")?,
            "--team" => draft.team_size = value()?.parse().context("--team")?,
            "--start" => draft.start_date = value()?.parse().context("--start")?,
            "--base-url" => base_url = Some(value()?),
            "--model" => model = Some(value()?),
            other => bail!("unknown argument {other}"),
        }
    }
    let provider = match (base_url, model) {
        (None, None) => ProviderChoice::Offline,
        (Some(base_url), Some(model)) => ProviderChoice::OpenaiCompatible { base_url, model },
        _ => bail!("--base-url and --model go together"),
    };
    Ok(Args {
        out,
        data,
        draft,
        provider,
    })
}

/// Prints above the bar, or plainly when there is no terminal to draw the bar on.
fn say(bar: &ProgressBar, line: String) {
    if bar.is_hidden() {
        println!("{line}");
    } else {
        bar.println(line);
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let temp = tempfile::tempdir()?;
    let data = args.data.clone().unwrap_or_else(|| temp.path().to_owned());
    let mut config = WorkspaceConfig::new(&data);
    config.providers = Providers {
        keys: Arc::new(EnvKey),
        ..Providers::default()
    };
    let workspace = Workspace::open(config).await?;
    let initiative = workspace.initiatives().create(args.draft).await?;
    println!(
        "Initiative: {} — {} {} over {} months, team of {}",
        initiative.name,
        initiative.budget,
        initiative.currency,
        initiative.horizon_months,
        initiative.team_size
    );
    let id = workspace
        .generate_program(&initiative.id, args.provider)
        .await?
        .id;
    let mut watch = workspace.engine().watch(id).await?;

    let bar = ProgressBar::new(100);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos:>3}% {wide_msg}",
    )?);
    bar.set_position(watch.snapshot.job.progress as u64);
    // Steps that finished before the watch attached are in the snapshot.
    for partial in &watch.snapshot.partials {
        if let Ok(step) = serde_json::from_value::<StepResult>(partial.value.clone()) {
            say(&bar, format!("  ✓ {} — {}", step.step, step.summary));
        }
    }
    let mut snapshot = watch.snapshot.clone();
    while let Some(item) = watch.events.next().await {
        let change = match item {
            WatchItem::Resync(s) => {
                bar.set_position(s.job.progress as u64);
                continue;
            }
            WatchItem::Event(e) => e.change,
        };
        match change {
            JobChange::Progress { progress, message } => {
                bar.set_position(progress as u64);
                bar.set_message(message.as_deref().unwrap_or_default().to_owned());
            }
            JobChange::Partial { value, .. } => {
                if let Ok(step) = serde_json::from_value::<StepResult>((*value).clone()) {
                    say(&bar, format!("  ✓ {} — {}", step.step, step.summary));
                }
            }
            JobChange::Finished { snapshot: done } => {
                snapshot = *done;
                break;
            }
            JobChange::Lost { reason } => bail!("the outcome could not be saved: {reason}"),
            _ => {}
        }
    }
    bar.finish_and_clear();
    if snapshot.job.status != JobStatus::Completed {
        let error = snapshot.job.error.map(|e| e.message).unwrap_or_default();
        bail!("generation {}: {error}", snapshot.job.status);
    }
    let OperationResult::Program(program) = workspace.result(id).await? else {
        bail!("the job made something other than a program");
    };
    std::fs::create_dir_all(&args.out)?;
    let md = args.out.join("program.md");
    let json = args.out.join("program.json");
    std::fs::write(
        &md,
        workspace.export(id, ExportFormat::Markdown).await?.text,
    )?;
    std::fs::write(&json, workspace.export(id, ExportFormat::Json).await?.text)?;
    println!(
        "Program: {} workstreams, {} tasks; critical path {} weeks, levelled {} weeks (none shorter than {}; best of {} schedules) (horizon {}); total {:.0} {}",
        program.plan.workstreams.len(),
        program.plan.tasks.len(),
        program.plan.schedule.critical_path_weeks,
        program.plan.schedule.levelled_weeks,
        program.plan.schedule.shortest_possible_weeks,
        program.plan.schedule.schedules_built,
        program.plan.schedule.horizon_weeks,
        program.plan.budget.total,
        program.plan.budget.currency
    );
    for warning in &program.plan.warnings {
        println!("  ! {warning}");
    }
    println!("Saved {} and {}", md.display(), json.display());
    workspace
        .engine()
        .shutdown(std::time::Duration::from_secs(2))
        .await;
    Ok(())
}
