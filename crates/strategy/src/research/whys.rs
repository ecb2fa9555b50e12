//! `five_whys`: a why-chain from a problem statement down to a root cause, one level per
//! checkpointed step, each streamed as it lands.

use jobs::{JobContext, JobError, JobKind};
use serde::{Deserialize, Serialize};

use super::{MAX_PROBLEM_CHARS, MAX_WHY_DEPTH};
use crate::artefact::{Context, ResearchAsk, WhyLevel};
use crate::initiative::Initiative;
use crate::operation::FIVE_WHYS;
use crate::provider::{self, Io, OfflineScale, ProviderChoice, Providers, Source};

fn default_depth() -> u32 {
    5
}

/// A problem to analyse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FiveWhysInput {
    /// The initiative it concerns.
    pub initiative: Initiative,
    /// What is observed, e.g. "Weekday sales are 30 % below plan".
    pub problem: String,
    /// Deepest level asked (1–7, default 5).
    #[serde(default = "default_depth")]
    pub max_depth: u32,
    /// Where the content comes from.
    #[serde(default)]
    pub provider: ProviderChoice,
}

/// One level as streamed and stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainLevel {
    /// 1-based depth.
    pub level: u32,
    /// The question, the cause and its countermeasure.
    #[serde(flatten)]
    pub why: WhyLevel,
}

/// The finished chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WhyChain {
    /// The problem statement.
    pub problem: String,
    /// The levels, shallowest first.
    pub levels: Vec<ChainLevel>,
    /// The deepest answer.
    pub root_cause: String,
    /// Countermeasures, the root cause's first.
    pub countermeasures: Vec<String>,
    /// `root_cause` (a root was reached) or `depth_limit`.
    pub stopped: String,
    /// Where the content came from.
    pub source: Source,
    /// Made without a network.
    pub offline: bool,
    /// How it was made, for the user.
    pub note: String,
}

/// The job kind.
#[derive(Clone)]
pub struct FiveWhys {
    providers: Providers,
}

impl FiveWhys {
    /// A kind that builds providers with `providers`.
    pub fn new(providers: Providers) -> Self {
        FiveWhys { providers }
    }
}

/// Checks a problem statement and depth; the message is for the user.
pub fn validate_problem(problem: &str, max_depth: u32) -> Result<(), String> {
    let problem = problem.trim();
    if problem.is_empty() {
        return Err("Describe the problem to analyse (what is observed, e.g. “weekday sales are below plan”).".to_owned());
    }
    if problem.chars().count() > MAX_PROBLEM_CHARS {
        return Err(format!(
            "Keep the problem statement under {MAX_PROBLEM_CHARS} characters."
        ));
    }
    if !(1..=MAX_WHY_DEPTH).contains(&max_depth) {
        return Err(format!("The depth must be between 1 and {MAX_WHY_DEPTH}."));
    }
    Ok(())
}

impl JobKind for FiveWhys {
    type Input = FiveWhysInput;
    type Output = WhyChain;

    fn name(&self) -> &str {
        FIVE_WHYS
    }

    fn max_concurrency(&self) -> Option<usize> {
        Some(4)
    }

    fn validate(&self, input: &FiveWhysInput) -> Result<(), String> {
        validate_problem(&input.problem, input.max_depth)?;
        input.initiative.check()?;
        input.provider.validate()
    }

    async fn run(&self, input: FiveWhysInput, ctx: JobContext) -> Result<WhyChain, JobError> {
        let provider = self.providers.for_job(&input.provider)?;
        let problem = input.problem.trim().to_owned();
        let io = Io::quiet(ctx.cancellation_token());
        let mut chain: Vec<WhyLevel> = Vec::new();
        let mut levels = Vec::new();
        for depth in 1..=input.max_depth {
            ctx.check_cancelled()?;
            let percent = f64::from(depth - 1) * 100.0 / f64::from(input.max_depth);
            ctx.progress(percent, format!("Asking why, level {depth}…"));
            let context = Context {
                research: Some(ResearchAsk::WhyLevel {
                    problem: problem.clone(),
                    chain: chain.clone(),
                    max_depth: input.max_depth,
                }),
                ..Context::default()
            };
            let mut why: WhyLevel = ctx
                .step(&format!("Why {depth}"), async {
                    provider::ask_in_job(
                        &ctx,
                        provider.as_ref(),
                        &self.providers.spending,
                        &input.initiative,
                        &context,
                        &io,
                    )
                    .await
                })
                .await?;
            // Never deeper than the limit, whatever the provider says.
            why.root_cause |= depth == input.max_depth;
            let level = ChainLevel { level: depth, why };
            ctx.partial(&level)?;
            let done = level.why.root_cause;
            chain.push(level.why.clone());
            levels.push(level);
            if done {
                break;
            }
        }
        let source = provider.source();
        let offline = source.engine == "offline";
        let last = levels.last().map(|l| l.why.clone());
        let stopped = match &last {
            Some(l) if l.root_cause && levels.len() < input.max_depth as usize => "root_cause",
            _ => "depth_limit",
        };
        let note = if offline {
            let playbook = OfflineScale::for_initiative(&input.initiative)
                .map(|s| s.playbook.name.clone())
                .unwrap_or_default();
            format!(
                "Made offline: each link comes from the cause-and-effect knowledge in Charter's playbooks ({playbook} first), matched to your statement by its words. Check each link against what you know."
            )
        } else {
            "Written by the model; check each link against what you know.".to_owned()
        };
        let mut countermeasures: Vec<String> = levels
            .iter()
            .rev()
            .map(|l| l.why.countermeasure.clone())
            .collect();
        countermeasures.dedup();
        ctx.progress(100.0, "Root cause found");
        Ok(WhyChain {
            problem,
            root_cause: last.map(|l| l.answer).unwrap_or_default(),
            countermeasures,
            stopped: stopped.to_owned(),
            levels,
            source,
            offline,
            note,
        })
    }
}
