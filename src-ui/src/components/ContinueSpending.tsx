// A job paused at its spending cap: what it spent of what it may, and "Continue (+ amount)",
// which raises the cap by that much and lets it go on.
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { Play } from "lucide-react";
import { commands, type JobRecord_Serialize as JobRecord } from "../bindings";
import { unwrap } from "../ipc";
import { useSettings } from "../lib/queries";
import { amountToMicros, costWords, microsToAmount } from "../lib/spending";

/** What one more "Continue" offers by default: the run's limit again, or one unit when the
 * limit is under a cent (or there is none). */
function defaultRaise(job: JobRecord): number {
  return job.spend_limit != null && job.spend_limit >= 10_000 ? job.spend_limit : 1_000_000;
}

export function ContinueSpending({ job }: { job: JobRecord }) {
  const currency = useSettings().data?.spending.currency ?? "USD";
  const [amount, setAmount] = useState(() => microsToAmount(defaultRaise(job)));
  const extra = amountToMicros(amount);
  const raise = useMutation({
    mutationFn: (micros: number) => unwrap(commands.raiseSpendLimit(job.id, micros)),
    onSuccess: () => toast.success("Continuing with the higher limit"),
    onError: (e: Error) => toast.error(`Could not continue: ${e.message}`),
  });
  return (
    <div className="row continue-spending" data-testid="continue-spending">
      <span className="small">
        Spent {costWords(job.cost_micros, currency)}
        {job.spend_limit != null && <> of its {costWords(job.spend_limit, currency)} limit</>}.
      </span>
      <span className="spacer" />
      <label className="row small">
        Add
        <input className="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-label={`Amount to add, in ${currency}`} />
        {currency}
      </label>
      <button type="button" className="btn small primary" disabled={extra == null || raise.isPending} onClick={() => extra != null && raise.mutate(extra)}>
        <Play size={14} aria-hidden /> Continue (+ {extra != null ? costWords(extra, currency) : "…"})
      </button>
    </div>
  );
}
