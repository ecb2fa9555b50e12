//! Job kinds: the typed trait an operation implements, and its type-erased form.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::Deserialize as _;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::JobContext;
use crate::error::JobError;

/// Which checkpoints of a job started with an earlier version of its kind the current
/// version can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatible {
    /// Every checkpoint.
    All,
    /// Only those of steps before this index.
    FirstSteps(u32),
    /// None: the job cannot resume; it must run again.
    None,
}

impl Compatible {
    /// Whether the checkpoint of step `index` may be reused.
    pub fn keeps(self, index: u32) -> bool {
        match self {
            Compatible::All => true,
            Compatible::FirstSteps(n) => index < n,
            Compatible::None => false,
        }
    }
}

/// An operation the engine can run; one implementation per kind.
pub trait JobKind: Send + Sync + 'static {
    /// What a job of this kind is started with (stored as JSON).
    type Input: DeserializeOwned + Send + 'static;
    /// What it produces (stored as JSON).
    type Output: Serialize + Send + 'static;

    /// Stable kind name, e.g. `epm_generation`.
    fn name(&self) -> &str;

    /// Whether a run interrupted by a crash may resume from its checkpoints automatically.
    fn resumable(&self) -> bool {
        true
    }

    /// Most jobs of this kind running at once; more wait as pending. `None`: unlimited.
    fn max_concurrency(&self) -> Option<usize> {
        None
    }

    /// Version of this kind's steps and checkpoints; raise it when they change meaning.
    fn version(&self) -> u32 {
        1
    }

    /// Which checkpoints of a job started with version `started_with` this version reads.
    fn compatible(&self, _started_with: u32) -> Compatible {
        Compatible::All
    }

    /// Checks an input beyond its shape (e.g. an empty statement); the message is shown to the user.
    fn validate(&self, _input: &Self::Input) -> Result<(), String> {
        Ok(())
    }

    /// Does the work, reporting through `ctx`.
    fn run(
        &self,
        input: Self::Input,
        ctx: JobContext,
    ) -> impl Future<Output = Result<Self::Output, JobError>> + Send;
}

/// A kind with its types erased to JSON, as the engine stores and runs it.
pub(crate) trait ErasedKind: Send + Sync {
    fn name(&self) -> &str;
    fn resumable(&self) -> bool;
    fn max_concurrency(&self) -> Option<usize>;
    fn version(&self) -> u32;
    fn compatible(&self, started_with: u32) -> Compatible;
    fn validate(&self, input: &serde_json::Value) -> Result<(), String>;
    fn run(
        &self,
        input: serde_json::Value,
        ctx: JobContext,
    ) -> BoxFuture<'static, Result<serde_json::Value, JobError>>;
}

pub(crate) struct Erased<K>(pub Arc<K>);

impl<K: JobKind> ErasedKind for Erased<K> {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn resumable(&self) -> bool {
        self.0.resumable()
    }

    fn max_concurrency(&self) -> Option<usize> {
        self.0.max_concurrency()
    }

    fn version(&self) -> u32 {
        self.0.version()
    }

    fn compatible(&self, started_with: u32) -> Compatible {
        if started_with == self.0.version() {
            Compatible::All
        } else {
            self.0.compatible(started_with)
        }
    }

    fn validate(&self, input: &serde_json::Value) -> Result<(), String> {
        let typed = K::Input::deserialize(input).map_err(|e| e.to_string())?;
        self.0.validate(&typed)
    }

    fn run(
        &self,
        input: serde_json::Value,
        ctx: JobContext,
    ) -> BoxFuture<'static, Result<serde_json::Value, JobError>> {
        let kind = self.0.clone();
        Box::pin(async move {
            let input: K::Input = serde_json::from_value(input).map_err(|e| {
                JobError::new(
                    "invalid_input",
                    format!("the stored input no longer fits: {e}"),
                )
            })?;
            let output = kind.run(input, ctx).await?;
            Ok(serde_json::to_value(output)?)
        })
    }
}
