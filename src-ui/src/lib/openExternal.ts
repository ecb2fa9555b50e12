// Opens a web address in the user's browser (through Rust, which accepts only http(s)).
import { toast } from "sonner";
import { commands } from "../bindings";
import { unwrap } from "../ipc";

/** Opens `url` in the browser; a refusal or failure shows as a toast. */
export function openExternal(url: string): void {
  void unwrap(commands.openUrl(url)).catch((e: unknown) => toast.error(e instanceof Error ? e.message : String(e)));
}
