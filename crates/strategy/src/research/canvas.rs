//! `bmc_research`: the nine blocks of a Business Model Canvas, each a checkpointed step
//! streamed as it lands, with the evidence behind every entry.

use std::sync::Arc;

use jobs::{JobContext, JobError, JobKind};
use serde::{Deserialize, Serialize};

use crate::artefact::{BlockKind, CanvasBlock, Context, Evidence, ResearchAsk};
use crate::initiative::Initiative;
use crate::operation::BMC_RESEARCH;
use crate::provider::{self, Io, OfflineScale, ProviderChoice, Providers, Source};
use crate::research::ResearchJobs;

/// What a canvas is researched from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BmcInput {
    /// The initiative as it was at the start.
    pub initiative: Initiative,
    /// Where the content comes from.
    #[serde(default)]
    pub provider: ProviderChoice,
    /// Findings of the initiative's latest research report, citable by id.
    #[serde(default)]
    pub report_findings: Vec<Evidence>,
    /// Job id of that report, if one was used.
    #[serde(default)]
    pub report_job: Option<String>,
    /// A research job to wait for first and cite (Run all); its findings replace the above.
    #[serde(default)]
    pub after: Option<String>,
}

/// The researched canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Canvas {
    /// Initiative id.
    pub initiative_id: String,
    /// Where the content came from.
    pub source: Source,
    /// Made without a network.
    pub offline: bool,
    /// How it was made, in a sentence for the user.
    pub note: String,
    /// The nine blocks, in canvas order.
    pub blocks: Vec<CanvasBlock>,
    /// Every piece of evidence an entry cites.
    pub evidence: Vec<Evidence>,
    /// The research report whose findings were used, if any.
    pub report_job: Option<String>,
}

/// The job kind.
#[derive(Clone)]
pub struct BmcResearch {
    providers: Providers,
    research: ResearchJobs,
}

impl BmcResearch {
    /// A kind that builds providers with `providers` and reads the research jobs it follows
    /// from `research`.
    pub fn new(providers: Providers, research: ResearchJobs) -> Self {
        BmcResearch {
            providers,
            research,
        }
    }

    /// `input` with the findings of the research job it follows, once that job has ended (a
    /// checkpointed step: a resumed canvas does not wait or read again).
    async fn follow_research(
        &self,
        input: BmcInput,
        ctx: &JobContext,
    ) -> Result<BmcInput, JobError> {
        let Some(after) = input.after.clone() else {
            return Ok(input);
        };
        ctx.progress(
            0.0,
            "Waiting for the research… the canvas starts when it has finished, to cite its findings",
        );
        let findings: Option<Vec<Evidence>> = ctx
            .step(
                "Waiting for the research",
                self.research.findings_of(&after, ctx),
            )
            .await?;
        Ok(BmcInput {
            report_job: findings.is_some().then_some(after),
            report_findings: findings.unwrap_or_default(),
            ..input
        })
    }
}

/// The evidence a canvas may cite: the report's findings, then the knowledge base's
/// facts for the initiative's industry.
fn evidence_for(input: &BmcInput) -> Result<Vec<Evidence>, JobError> {
    let scale = OfflineScale::for_initiative(&input.initiative).map_err(JobError::from)?;
    let mut evidence = input.report_findings.clone();
    evidence.extend(scale.playbook.facts.iter().map(|f| Evidence {
        id: f.id.clone(),
        text: f.text.clone(),
        source: f.source.clone(),
    }));
    Ok(evidence)
}

impl JobKind for BmcResearch {
    type Input = BmcInput;
    type Output = Canvas;

    fn name(&self) -> &str {
        BMC_RESEARCH
    }

    fn max_concurrency(&self) -> Option<usize> {
        Some(4)
    }

    fn validate(&self, input: &BmcInput) -> Result<(), String> {
        input.initiative.check()?;
        input.provider.validate()
    }

    async fn run(&self, input: BmcInput, ctx: JobContext) -> Result<Canvas, JobError> {
        let provider = self.providers.for_job(&input.provider)?;
        let input = self.follow_research(input, &ctx).await?;
        let evidence = evidence_for(&input)?;
        let mut blocks = Vec::with_capacity(BlockKind::ALL.len());
        for (i, block) in BlockKind::ALL.into_iter().enumerate() {
            ctx.check_cancelled()?;
            let base = i as f64 * 100.0 / 9.0;
            ctx.progress(
                base,
                format!("Researching {}…", block.title().to_lowercase()),
            );
            let context = Context {
                research: Some(ResearchAsk::CanvasBlock {
                    block,
                    evidence: evidence.clone(),
                }),
                ..Context::default()
            };
            let progress = ctx.clone();
            let io = Io {
                cancel: ctx.cancellation_token(),
                activity: Arc::new(move |a| {
                    if let provider::Activity::Receiving { chars } = a {
                        progress.progress(
                            base + 10.0 * (chars as f64 / (chars as f64 + 1_500.0)),
                            format!(
                                "Researching {}… {}",
                                block.title().to_lowercase(),
                                provider::writing_words(chars)
                            ),
                        );
                    }
                }),
            };
            let researched: CanvasBlock = ctx
                .step(block.title(), async {
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
            ctx.partial(&researched)?;
            blocks.push(researched);
        }
        let cited: Vec<Evidence> = evidence
            .into_iter()
            .filter(|e| {
                blocks
                    .iter()
                    .flat_map(|b| &b.entries)
                    .any(|entry| entry.evidence.contains(&e.id))
            })
            .collect();
        let source = provider.source();
        let offline = source.engine == "offline";
        let note = match (offline, input.report_job.is_some()) {
            (true, true) => {
                "Made offline from the industry playbook, citing your research report and the built-in knowledge base."
            }
            (true, false) => {
                "Made offline from the industry playbook, citing the built-in knowledge base; run web research first to cite your own findings."
            }
            (false, true) => {
                "Written by the model, citing your research report and the built-in knowledge base."
            }
            (false, false) => "Written by the model, citing the built-in knowledge base.",
        };
        ctx.progress(100.0, "Canvas ready");
        Ok(Canvas {
            initiative_id: input.initiative.id.clone(),
            source,
            offline,
            note: note.to_owned(),
            blocks,
            evidence: cited,
            report_job: input.report_job,
        })
    }
}
