//! The `epm_generation` job: nine checkpointed steps from an initiative to a program.

use std::sync::Arc;

use jobs::{JobContext, JobError, JobKind};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::artefact::{Analysis, Context, Measures, Outline, Resources, RiskList};
use crate::code::ErrorCode;
use crate::initiative::Initiative;
use crate::operation::EPM_GENERATION;
use crate::plan::{Budget, Risk, RiskInput, StageGate};
use crate::program::{self, Fitting, HiresPlan, Parts, Program, Schedule};
use crate::provider::{self, Activity, Io, Provider, ProviderChoice, Providers, SharedSpending};

/// The step names, in order; each is a checkpoint.
pub const STEPS: [&str; 9] = [
    "Analysing the initiative",
    "Extracting workstreams and tasks",
    "Generating resources",
    "Scheduling",
    "Budgeting",
    "Assessing risks",
    "Setting KPIs and stage gates",
    "Fitting to your team, budget and horizon",
    "Assembling the program",
];

/// What a generation starts from: a snapshot of the initiative and the provider to use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EpmInput {
    /// The initiative as it was when the user clicked Generate.
    pub initiative: Initiative,
    /// Where the content comes from.
    #[serde(default)]
    pub provider: ProviderChoice,
}

/// A short account of a finished step, streamed as a partial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepResult {
    /// Step index, 0-based.
    pub index: u32,
    /// Step name.
    pub step: String,
    /// One line for the user.
    pub summary: String,
}

/// Output of step 6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Assessed {
    risks: Vec<Risk>,
    warnings: Vec<String>,
    /// The provider's risks, scored again for each plan variant (absent in checkpoints
    /// written before variants).
    #[serde(default)]
    proposed: Vec<RiskInput>,
}

/// Output of step 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Targets {
    kpis: Measures,
    stage_gates: Vec<StageGate>,
}

/// The job kind; holds what builds providers (and their keys), never the keys in input.
#[derive(Clone)]
pub struct EpmGeneration {
    providers: Providers,
}

impl EpmGeneration {
    /// A kind that resolves providers with `providers`.
    pub fn new(providers: Providers) -> Self {
        EpmGeneration { providers }
    }
}

/// Progress for step `index` of nine; `within` is 0–1 inside the step.
fn percent(index: usize, within: f64) -> f64 {
    (index as f64 + within.clamp(0.0, 0.99)) * 100.0 / STEPS.len() as f64
}

/// An `Io` whose activity reports become progress messages of step `index`.
fn io_for(ctx: &JobContext, index: usize) -> Io {
    let ctx_progress = ctx.clone();
    let step = STEPS[index];
    Io {
        cancel: ctx.cancellation_token(),
        activity: Arc::new(move |activity| {
            let (within, message) = match activity {
                Activity::Waiting { attempt: 1 } => (0.05, format!("{step}…")),
                Activity::Waiting { attempt } => (0.05, format!("{step}… (attempt {attempt})")),
                Activity::Receiving { chars } => (
                    // Approaches the end of the step as the answer grows; lengths are unknown.
                    0.1 + 0.85 * (chars as f64 / (chars as f64 + 3_000.0)),
                    format!("{step}… {}", provider::writing_words(chars)),
                ),
                Activity::Backoff { delay, status } => (
                    0.05,
                    format!(
                        "{step}… the server is busy (HTTP {status}); retrying in {:.0} s",
                        delay.as_secs_f64().ceil()
                    ),
                ),
                Activity::Repairing => (0.5, format!("{step}… asking the model to fix its answer")),
                // Recorded by whoever metered the call; nothing to show.
                Activity::Used(_) => return,
            };
            ctx_progress.progress(percent(index, within), message);
        }),
    }
}

/// Where the pipeline runs: as a job (checkpoints, progress, partials) or directly.
#[derive(Clone, Copy)]
enum Runner<'a> {
    Job(&'a JobContext, &'a SharedSpending),
    Direct(&'a CancellationToken),
}

impl Runner<'_> {
    fn io(&self, index: usize) -> Io {
        match self {
            Runner::Job(ctx, _) => io_for(ctx, index),
            Runner::Direct(cancel) => Io::quiet((*cancel).clone()),
        }
    }

    fn check_cancelled(&self) -> Result<(), JobError> {
        match self {
            Runner::Job(ctx, _) => ctx.check_cancelled(),
            Runner::Direct(cancel) if cancel.is_cancelled() => Err(JobError::cancelled()),
            Runner::Direct(_) => Ok(()),
        }
    }

    async fn ask<T: crate::artefact::Artefact>(
        self,
        provider: &dyn Provider,
        initiative: &Initiative,
        context: &Context,
        index: usize,
    ) -> Result<T, JobError> {
        let io = self.io(index);
        match self {
            Runner::Job(ctx, spending) => {
                provider::ask_in_job::<T>(ctx, provider, spending, initiative, context, &io).await
            }
            Runner::Direct(_) => provider::ask::<T>(provider, initiative, context, &io)
                .await
                .map_err(|e| provider::step_error(provider, e)),
        }
    }

    /// Step `index`: progress message, the checkpointed work, then its partial.
    async fn step<T, F>(
        self,
        index: usize,
        work: F,
        summary: impl FnOnce(&T) -> String,
    ) -> Result<T, JobError>
    where
        T: Serialize + serde::de::DeserializeOwned,
        F: std::future::Future<Output = Result<T, JobError>>,
    {
        self.check_cancelled()?;
        let Runner::Job(ctx, _) = self else {
            return work.await;
        };
        ctx.progress(percent(index, 0.0), format!("{}…", STEPS[index]));
        let value = ctx.step(STEPS[index], work).await?;
        ctx.partial(&StepResult {
            index: index as u32,
            step: STEPS[index].to_owned(),
            summary: summary(&value),
        })?;
        Ok(value)
    }
}

