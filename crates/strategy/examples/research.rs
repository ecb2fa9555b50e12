//! Runs the three research operations offline for a sample initiative and prints what
//! they stream, live: findings one by one, the canvas block by block, the why-chain level
//! by level.
//!
//! ```text
//! cargo run -p strategy --example research -- [--data DIR] [--problem TEXT]
//! ```

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use futures::StreamExt;
use jobs::{JobChange, JobId, JobStatus, Snapshot, WatchItem};
use strategy::artefact::CanvasBlock;
use strategy::research::{ChainLevel, ResearchPartial, SearchChoice};
use strategy::{InitiativeDraft, ProviderChoice, Workspace, WorkspaceConfig};

#[path = "../tests/support/sample.rs"]
mod sample;

/// Prints one streamed partial of any of the three operations.
fn print_partial(value: &serde_json::Value) {
    if let Ok(p) = serde_json::from_value::<ResearchPartial>(value.clone()) {
        match p {
            ResearchPartial::Finding {
                source_id,
                title,
                statement,
                ..
            } => println!("  • {statement}  [{source_id}: {title}]"),
            ResearchPartial::Skipped(s) => println!("  – skipped {}: {}", s.title, s.reason),
        }
    } else if let Ok(block) = serde_json::from_value::<CanvasBlock>(value.clone()) {
        println!("  ■ {}", block.block.title());
        for e in &block.entries {
            let cites = if e.evidence.is_empty() {
                String::new()
            } else {
                format!("  [{}]", e.evidence.join(", "))
            };
            println!("      - {}{cites}", e.text);
        }
    } else if let Ok(level) = serde_json::from_value::<ChainLevel>(value.clone()) {
        println!("  {}. {}", level.level, level.why.question);
        println!(
            "     → {} (confidence {:.0} %){}",
            level.why.answer,
            level.why.confidence * 100.0,
            if level.why.root_cause {
                "  ROOT CAUSE"
            } else {
                ""
            }
        );
        println!("     countermeasure: {}", level.why.countermeasure);
    }
}

/// Prints partials as they arrive (those already in the snapshot first) until the job ends.
async fn follow(workspace: &Workspace, id: JobId) -> Result<Snapshot> {
    let mut watch = workspace.engine().watch(id).await?;
    for p in &watch.snapshot.partials {
        print_partial(&p.value);
    }
    if watch.snapshot.job.status.is_finished() {
        return Ok(watch.snapshot);
    }
    while let Some(item) = watch.events.next().await {
        match item {
            WatchItem::Event(e) => match e.change {
                JobChange::Partial { value, .. } => print_partial(&value),
                JobChange::Finished { snapshot } => return Ok(*snapshot),
                JobChange::Lost { reason } => bail!("outcome lost: {reason}"),
                _ => {}
            },
            WatchItem::Resync(_) => {}
        }
    }
    Ok(workspace.engine().get(id).await?)
}

fn check(snapshot: &Snapshot) -> Result<serde_json::Value> {
    if snapshot.job.status != JobStatus::Completed {
        let error = snapshot
            .job
            .error
            .clone()
            .map(|e| e.message)
            .unwrap_or_default();
        bail!("{} {}: {error}", snapshot.job.title, snapshot.job.status);
    }
    snapshot.job.result.clone().context("no result")
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut data: Option<PathBuf> = None;
    let mut problem = "Weekday morning sales are 30% below plan".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--data" => data = Some(args.next().context("--data needs a folder")?.into()),
            "--problem" => problem = args.next().context("--problem needs text")?,
            other => bail!("unknown argument {other}"),
        }
    }
    let temp = tempfile::tempdir()?;
    let data = data.unwrap_or_else(|| temp.path().to_owned());
    let workspace = Workspace::open(WorkspaceConfig::new(&data)).await?;
    let initiative = workspace
        .initiatives()
        .create(InitiativeDraft {
            constraints: Vec::new(),
            ..sample::coffee_draft()
        })
        .await?;
    workspace
        .add_note(
            &initiative.id,
            "Ferry terminal visit",
            "About 4,000 commuters pass the terminal between 6:30 and 9:00 on weekdays.\n\nThe only competitor is a kiosk selling filter coffee; commuters queue there for five minutes at peak.\n\nThe landlord asks 6,500 EUR a month for the corner unit, with a six-month rent-free period.".into(),
        )
        .await?;

    println!("\nWeb research (offline: knowledge base + your notes) — findings as they land:");
    let id = workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await?
        .id;
    let report = check(&follow(&workspace, id).await?)?;
    println!("  {}", report["summary"].as_str().unwrap_or_default());
    println!("  {}", report["note"].as_str().unwrap_or_default());

    println!("\nBusiness Model Canvas — block by block, citing the report:");
    let id = workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await?
        .id;
    let canvas = check(&follow(&workspace, id).await?)?;
    println!("  {}", canvas["note"].as_str().unwrap_or_default());

    println!("\nFive whys: “{problem}”");
    let id = workspace
        .five_whys(&initiative.id, &problem, 5, ProviderChoice::Offline)
        .await?
        .id;
    let chain = check(&follow(&workspace, id).await?)?;
    println!(
        "  stopped: {}",
        chain["stopped"].as_str().unwrap_or_default()
    );
    println!("  {}", chain["note"].as_str().unwrap_or_default());
    workspace
        .engine()
        .shutdown(std::time::Duration::from_secs(2))
        .await;
    Ok(())
}
