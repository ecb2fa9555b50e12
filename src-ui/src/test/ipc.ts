// A scripted backend for tests: answers commands from a table and lets a test push
// messages down the channels the UI opened with `watch_job`.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { LiveMessage_Serialize as LiveMessage } from "../bindings";

type Args = Record<string, unknown>;
type Handler = (args: Args) => unknown;

/** Answers commands from `handlers`, anything else from `defaults` (or null); every call is
 * recorded, in order. */
export function recordIpc(handlers: Record<string, Handler>, defaults: Record<string, unknown> = {}) {
  const calls: { cmd: string; args: Args }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Args;
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (handler) return handler(args);
    return cmd in defaults ? defaults[cmd] : null;
  });
  return { calls, of: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

interface OpenChannel {
  id: number;
  jobId: string;
  next: number;
}

/** The mock backend: every call is recorded; `send` delivers to a watched job's channel. */
export class FakeBackend {
  readonly calls: { cmd: string; args: Record<string, unknown> }[] = [];
  readonly channels: OpenChannel[] = [];
  private readonly handlers = new Map<string, Handler>();

  constructor(handlers: Record<string, Handler> = {}) {
    for (const [cmd, h] of Object.entries(handlers)) this.handlers.set(cmd, h);
    mockIPC(
      (cmd, payload) => {
        const args = (payload ?? {}) as Record<string, unknown>;
        this.calls.push({ cmd, args });
        if (cmd === "watch_job") {
          const channel = args.channel as { id: number };
          this.channels.push({ id: channel.id, jobId: String(args.id), next: 0 });
        }
        const handler = this.handlers.get(cmd);
        if (handler) return handler(args);
        if (cmd === "unwatch_job" || cmd === "mark_seen") return null;
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
  }

  /** Answers `cmd` with `handler` from now on. */
  on(cmd: string, handler: Handler): this {
    this.handlers.set(cmd, handler);
    return this;
  }

  /** Calls made to `cmd`, in order. */
  callsOf(cmd: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  }

  /** Delivers `message` on the newest channel watching `jobId`, in channel order. */
  send(jobId: string, message: LiveMessage): void {
    const channel = [...this.channels].reverse().find((c) => c.jobId === jobId);
    if (!channel) throw new Error(`no channel watches ${jobId}`);
    const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } }).__TAURI_INTERNALS__;
    internals.runCallback(channel.id, { index: channel.next, message });
    channel.next += 1;
  }
}

/** Pretends the window is shown and focused (`true`) or hidden in the tray (`false`). */
export function setPresence(present: boolean): void {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (present ? "visible" : "hidden") });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => !present });
  document.hasFocus = () => present;
  document.dispatchEvent(new Event("visibilitychange"));
  window.dispatchEvent(new Event(present ? "focus" : "blur"));
}
