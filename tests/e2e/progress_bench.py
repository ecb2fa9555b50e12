#!/usr/bin/python3
"""Progress to pixels: how long a job's `ctx.progress` call takes to show on its page.

The app runs with CHARTER_BENCH_PROGRESS=RATE:SECONDS, which starts one job of the benchmark
kind (src-tauri/src/progress_bench.rs). It waits until a view watches it, then reports
RATE updates a second for SECONDS seconds, each message carrying the wall clock (unix µs) of
the call that sent it, and holds the final value a second before it completes. The page
records, with a MutationObserver, when each value reaches the DOM (the same wall clock), and
the gaps between animation frames meanwhile.

Checks (behaviour): the final value reaches the page, values only move forward, the job
completes. Delays and frame gaps are reported in progress-metrics.json, never asserted."""

import os
import re
import sys

from driver import (
    Checks,
    open_first_screen,
    screenshot,
    shut_down,
    start_desktop_services,
    start_driver,
)

APP, ARTIFACTS, DRIVER = (os.path.abspath(a) for a in (sys.argv[1:4] + ["", "", ""])[:3])
TITLE = "Progress benchmark"
RATE, SECONDS = (int(part) for part in os.environ.get("CHARTER_BENCH_PROGRESS", "1000:10").split(":"))
TOTAL = RATE * SECONDS

checks = Checks()
check, wait_for = checks.check, checks.wait_for
metrics = {"rate_per_s": RATE, "seconds": SECONDS}

# Installed right after the job page opens: the job waits a second after a view attaches.
RECORDER = r"""
const bench = window.__progressBench = {seen: [], frames: [], idle: [], last: 0, total: 0, done: false};
const clock = () => performance.timeOrigin + performance.now();
const pattern = /update (\d+) of (\d+) sent at (\d+)/;
const look = () => {
  const text = document.querySelector('.job-live-text')?.textContent ?? '';
  const m = pattern.exec(text);
  if (!m) return;
  const index = Number(m[1]);
  if (index === bench.last) return;
  bench.seen.push([index, Number(m[3]) / 1000, clock()]);
  bench.last = index;
  bench.total = Number(m[2]);
};
new MutationObserver(look).observe(document.body, {childList: true, subtree: true, characterData: true});
let previous = null;
const frame = (t) => {
  // Before the first update: the same page standing still, for comparison.
  if (previous !== null && !bench.done) (bench.seen.length > 0 ? bench.frames : bench.idle).push(t - previous);
  previous = t;
  if (bench.last > 0 && bench.last === bench.total) bench.done = true;
  if (!bench.done) requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
look();
return true;
"""


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else None


def summary(values):
    return {
        "p50": round(percentile(values, 50), 1),
        "p99": round(percentile(values, 99), 1),
        "max": round(max(values), 1),
        "count": len(values),
    } if values else None


def bench_job(s):
    page = s.invoke("list_jobs", {"query": {"statuses": [], "limit": 50}})
    return next((j for j in page["items"] if j["title"] == TITLE), None)


def main():
    services = start_desktop_services(os.path.join(ARTIFACTS, "progress-notifications.jsonl"))
    driver = start_driver(DRIVER)
    session = None
    try:
        session = open_first_screen(APP, checks)
        job = wait_for("the benchmark job", lambda: bench_job(session), timeout=20)
        if not job:
            return
        check(job["status"] == "running", f"the benchmark job waits, running, for a view ({job['status']})")
        session.go(f"/jobs/{job['id']}")
        session.js(RECORDER)
        done = wait_for(
            "the final value on the page",
            lambda: session.js("return window.__progressBench.done;"),
            timeout=SECONDS + 30,
            interval=0.5,
        )
        screenshot(ARTIFACTS, "b1-progress-bench.png")
        data = session.js("return window.__progressBench;")
        seen, frames = data["seen"], data["frames"]
        indexes = [row[0] for row in seen]
        check(bool(done) and indexes[-1:] == [TOTAL], f"the final value ({TOTAL} of {TOTAL}) reached the page")
        check(all(a < b for a, b in zip(indexes, indexes[1:])), "values shown only move forward")
        delays = [shown - sent for _, sent, shown in seen]
        window_s = (seen[-1][2] - seen[0][2]) / 1000 if len(seen) > 1 else 0
        metrics["progress_to_dom_ms"] = summary(delays)
        metrics["values_shown"] = len(seen)
        metrics["values_shown_per_s"] = round(len(seen) / window_s, 1) if window_s else None
        metrics["frame_gap_ms"] = summary(frames)
        metrics["frame_gaps_over_50_ms"] = sum(1 for f in frames if f > 50)
        metrics["idle_frame_gap_ms"] = summary(data["idle"])
        metrics["final_value_shown"] = indexes[-1:] == [TOTAL]
        completed = wait_for(
            "the job to complete",
            lambda: re.search(r"\bCompleted\b", session.text("main") or ""),
            timeout=30,
        )
        check(bool(completed), "the benchmark job completes and its page says so")
    except (RuntimeError, OSError) as e:
        check(False, f"the progress benchmark ran to the end ({e!r})")
    finally:
        shut_down(session, driver, services)
    checks.report("progress", os.path.join(ARTIFACTS, "progress-checks.txt"), metrics, os.path.join(ARTIFACTS, "progress-metrics.json"))


if __name__ == "__main__":
    main()
