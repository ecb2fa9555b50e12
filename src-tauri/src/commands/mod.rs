//! The IPC commands, by area: each validates its input, calls the workspace, and answers
//! with the data or one error shape, `{ code, message }` (malformed arguments too: every
//! command is declared with `root = "ipc_args"`, see [`crate::ipc_args`]).

mod documents;
mod exports;
mod initiatives;
mod jobs;
mod settings;

use std::str::FromStr;

use ::jobs::JobId;

pub use self::documents::*;
pub use self::exports::*;
pub use self::initiatives::*;
pub use self::jobs::*;
pub use self::settings::*;
use crate::error::{IpcError, IpcResult};

fn job_id(id: &str) -> IpcResult<JobId> {
    JobId::from_str(id.trim()).map_err(|_| IpcError::invalid(format!("“{id}” is not a job id")))
}

fn job_ids(ids: &[String]) -> IpcResult<Vec<JobId>> {
    ids.iter().map(|id| job_id(id)).collect()
}

/// A count of rows for the UI (counts past `u32::MAX` are shown as that).
fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
