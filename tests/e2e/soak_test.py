#!/usr/bin/python3
"""A day in the tray, shortened: jobs of every kind run while the window is shown, hidden to
the tray, reloaded and shown again, with job pages opening and closing live views.

Every SOAK_SAMPLE_S seconds (60 by hand, 15 in CI) it samples the resident memory of the app
and of its WebKit web process, the app's open file descriptors, and the live views the app
holds (`live_views`: the engine's watchers and the shell's channel forwarders). SOAK_JOBS
jobs (300 by default) are started round-robin over four kinds and several initiatives, for
at least SOAK_MINUTES minutes (2 in CI; 1,440 for a day by hand).

Checks (behaviour): every job started ends, nothing fails, the window hides and comes back
each cycle, and with no job page open the watcher and forwarder counts are back to zero.
The curves and the growth after the warm-up go to soak-metrics.json, never asserted."""

import os
import sys
import time

from driver import (
    Checks,
    app_pid,
    hide_by_closing,
    open_first_screen,
    show_again,
    shut_down,
    start_desktop_services,
    start_driver,
)

APP, ARTIFACTS, DRIVER = (os.path.abspath(a) for a in (sys.argv[1:4] + ["", "", ""])[:3])
MINUTES = float(os.environ.get("SOAK_MINUTES", "2"))
SAMPLE_S = float(os.environ.get("SOAK_SAMPLE_S", "15"))
JOBS = int(os.environ.get("SOAK_JOBS", "300"))
INITIATIVES = 8
# The four kinds, as start_operation takes them.
OPERATIONS = [
    {"type": "program"},
    {"type": "canvas"},
    {"type": "five_whys", "problem": "Weekday sales fall after the first month", "max_depth": 3},
    {"type": "research", "questions": ["commuter coffee habits"]},
]

checks = Checks()
check, wait_for = checks.check, checks.wait_for


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def descendants(pid):
    """Every process below `pid` (the WebKit web and network processes), as (pid, name)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append((int(entry), name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child[0])
    return found


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def draft(n):
    return {
        "name": f"Soak {n}", "description": "A ferry-side coffee bar that keeps running all day.",
        "industry": "Food & beverage", "budget": 250000, "currency": "EUR", "horizon_months": 6,
        "team_size": 3, "start_date": "2027-01-04", "constraints": [],
    }


class Soak:
    def __init__(self, s, pid):
        self.s, self.pid = s, pid
        self.started, self.samples = [], []
        self.begin = time.time()
        self.next_sample = self.begin + SAMPLE_S
        self.initiatives = [s.invoke("create_initiative", {"draft": draft(n)})["id"] for n in range(INITIATIVES)]
        self.turn = 0

    def start_some(self, n):
        """Starts up to `n` more jobs, round-robin; a request still running is joined, not
        started again, and is skipped."""
        for _ in range(n):
            if len(self.started) >= JOBS:
                return
            operation = OPERATIONS[self.turn % len(OPERATIONS)]
            initiative = self.initiatives[(self.turn // len(OPERATIONS)) % INITIATIVES]
            self.turn += 1
            answer = self.s.invoke("start_operation", {"initiativeId": initiative, "operation": operation})
            if not answer["joined"]:
                self.started.append(answer["id"])

    def sample(self, phase):
        views = self.s.invoke("live_views", {})
        web = [p for p, name in descendants(self.pid) if name.startswith("WebKitWebProces")]
        counts = self.s.invoke("job_counts", {"kind": None})
        row = {
            "t_s": round(time.time() - self.begin),
            "phase": phase,
            "jobs_started": len(self.started),
            "jobs_active": sum(counts.get(k, 0) for k in ("pending", "running", "paused")),
            "app_rss_mib": round((rss_kib(self.pid) or 0) / 1024, 1),
            "web_rss_mib": round(sum(rss_kib(p) or 0 for p in web) / 1024, 1),
            "app_fds": open_fds(self.pid),
            "engine_watchers": views["engine_watchers"],
            "forwarders": views["forwarders"],
        }
        self.samples.append(row)
        print(f"sample {row}", flush=True)

    def tick(self, phase):
        """Starts a few jobs and samples when a sample is due."""
        self.start_some(3)
        if time.time() >= self.next_sample:
            self.sample(phase)
            self.next_sample += SAMPLE_S

    def busy_for(self, seconds, phase):
        end = time.time() + seconds
        while time.time() < end:
            self.tick(phase)
            time.sleep(1)

    def over(self):
        return len(self.started) >= JOBS and time.time() - self.begin >= MINUTES * 60


def watch_a_running_job(s, soak):
    """Opens a running job's page (a live view), then the Jobs page (the view goes)."""
    running = s.invoke("running_jobs", {})
    if running:
        s.go(f"/jobs/{running[0]['id']}")
        soak.busy_for(3, "job page open")
    s.go("/jobs")
    soak.busy_for(2, "jobs page")


