// "Run again" on a finished job: from which step (or from scratch), optionally on the provider
// now in the settings, with a preview of which steps are reused and which run before the user
// commits. The new job is linked to this one, which stays as it was.
import { useState } from "react";
import { useNavigate } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { RotateCcw } from "lucide-react";
import { commands, type JobRecord_Serialize as JobRecord, type ResumePreview, type StepRecord_Serialize as StepRecord } from "../../bindings";
import { unwrap } from "../../ipc";

/** The preview in words: "Reuses steps 1–3 (…) from this run; runs step 4 onwards." */
export function previewWords(preview: ResumePreview): string {
  const { restored, will_run_from, dropped } = preview;
  const runs = `runs step ${will_run_from + 1} onwards`;
  const reused =
    restored.length === 0
      ? "Runs every step from scratch"
      : `Reuses ${restored.length === 1 ? "step 1" : `steps 1–${restored.length}`} (${restored.map((s) => s.name).join(", ")}) from this run; ${runs}`;
  const redone = dropped.length > 0 ? ` ${dropped.map((s) => s.name).join(", ")} cannot be reused by this version and run again.` : "";
  return `${reused}.${redone}`;
}

export function RunAgain({ job, steps }: { job: JobRecord; steps: StepRecord[] }) {
  const navigate = useNavigate();
  const completed = steps.filter((s) => s.status === "completed").sort((a, b) => a.index - b.index);
  // The default: from the first step that did not complete (a retry's point), or scratch.
  const [from, setFrom] = useState(() => (job.status === "completed" ? 0 : completed.length));
  const [currentProvider, setCurrentProvider] = useState(false);
  const usesProvider = typeof job.input === "object" && job.input != null && "provider" in job.input;
  const preview = useQuery({
    queryKey: ["run-again-preview", job.id, from],
    queryFn: () => unwrap(commands.previewRunAgain(job.id, from)),
  });
  const run = useMutation({
    mutationFn: () => unwrap(commands.runAgain(job.id, from, currentProvider)),
    onSuccess: (id) => {
      toast.success("Running again as a new job");
      navigate(`/jobs/${id}`);
    },
    onError: (e: Error) => toast.error(`Could not run it again: ${e.message}`),
  });
  // After every step of a completed job there is nothing left to run.
  const resumable = job.status === "completed" ? completed.slice(0, -1) : completed;
  const choices = [{ value: 0, label: "From scratch" }, ...resumable.map((s) => ({ value: s.index + 1, label: `From step ${s.index + 2} (after ${s.name})` }))];

  return (
    <section className="card stack run-again" aria-labelledby="run-again-title">
      <h2 id="run-again-title">Run again</h2>
      <div className="row">
        <label className="field">
          Start
          <select value={from} onChange={(e) => setFrom(Number(e.target.value))} aria-label="Run again from">
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {usesProvider && (
          <label className="row small">
            <input type="checkbox" checked={currentProvider} onChange={(e) => setCurrentProvider(e.target.checked)} />
            with the model provider now in Settings
          </label>
        )}
      </div>
      <p className="muted small" data-testid="run-again-preview" aria-live="polite">
        {preview.data ? previewWords(preview.data) : preview.error ? `Cannot tell what would be reused: ${preview.error.message}` : "Working out what can be reused…"}
      </p>
      <div>
        <button type="button" className="btn" disabled={run.isPending} onClick={() => run.mutate()}>
          <RotateCcw size={14} aria-hidden /> Run again
        </button>
        <span className="muted small"> This run stays as it is; the new one is linked to it.</span>
      </div>
    </section>
  );
}
