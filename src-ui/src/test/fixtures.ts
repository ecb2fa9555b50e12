// Job records and snapshots for tests, shaped exactly like the generated bindings.
import type { JobRecord_Serialize as JobRecord, Snapshot_Serialize as Snapshot } from "../bindings";

/** A job record with sensible defaults. */
export function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: "0190a000-0000-7000-8000-000000000001",
    kind: "epm_generation",
    title: "Harbour Coffee — program",
    status: "running",
    progress: 25,
    message: "Extracting workstreams…",
    current_step: "Extracting workstreams",
    input: {},
    result: null,
    error: null,
    session_id: "init-1",
    attempt: 1,
    seq: 10,
    pinned: false,
    created_at: Date.now() - 60_000,
    started_at: Date.now() - 60_000,
    updated_at: Date.now() - 1_000,
    finished_at: null,
    seen_at: null,
    stalled: false,
    eta_ms: 30_000,
    pause: null,
    kind_version: 1,
    unique_key: null,
    spend_limit: null,
    cost_micros: 0,
    tokens: 0,
    forked_from: null,
    fork_step: null,
    ...overrides,
  };
}

/** A snapshot of `record` with no steps or partials unless given. */
export function snapshot(record: JobRecord, more: Partial<Snapshot> = {}): Snapshot {
  return { job: record, steps: [], partials: [], ...more };
}
