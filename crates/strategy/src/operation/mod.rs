//! The four operations a user runs on an initiative: their job kinds and the words the UI
//! uses for them, defined once here; their results in `result.rs`.

mod result;

use serde::{Deserialize, Serialize};

pub use result::{OperationResult, ResultError};

/// Job kind of program generation.
pub const EPM_GENERATION: &str = "epm_generation";
/// Job kind of Business Model Canvas research.
pub const BMC_RESEARCH: &str = "bmc_research";
/// Job kind of a five-whys analysis.
pub const FIVE_WHYS: &str = "five_whys";
/// Job kind of web research.
pub const WEB_RESEARCH: &str = "web_research";

/// One of the operations; serialises as `program`, `canvas`, `five_whys` or `research`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    /// Generate the program.
    Program,
    /// Research a Business Model Canvas.
    Canvas,
    /// Ask why, down to a root cause.
    FiveWhys,
    /// Research the market.
    Research,
}

/// What the UI needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OperationInfo {
    /// The operation.
    pub operation: OperationKind,
    /// Its job kind, e.g. `epm_generation`.
    pub kind: &'static str,
    /// A heading: "Program".
    pub label: &'static str,
    /// Inside a sentence: "program".
    pub noun: &'static str,
    /// The start button: "Generate program".
    pub action: &'static str,
    /// "Your program is still being generated".
    pub ongoing: &'static str,
    /// What it produces, in one line for a first-time user.
    pub produces: &'static str,
    /// About how long it takes.
    pub takes: &'static str,
    /// When to run it, relative to the others ("" when it does not matter).
    pub when: &'static str,
}

/// Every operation, in workspace order.
pub const OPERATIONS: [OperationInfo; 4] = [
    OperationInfo {
        operation: OperationKind::Program,
        kind: EPM_GENERATION,
        label: "Program",
        noun: "program",
        action: "Generate program",
        ongoing: "being generated",
        produces: "Workstreams and tasks, a schedule with its critical path, the team, budget, risks and KPIs.",
        takes: "About a minute with a model; seconds with the built-in engine.",
        when: "",
    },
    OperationInfo {
        operation: OperationKind::Canvas,
        kind: BMC_RESEARCH,
        label: "Canvas",
        noun: "canvas",
        action: "Build canvas",
        ongoing: "being built",
        produces: "The nine blocks of a Business Model Canvas, each entry citing its evidence.",
        takes: "About a minute with a model; seconds with the built-in engine.",
        when: "Run Research first: the canvas cites its findings.",
    },
    OperationInfo {
        operation: OperationKind::FiveWhys,
        kind: FIVE_WHYS,
        label: "Five whys",
        noun: "why-chain",
        action: "Ask five whys",
        ongoing: "being worked out",
        produces: "A chain of whys from a problem you observe down to its root cause, with countermeasures.",
        takes: "Under a minute; one step per level.",
        when: "",
    },
    OperationInfo {
        operation: OperationKind::Research,
        kind: WEB_RESEARCH,
        label: "Research",
        noun: "research report",
        action: "Run research",
        ongoing: "being researched",
        produces: "Findings with their sources, from the web or from your own notes and documents.",
        takes: "A minute or two, depending on the search server.",
        when: "Start here: the canvas builds on what it finds.",
    },
];

impl OperationKind {
    /// Every operation, in workspace order.
    pub const ALL: [OperationKind; 4] = [
        OperationKind::Program,
        OperationKind::Canvas,
        OperationKind::FiveWhys,
        OperationKind::Research,
    ];

    /// Its words and job kind.
    pub fn info(self) -> &'static OperationInfo {
        match self {
            OperationKind::Program => &OPERATIONS[0],
            OperationKind::Canvas => &OPERATIONS[1],
            OperationKind::FiveWhys => &OPERATIONS[2],
            OperationKind::Research => &OPERATIONS[3],
        }
    }

    /// Its job kind, e.g. `epm_generation`.
    pub fn job_kind(self) -> &'static str {
        self.info().kind
    }

    /// The operation that runs as jobs of `kind`; `None` for a kind that is none of them.
    pub fn from_job_kind(kind: &str) -> Option<OperationKind> {
        OPERATIONS
            .iter()
            .find(|info| info.kind == kind)
            .map(|info| info.operation)
    }
}

impl std::fmt::Display for OperationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.info().noun)
    }
}

#[cfg(test)]
mod tests {
    use super::{OPERATIONS, OperationKind};

    #[test]
    fn each_operation_has_its_own_row_and_kind() {
        for (i, operation) in OperationKind::ALL.into_iter().enumerate() {
            assert_eq!(OPERATIONS[i].operation, operation);
            assert_eq!(operation.info().operation, operation);
            assert_eq!(
                OperationKind::from_job_kind(operation.job_kind()),
                Some(operation)
            );
        }
        assert_eq!(OperationKind::from_job_kind("other"), None);
        let wire: Vec<serde_json::Value> = OperationKind::ALL
            .iter()
            .map(|o| serde_json::to_value(o).expect("json"))
            .collect();
        assert_eq!(wire, ["program", "canvas", "five_whys", "research"]);
    }
}