/// Generates a program without the job engine (no checkpoints, no progress): for
/// benchmarks, tests and tools. The job runs the very same pipeline.
pub async fn generate(
    provider: &dyn Provider,
    initiative: &Initiative,
    cancel: &CancellationToken,
) -> Result<Program, JobError> {
    pipeline(provider, initiative, Runner::Direct(cancel)).await
}

async fn pipeline(
    provider: &dyn Provider,
    initiative: &Initiative,
    run: Runner<'_>,
) -> Result<Program, JobError> {
    let mut context = Context::default();

    let analysis: Analysis = run
        .step(
            0,
            run.ask(provider, initiative, &context, 0),
            |a: &Analysis| match &a.playbook {
                Some(p) => format!("{} (offline playbook: {})", a.industry, p.name),
                None => a.industry.clone(),
            },
        )
        .await?;
    context.analysis = Some(analysis.clone());

    let outline: Outline = run
        .step(
            1,
            run.ask(provider, initiative, &context, 1),
            |o: &Outline| {
                format!(
                    "{} workstreams, {} tasks",
                    o.workstreams.len(),
                    o.tasks().count()
                )
            },
        )
        .await?;
    context.outline = Some(outline.clone());

    let resources: Resources = run
        .step(
            2,
            run.ask(provider, initiative, &context, 2),
            |r: &Resources| {
                let people: u32 = r.roles.iter().map(|x| x.headcount).sum();
                format!("{} roles, {people} people", r.roles.len())
            },
        )
        .await?;
    context.resources = Some(resources.clone());

    let schedule: Schedule = run
        .step(
            3,
            async {
                program::schedule(&outline, &resources)
                    .map_err(|e| JobError::new(ErrorCode::Plan, e.to_string()))
            },
            |s: &Schedule| {
                format!(
                    "critical path {} weeks; levelled schedule {} weeks",
                    s.cpm.duration, s.levelled.makespan
                )
            },
        )
        .await?;

    let budget: Budget = run
        .step(
            4,
            async { Ok(program::budget(initiative, &outline, &resources, &schedule)) },
            |b: &Budget| {
                format!(
                    "{} {} including {:.0} % contingency",
                    crate::plan::thousands(b.total),
                    b.currency,
                    b.contingency_rate * 100.0
                )
            },
        )
        .await?;

    let assessed: Assessed = run
        .step(
            5,
            async {
                let proposed: RiskList = run.ask(provider, initiative, &context, 5).await?;
                let people: u32 = resources.roles.iter().map(|r| r.headcount).sum();
                let computed = program::computed_risks(
                    initiative, &outline, &resources, &schedule, &budget, people,
                );
                Ok(Assessed {
                    risks: program::risk_register(
                        computed.leading,
                        computed.others,
                        proposed.risks.clone(),
                    ),
                    warnings: computed.warnings,
                    proposed: proposed.risks,
                })
            },
            |a: &Assessed| {
                let top = a
                    .risks
                    .first()
                    .map_or(String::new(), |r| format!("; top: {}", r.title));
                format!("{} risks{top}", a.risks.len())
            },
        )
        .await?;

    let targets: Targets = run
        .step(
            6,
            async {
                let kpis: Measures = run.ask(provider, initiative, &context, 6).await?;
                Ok(Targets {
                    kpis,
                    stage_gates: program::gates(initiative, &outline, &schedule),
                })
            },
            |t: &Targets| {
                format!(
                    "{} KPIs, {} stage gates",
                    t.kpis.kpis.len(),
                    t.stage_gates.len()
                )
            },
        )
        .await?;

    let fitting: Fitting = run
        .step(
            7,
            async {
                program::fit(
                    initiative,
                    &outline,
                    &resources,
                    &assessed.proposed,
                    HiresPlan {
                        schedule: &schedule,
                        budget: &budget,
                    },
                )
                .map_err(|e| JobError::new(ErrorCode::Plan, e.to_string()))
            },
            |f: &Fitting| {
                f.variants
                    .iter()
                    .map(|v| {
                        format!(
                            "{}: {} weeks, {} {}",
                            v.label,
                            v.summary.weeks,
                            crate::plan::thousands(v.summary.cost),
                            initiative.currency
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        )
        .await?;

    let source = provider.source();
    run.step(
        8,
        async {
            program::assemble(Parts {
                initiative,
                source,
                analysis: &analysis,
                kpis: &targets.kpis.kpis,
                variants: fitting.variants.clone(),
                recommended: fitting.recommended,
            })
            .ok_or_else(|| {
                JobError::new(ErrorCode::Plan, "the recommended plan variant is missing")
            })
        },
        |p: &Program| {
            format!(
                "program ready: {} workstreams ending {}",
                p.plan.workstreams.len(),
                p.plan.schedule.end_date
            )
        },
    )
    .await
}

impl JobKind for EpmGeneration {
    type Input = EpmInput;
    type Output = Program;

    fn name(&self) -> &str {
        EPM_GENERATION
    }

    fn max_concurrency(&self) -> Option<usize> {
        Some(4)
    }

    fn validate(&self, input: &EpmInput) -> Result<(), String> {
        input.initiative.check()?;
        input.provider.validate()
    }

    async fn run(&self, input: EpmInput, ctx: JobContext) -> Result<Program, JobError> {
        let provider = self.providers.for_job(&input.provider)?;
        let program = pipeline(
            provider.as_ref(),
            &input.initiative,
            Runner::Job(&ctx, &self.providers.spending),
        )
        .await?;
        ctx.progress(100.0, "Program ready");
        Ok(program)
    }
}
