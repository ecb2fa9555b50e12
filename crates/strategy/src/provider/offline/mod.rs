//! The offline engine: deterministic content from the industry playbooks, sized by the
//! initiative's own budget, horizon and team. Same initiative in, same answer out. How it
//! reads an initiative is in `scale.rs`, what it writes for a program in `content.rs`.

mod content;
mod scale;

use futures::future::BoxFuture;

use super::{Io, Provider, ProviderError, Request, Source, offline_research};
use crate::artefact::{ArtefactKind, ResearchAsk};

pub use scale::OfflineScale;

/// The built-in provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

/// Label every offline result carries.
pub const OFFLINE_LABEL: &str = "Charter offline engine (built-in industry playbooks, no network)";

impl Provider for OfflineProvider {
    fn source(&self) -> Source {
        Source::local("offline", OFFLINE_LABEL)
    }

    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> BoxFuture<'a, Result<serde_json::Value, ProviderError>> {
        Box::pin(async move {
            if io.cancel.is_cancelled() {
                return Err(ProviderError::Cancelled);
            }
            let scale = OfflineScale::for_initiative(request.initiative)?;
            let research = request.context.research.as_ref();
            let missing = || {
                ProviderError::Offline(format!(
                    "a {} request needs its research question",
                    request.kind.as_str()
                ))
            };
            let value = match (request.kind, research) {
                (ArtefactKind::Analysis, _) => to_json(&scale.analysis(request.initiative)),
                (ArtefactKind::Outline, _) => to_json(&scale.outline()),
                (ArtefactKind::Resources, _) => to_json(&scale.resources(&scale.outline())),
                (ArtefactKind::Risks, _) => to_json(&scale.risks(request.initiative)),
                (ArtefactKind::Measures, _) => to_json(&scale.measures(&scale.outline())),
                (ArtefactKind::CanvasBlock, Some(ResearchAsk::CanvasBlock { block, evidence })) => {
                    to_json(&offline_research::canvas_block(
                        scale.playbook,
                        *block,
                        evidence,
                    ))
                }
                (
                    ArtefactKind::WhyLevel,
                    Some(ResearchAsk::WhyLevel {
                        problem,
                        chain,
                        max_depth,
                    }),
                ) => to_json(&offline_research::why_level(
                    scale.playbook,
                    problem,
                    chain,
                    *max_depth,
                )?),
                (ArtefactKind::Findings, Some(ResearchAsk::Findings { query, source })) => {
                    to_json(&offline_research::findings(query, source))
                }
                (
                    ArtefactKind::CanvasBlock | ArtefactKind::WhyLevel | ArtefactKind::Findings,
                    _,
                ) => {
                    return Err(missing());
                }
            }?;
            (request.check)(&value).map_err(|problems| {
                ProviderError::Offline(format!(
                    "its {} failed its own checks: {problems}",
                    request.kind.as_str()
                ))
            })?;
            Ok(value)
        })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ProviderError> {
    serde_json::to_value(value).map_err(|e| ProviderError::Offline(e.to_string()))
}