def cycle(s, soak, app, n):
    """One round of what a user does in a day: watch, hide to the tray, come back, reload."""
    watch_a_running_job(s, soak)
    hidden = hide_by_closing(checks)
    soak.busy_for(4, "hidden in the tray")
    if hidden:
        show_again(app, checks)
    watch_a_running_job(s, soak)
    # A marker the reload clears: the next call must not start in the page being unloaded.
    s.js("window.__beforeReload = true; setTimeout(() => location.reload(), 0);")
    wait_for("the page after a reload", lambda: s.js("return !window.__beforeReload && !!document.querySelector('h1');"), timeout=20)
    soak.busy_for(2, "reloaded")
    print(f"cycle {n} done: {len(soak.started)} jobs started", flush=True)


def growth(samples, key):
    """Percent change from the first sample after the warm-up (a third of the run) to the last."""
    warm = samples[len(samples) // 3 :]
    if len(warm) < 2 or not warm[0][key]:
        return None
    return round(100 * (warm[-1][key] - warm[0][key]) / warm[0][key], 1)


def main():
    services = start_desktop_services(os.path.join(ARTIFACTS, "soak-notifications.jsonl"))
    driver = start_driver(DRIVER)
    session = None
    metrics = {"minutes": MINUTES, "sample_s": SAMPLE_S, "jobs": JOBS}
    try:
        session = open_first_screen(APP, checks)
        pid = app_pid(APP)
        soak = Soak(session, pid)
        soak.sample("start")
        n = 0
        while not soak.over():
            n += 1
            cycle(session, soak, APP, n)
        # Let every job end, on a page that watches none.
        session.go("/initiatives")
        ended = wait_for(
            "every job to end",
            lambda: (c := soak.s.invoke("job_counts", {"kind": None})).get("running", 0) == 0 and c.get("pending", 0) == 0,
            timeout=300,
            interval=1,
        )
        time.sleep(1)
        soak.sample("end, no job page open")
        last = soak.samples[-1]
        counts = session.invoke("job_counts", {"kind": None})
        check(bool(ended), f"all {len(soak.started)} jobs ended")
        check(counts.get("failed", 0) == 0 and counts.get("interrupted", 0) == 0, f"no job failed or was interrupted ({counts})")
        check(len(soak.started) >= JOBS, f"{JOBS} jobs of four kinds were started ({len(soak.started)})")
        check(last["engine_watchers"] == 0 and last["forwarders"] == 0, f"with no job page open, no view is left ({last['engine_watchers']} watchers, {last['forwarders']} forwarders)")
        metrics["cycles"] = n
        metrics["samples"] = soak.samples
        for key in ("app_rss_mib", "web_rss_mib", "app_fds"):
            metrics[f"{key}_growth_after_warmup_pct"] = growth(soak.samples, key)
        metrics["peak"] = {k: max(r[k] or 0 for r in soak.samples) for k in ("app_rss_mib", "web_rss_mib", "app_fds", "engine_watchers", "forwarders")}
    except (RuntimeError, OSError) as e:
        check(False, f"the soak ran to the end ({e!r})")
    finally:
        shut_down(session, driver, services)
    checks.report("soak", os.path.join(ARTIFACTS, "soak-checks.txt"), metrics, os.path.join(ARTIFACTS, "soak-metrics.json"), quiet=("samples",))


if __name__ == "__main__":
    main()
