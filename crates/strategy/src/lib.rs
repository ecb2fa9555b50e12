//! Charter's operations.
pub mod plan;
