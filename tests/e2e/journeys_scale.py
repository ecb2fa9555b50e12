"""The Jobs page at scale (100,000 more jobs written straight into the app's database) and
the main screens at 800×600: checks for the journeys, timings reported as metrics."""

import json
import os
import random
import sqlite3
import time

from driver import click_tab, screenshot, screenshot_window, search_for


def seed_jobs(n):
    """Writes `n` finished jobs straight into the app's database (a second connection, as
    the engine allows), created over the past 30 days: the Jobs page at scale."""
    path = os.path.join(os.environ["XDG_DATA_HOME"], "app.charter.desktop", "charter.db")
    db = sqlite3.connect(path, timeout=30)
    now = int(time.time() * 1000)
    kinds = ["epm_generation", "bmc_research", "five_whys", "web_research"]
    rows = []
    for i in range(n):
        created = now - 86_400_000 - (n - i) * 25_000
        rand = random.getrandbits(74)
        hexid = f"{created:012x}7{rand >> 62 & 0xfff:03x}{0x8 | (rand >> 60 & 0x3):x}{rand & ((1 << 60) - 1):015x}"
        uid = f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[16:20]}-{hexid[20:]}"
        failed = i % 10 == 0
        error = json.dumps({"code": "timeout", "message": "the model did not answer in time", "retryable": True}) if failed else None
        rows.append((uid, kinds[i % 4], f"Load test job {i}", "failed" if failed else "completed", 100.0, "{}", error, 1, created, created, created + 20_000, created + 20_000, created + 30_000))
    with db:
        db.executemany(
            "INSERT INTO jobs (id, kind, title, status, progress, input, error, attempt, created_at, started_at, updated_at, finished_at, seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()


def at_scale(s, checks, metrics, artifacts):
    """The Jobs page with 100,000 more jobs: first page, "Load more", a filter (reported)."""
    check, wait_for = checks.check, checks.wait_for
    started = time.time()
    seed_jobs(100_000)
    metrics["seed_100k_jobs_s"] = round(time.time() - started, 1)

    def timed(action_js, ready_js):
        """Milliseconds from `action_js` until the DOM satisfies `ready_js`, measured in the page
        with a MutationObserver (frame callbacks are throttled while the window is unfocused)."""
        script = (
            "const done = arguments[arguments.length - 1]; const t0 = performance.now(); let over = false;"
            "const finish = (v) => { if (!over) { over = true; observer.disconnect(); done(v); } };"
            f"const check = () => {{ if ({ready_js}) finish(Math.round(performance.now() - t0)); }};"
            "const observer = new MutationObserver(check);"
            "observer.observe(document.body, {childList: true, subtree: true, characterData: true});"
            "setTimeout(() => finish(null), 20000);"
            f"{action_js};"
        )
        return s.js_async(script)

    rows = "document.querySelectorAll('[data-testid=job-row]').length"
    s.go("/initiatives")
    wait_for("the initiatives", lambda: s.text("h1") == "Initiatives")
    metrics["jobs_page_first_rows_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=all'", f"{rows} >= 50")
    count = s.text(".jobs-tab[data-state=active]") or ""
    check(bool(count) and int("".join(ch for ch in count if ch.isdigit()) or 0) >= 100_000, f"the All tab counts every job ({count.strip()})")
    load_more = "[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Load more').click()"
    metrics["jobs_page_load_more_ms_at_100k"] = [timed(load_more, f"{rows} >= {50 * (n + 2)}") for n in range(3)]
    ipc = (
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        "window.__TAURI_INTERNALS__.invoke('list_jobs', {query: {statuses: [], limit: 50}})"
        ".then(p => window.__TAURI_INTERNALS__.invoke('list_jobs', {query: {statuses: [], limit: 50, after: p.next}}))"
        ".then(() => done(Math.round(performance.now() - t0)), e => done(String(e)));"
    )
    metrics["list_jobs_two_pages_ipc_ms_at_100k"] = s.js_async(ipc)
    metrics["page_visibility_during_timing"] = s.js("return [document.visibilityState, document.hasFocus()];")
    check(s.js("return document.querySelectorAll('[data-testid=job-row]').length;") >= 200, "“Load more” pages on through the 100,000")
    metrics["jobs_page_text_search_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=all&q=Load%20test%20job%2099999'", f"{rows} === 1")
    check(bool(metrics["jobs_page_text_search_ms_at_100k"]), "a title search finds one job among 100,000")
    metrics["jobs_page_failed_tab_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=failed'", "document.querySelectorAll('[data-testid=job-row][data-status=failed]').length >= 50")
    time.sleep(0.3)
    screenshot(artifacts, "j3-4-jobs-100k.png")


def small_window(s, iid, checks, artifacts):
    """The same screens at 800×600."""
    check, wait_for = checks.check, checks.wait_for
    s.resize(800, 600)
    time.sleep(0.5)
    for route, ready, name in [
        (f"/initiatives/{iid}", "button.op-card", "s-1-workspace-800.png"),
        (f"/initiatives/{iid}", "[data-testid=documents-panel] ul", "s-4-notes-800.png"),
        ("/jobs", "[data-testid=job-row]", "s-2-jobs-800.png"),
    ]:
        s.go(route)
        wait_for(name, lambda: s.find(ready))
        if "notes" in name:
            s.js("document.querySelector('[data-testid=documents-panel]').scrollIntoView({block: 'start'}); return true;")
        time.sleep(0.5)
        screenshot_window(artifacts, name)
    program = s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})
    s.go(f"/results/{program['id']}")
    wait_for("the program", lambda: s.find(".result-view, svg"))
    time.sleep(0.5)
    screenshot_window(artifacts, "s-3-program-800.png")
    width = s.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
    check(width is not None and width <= 0, f"at 800×600 the page does not scroll sideways ({width} px too wide)")
