// "Run all": research, then the canvas on its findings (the backend makes the canvas wait for
// the research), and the program, from one click. Five whys needs a problem the user
// observes, so it stays the user's to start.
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { ListChecks } from "lucide-react";
import { commands, type RunAll } from "../../bindings";
import { unwrap } from "../../ipc";
import { Tip } from "../../components/Tip";
import { kindInfo } from "../../lib/kinds";

const RESEARCH = kindInfo("web_research");
const CANVAS = kindInfo("bmc_research");
const PROGRAM = kindInfo("epm_generation");

/** What Run all does, in one sentence. */
export const RUN_ALL_WORDS = `${RESEARCH.label}, then the ${CANVAS.noun} citing its findings, and the ${PROGRAM.noun}. ${kindInfo("five_whys").label} needs a problem you observe, so start it yourself.`;

export function RunAllButton({ initiativeId, onStarted }: { initiativeId: string; onStarted: (started: RunAll) => void }) {
  const run = useMutation({
    mutationFn: () => unwrap(commands.runAll(initiativeId)),
    onSuccess: (jobs) => onStarted(jobs),
    onError: (e: Error) => toast.error(`Could not start: ${e.message}`),
  });
  return (
    <Tip text={RUN_ALL_WORDS} side="bottom">
      <button type="button" className="btn" onClick={() => run.mutate()} disabled={run.isPending || !initiativeId}>
        <ListChecks size={14} aria-hidden /> Run all
      </button>
    </Tip>
  );
}
