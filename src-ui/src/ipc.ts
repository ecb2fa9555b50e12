// Unwraps the generated commands' `Result` into a value or a thrown `IpcError`.
import type { IpcError, IpcErrorCode } from "./bindings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

/** Thrown for a command that answered with `{ code, message }`. */
export class CommandError extends Error {
  readonly code: IpcErrorCode;
  constructor(error: IpcError) {
    super(error.message);
    this.code = error.code;
  }
}

/** The data of a successful command, or a thrown `CommandError`. */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "error") throw new CommandError(result.error);
  return result.data;
}
