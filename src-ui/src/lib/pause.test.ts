import { describe, expect, it } from "vitest";
import { pauseWords, untilWords } from "./pause";

const NOW = Date.parse("2026-12-04T10:00:00Z");
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();

describe("pauseWords", () => {
  it("says where, why and when for a pause that clears by itself", () => {
    const w = pauseWords({ reason: "offline", message: "", detail: "localhost:11434", until: at(20), since: at(-5) }, NOW);
    expect(`${w.why} — ${w.next}`).toBe("Can't reach the model server at localhost:11434 — trying again in 20 s");
    expect(pauseWords({ reason: "rate_limited", message: "", detail: null, until: at(600), since: at(-1) }, NOW).next).toBe("continuing in 10 min");
    expect(pauseWords({ reason: "provider_down", message: "", detail: null, until: at(-3), since: at(-40) }, NOW).next).toBe("trying again now");
  });

  it("says what the user must do for a pause that waits for them", () => {
    expect(pauseWords({ reason: "unauthorized", message: "", detail: "api.example.org:443", until: null, since: at(0) }, NOW)).toEqual({
      why: "The model server at api.example.org:443 refused the API key",
      next: "continues when the key or the provider settings change",
    });
    expect(pauseWords({ reason: "over_budget", message: "", detail: null, until: null, since: at(0) }, NOW).next).toBe("continues when you allow more");
    expect(pauseWords({ reason: "by_user", message: "", detail: null, until: null, since: at(0) }, NOW).why).toBe("Paused by you");
  });

  it("names the search server when research waits on it", () => {
    const search = { reason: "offline" as const, message: "", detail: "localhost:8888", until: at(20), since: at(-5), service: "search_server" };
    expect(pauseWords(search, NOW).why).toBe("Can't reach the search server at localhost:8888");
    expect(pauseWords({ ...search, reason: "unauthorized", until: null }, NOW)).toEqual({
      why: "The search server at localhost:8888 refused access",
      next: "continues when the search settings change",
    });
    expect(pauseWords({ ...search, service: "model_server" }, NOW).why).toBe("Can't reach the model server at localhost:8888");
  });

  it("rounds the wait to a unit a person reads", () => {
    expect(untilWords(NOW + 89_000, NOW)).toBe("in 89 s");
    expect(untilWords(NOW + 180_000, NOW)).toBe("in 3 min");
    expect(untilWords(NOW + 3 * 3_600_000, NOW)).toBe("in 3 h");
  });
});
