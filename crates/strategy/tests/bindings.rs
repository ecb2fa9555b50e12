//! The types strategy exports to the UI (with the `specta` feature) become TypeScript
//! beside the engine's: each under its own name, with the wire names serde gives them.
#![cfg(feature = "specta")]

use specta::Types;
use specta_typescript::Typescript;

#[test]
fn the_vocabulary_exports_beside_the_engines_codes() {
    let types = Types::default()
        .register::<jobs::ErrorCode>()
        .register::<strategy::ErrorCode>()
        .register::<strategy::Code>()
        .register::<strategy::OperationKind>()
        .register::<strategy::OperationInfo>()
        .register::<strategy::OperationResult>()
        .register::<strategy::ExportFormat>();
    // Fails on two types of one name (the engine's and the operations' error codes).
    let ts = Typescript::default()
        .export(&types, specta_serde::Format)
        .expect("the types export to TypeScript");
    for name in [
        "ErrorCode",
        "OperationErrorCode",
        "StrategyErrorCode",
        "OperationKind",
        "OperationInfo",
        "OperationResult",
        "ExportFormat",
    ] {
        let declared = format!("export type {name} =");
        assert_eq!(ts.matches(&declared).count(), 1, "{declared} in:\n{ts}");
    }
    for wire in [
        "\"unauthorized\"",
        "\"five_whys\"",
        "operation: \"program\"; result: Program",
        "\"markdown\"",
    ] {
        assert!(ts.contains(wire), "{wire} in:\n{ts}");
    }
}
