// What a user can do about a failed job, by its error code: the cause is the engine's message;
// this is the next step, in the words of the screens it points to.
import type { IpcErrorCode } from "../bindings";

const NEXT_STEP: Partial<Record<IpcErrorCode, string>> = {
  unauthorized: "check the API key in Settings → Content provider",
  unreachable: "check that the model server is running, then retry",
  timeout: "retry; a slow model may need a second try",
  rate_limited: "retry in a few minutes",
  server_error: "the model server is having trouble — retry later",
  rejected: "check the model name in Settings → Content provider",
  protocol: "check the server address in Settings → Content provider",
  invalid_answer: "retry, or choose a larger model in Settings → Content provider",
  provider_config: "finish the model setup in Settings → Content provider",
  no_knowledge: "add your own notes on the initiative page, or research with a search server",
  offline_engine: "retry; if it fails again, report it",
  search: "the search server is unavailable — retry later or check Settings → Research",
  search_config: "check the search server in Settings → Research",
  plan: "edit the initiative (team, budget or horizon) and run again",
  interrupted: "retry: it resumes from its last completed step",
  storage: "check the disk has room, then retry",
};

/** The next step for a failure with `code`, or null when there is nothing specific to say. */
export function nextStep(code: string | null | undefined): string | null {
  return code != null && Object.hasOwn(NEXT_STEP, code) ? (NEXT_STEP[code as IpcErrorCode] ?? null) : null;
}

/** The cause and the next step in one line: "No answer in time — retry; …". */
export function failureWords(error: { code: string; message: string } | null | undefined): string | null {
  if (!error) return null;
  const next = nextStep(error.code);
  return next ? `${error.message.replace(/\.$/, "")} — ${next}` : error.message;
}
