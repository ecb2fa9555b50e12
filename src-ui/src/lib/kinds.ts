// The four operations as the backend defines them (OPERATIONS in the bindings), looked up by
// job kind, with a neutral fallback for a kind this version does not know.
import { OPERATIONS, type OperationInfo } from "../bindings";

/** What the UI needs to know about one job kind. */
export type KindInfo = OperationInfo;

/** The operations in workspace order. */
export const KINDS: readonly KindInfo[] = OPERATIONS;

/** Information for `kind`, with a neutral fallback for kinds this UI does not know. */
export function kindInfo(kind: string): KindInfo {
  return (
    KINDS.find((k) => k.kind === kind) ?? {
      kind,
      label: kind,
      noun: "result",
      action: "Run",
      ongoing: "running",
      operation: "program",
      produces: "",
      takes: "",
      when: "",
    }
  );
}
