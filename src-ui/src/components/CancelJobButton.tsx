// The one Cancel for a job, wherever it shows (a Jobs row, a job's page, a workspace panel):
// the same word, icon and style everywhere, and a tooltip saying what cancelling keeps.
import { Tip } from "./Tip";
import { Ban } from "lucide-react";

/** What the tooltip says: cancelling is not the end of the work done so far. */
export const CANCEL_TIP = "Stop this job. Retry later resumes it from its last completed step.";

export function CancelJobButton({
  onCancel,
  busy = false,
  jobTitle,
  className = "",
}: {
  onCancel: () => void;
  /** An action on this job is under way. */
  busy?: boolean;
  /** Where several jobs are listed: names the button "Cancel <title>" for screen readers. */
  jobTitle?: string;
  /** Places the button (a grid slot); its look stays the same. */
  className?: string;
}) {
  return (
    <Tip text={CANCEL_TIP}>
      <button
        type="button"
        className={`btn small cancel-job ${className}`.trim()}
        disabled={busy}
        aria-label={jobTitle ? `Cancel ${jobTitle}` : undefined}
        onClick={onCancel}
      >
        {/* The icon the job wears once cancelled (StatusBadge). */}
        <Ban size={14} aria-hidden /> Cancel
      </button>
    </Tip>
  );
}
