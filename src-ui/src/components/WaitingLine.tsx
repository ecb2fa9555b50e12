// A paused job's reason and what happens next, in words, counting down to its next try.
import type { Pause_Serialize as Pause } from "../bindings";
import { pauseWords } from "../lib/pause";
import { useNow } from "./Time";

export function WaitingLine({ pause }: { pause: Pause }) {
  const now = useNow(1000);
  const { why, next } = pauseWords(pause, now);
  return (
    <span role="status" data-testid="pause-words">
      <strong>{why}</strong>
      <span className="muted"> — {next}</span>
    </span>
  );
}
