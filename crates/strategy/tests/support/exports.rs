//! A generated program and its plan exports, for the export tests.

use jobs::JobUsage;
use strategy::export::{self, ExportFormat};
use strategy::{OperationResult, Program, epm};
use tokio_util::sync::CancellationToken;

use super::{coffee_draft, initiative};

/// The sample initiative's program from the built-in engine.
pub async fn offline_program() -> Program {
    epm::generate(
        &strategy::provider::OfflineProvider,
        &initiative(coffee_draft()),
        &CancellationToken::new(),
    )
    .await
    .expect("program")
}

/// `p` exported in `format`.
pub fn render(p: &Program, format: ExportFormat) -> String {
    let result = OperationResult::Program(Box::new(p.clone()));
    export::render(&result, "Program", format, &JobUsage::default()).expect("export")
}

/// Text from a model or the user, with everything XML, CSV and iCalendar must escape.
pub const AWKWARD: &str = "Fit-out <kitchen> & \"bar\", 'café'; \\ 老虎 \u{7}\r\nsecond line";
