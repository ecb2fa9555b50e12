//! Charter's operations: initiatives, the providers that supply content, the planning
//! core that computes schedules and budgets, and the program-generation and research jobs.

pub mod artefact;
pub mod code;
pub mod documents;
pub mod epm;
pub mod error;
pub mod export;
pub mod initiative;
pub mod operation;
pub mod plan;
pub mod playbook;
pub mod probe;
pub mod program;
pub mod provider;
pub mod rank;
pub mod research;
pub mod run_all;
pub mod store;
pub mod wait;
pub mod waiting;
pub mod wake;
pub mod workspace;

pub use code::{Code, ErrorCode};
pub use error::{Error, Result};
pub use export::ExportFormat;
pub use initiative::{Initiative, InitiativeDraft};
pub use operation::{OPERATIONS, OperationInfo, OperationKind, OperationResult};
pub use program::{Program, TeamMember, VariantId};
pub use provider::{ProviderChoice, Providers, Spending};
pub use run_all::RunAll;
pub use workspace::{Workspace, WorkspaceConfig};
