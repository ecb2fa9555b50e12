// A paused job in words: what it waits for, and what happens next and when.
import type { Pause_Serialize as Pause, Service } from "../bindings";

/** What each server a job can wait on is called. */
const SERVICE_WORDS: Record<Service, string> = { model_server: "model server", search_server: "search server" };

/** The server a pause names (a pause from before servers were named is the model's). */
function serviceOf(pause: Pause): Service {
  return pause.service === "search_server" ? "search_server" : "model_server";
}

/** "in 20 s", "in 3 min", "now" — how long until `at` (ms since the epoch). */
export function untilWords(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

/** Why it waits ("Can't reach the model server at localhost:11434") and what comes next. */
export function pauseWords(pause: Pause, now: number): { why: string; next: string } {
  const at = pause.until != null ? Date.parse(pause.until) : null;
  const when = at != null && !Number.isNaN(at) ? untilWords(at, now) : null;
  const where = pause.detail ? ` at ${pause.detail}` : "";
  const service = serviceOf(pause);
  const server = SERVICE_WORDS[service];
  switch (pause.reason) {
    case "offline":
      return { why: `Can't reach the ${server}${where}`, next: when ? `trying again ${when}` : "trying again when it is back" };
    case "rate_limited":
      return { why: `The ${server}${where} asked Charter to slow down`, next: when ? `continuing ${when}` : "continuing shortly" };
    case "provider_down":
      return { why: `The ${server}${where} is failing`, next: when ? `trying again ${when}` : "trying again shortly" };
    case "unauthorized":
      return service === "search_server"
        ? { why: `The ${server}${where} refused access`, next: "continues when the search settings change" }
        : { why: `The ${server}${where} refused the API key`, next: "continues when the key or the provider settings change" };
    case "over_budget":
      return { why: "It reached its spending cap", next: "continues when you allow more" };
    case "by_user":
      return { why: "Paused by you", next: "continues when you resume it" };
  }
}
