import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { invalidateJobs, keys } from "./queries";

describe("invalidateJobs", () => {
  it("re-reads every job list and the initiatives list, not each initiative", async () => {
    const client = new QueryClient();
    for (const key of [keys.running, keys.latest("i1", "epm_generation"), keys.lastResult("i1", "epm_generation"), keys.initiatives, keys.initiative("i1"), keys.settings]) {
      client.setQueryData(key, 1);
    }
    invalidateJobs(client);
    const stale = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;
    expect(stale(keys.running)).toBe(true);
    expect(stale(keys.latest("i1", "epm_generation"))).toBe(true);
    expect(stale(keys.lastResult("i1", "epm_generation"))).toBe(true);
    expect(stale(keys.initiatives)).toBe(true);
    expect(stale(keys.initiative("i1"))).toBe(false);
    expect(stale(keys.settings)).toBe(false);
  });
});
