"""The Jobs page at scale (100,000 more jobs written straight into the app's database) and
the main screens at 800×600: checks for the journeys, timings reported as metrics."""

# Every other seeded job (all of them completed) carries this in its title: 50,000 to delete at once.
ARCHIVED = "(archived)"

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
        title = f"Load test job {i} {ARCHIVED}" if i % 2 else f"Load test job {i}"
        rows.append((uid, kinds[i % 4], title, "failed" if failed else "completed", 100.0, "{}", error, 1, created, created, created + 20_000, created + 20_000, created + 30_000))
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
            # data-loaded: the list is windowed, so a page loaded below the viewport may add no rows.
            "observer.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-loaded']});"
            "setTimeout(() => finish(null), 20000);"
            f"{action_js};"
        )
        return s.js_async(script)

    # Job records loaded into the list: it is windowed, so only the rows near the viewport are in the DOM.
    # Loaded jobs: the windowed list says how many it holds; a list that renders every row
    # (an older build, for the before figures) is counted by its rows.
    rows = "(Number(document.querySelector('ul.job-list')?.dataset.loaded) || document.querySelectorAll('[data-testid=job-row]').length)"
    s.go("/initiatives")
    wait_for("the initiatives", lambda: s.text("h1") == "Initiatives")
    metrics["jobs_page_first_rows_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=all'", f"{rows} >= 50")
    count = s.text(".jobs-tab[data-state=active]") or ""
    check(bool(count) and int("".join(ch for ch in count if ch.isdigit()) or 0) >= 100_000, f"the All tab counts every job ({count.strip()})")
    load_more = "[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Load more').click()"
    metrics["jobs_page_load_more_ms_at_100k"] = [timed(load_more, f"{rows} >= {50 * (n + 2)}") for n in range(20)]
    ipc = (
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        "window.__TAURI_INTERNALS__.invoke('list_jobs', {query: {statuses: [], limit: 50}})"
        ".then(p => window.__TAURI_INTERNALS__.invoke('list_jobs', {query: {statuses: [], limit: 50, after: p.next}}))"
        ".then(() => done(Math.round(performance.now() - t0)), e => done(String(e)));"
    )
    metrics["list_jobs_two_pages_ipc_ms_at_100k"] = s.js_async(ipc)
    metrics["page_visibility_during_timing"] = s.js("return [document.visibilityState, document.hasFocus()];")
    check(s.js(f"return {rows};") >= 200, "“Load more” pages on through the 100,000")
    metrics["jobs_page_text_search_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=all&q=Load%20test%20job%2099999'", f"{rows} === 1")
    check(bool(metrics["jobs_page_text_search_ms_at_100k"]), "a title search finds one job among 100,000")
    metrics["jobs_page_failed_tab_ms_at_100k"] = timed("window.location.hash = '/jobs?tab=failed'", f"{rows} >= 50 && !!document.querySelector('ul.job-list [data-status=failed]')")
    time.sleep(0.3)
    screenshot(artifacts, "j3-4-jobs-100k.png")
    scroll_5000(s, checks, metrics, rows)
    delete_50000(s, checks, metrics, rows, artifacts)


def scroll_5000(s, checks, metrics, rows):
    """5,000 loaded jobs scrolled top to bottom, 400 px a frame: the longest gap between frames."""
    check, wait_for = checks.check, checks.wait_for
    s.go("/jobs?tab=all")
    wait_for("the All tab's first page", lambda: (s.js(f"return {rows};") or 0) >= 50)
    load_5000 = (
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        f"const loaded = () => {rows};"
        "const until = (ok, ms) => new Promise((resolve) => { const t = performance.now();"
        "  const poll = () => (ok() || performance.now() - t > ms ? resolve(ok()) : setTimeout(poll, 10)); poll(); });"
        "(async () => {"
        "  while (loaded() < 5000 && performance.now() - t0 < 50000) {"
        "    const before = loaded();"
        "    const more = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Load more');"
        "    if (!more) break;"
        "    if (!more.disabled) more.click();"
        "    if (!(await until(() => loaded() > before, 10000))) break;"
        "  }"
        "  done(loaded());"
        "})();"
    )
    loaded = s.js_async(load_5000)
    metrics["jobs_page_loaded_for_scroll"] = loaded
    check((loaded or 0) >= 5000, f"“Load more” loads 100 pages (5,000 jobs; {loaded} loaded)")
    scroll = (
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        "window.scrollTo(0, 0);"
        "const gaps = []; let last = null; let still = 0;"
        "const lastRow = () => { const r = [...document.querySelectorAll('ul.job-list > li[aria-posinset]')].at(-1);"
        "  return r ? [Number(r.getAttribute('aria-posinset')), Number(r.getAttribute('aria-setsize'))] : null; };"
        "const frame = (t) => {"
        "  if (last != null) gaps.push(t - last);"
        "  last = t;"
        "  const bottom = document.documentElement.scrollHeight - window.innerHeight;"
        # At the bottom for a few frames: the rows there have rendered and been measured.
        "  still = window.scrollY >= bottom - 1 ? still + 1 : 0;"
        "  if (still >= 3 || performance.now() - t0 > 50000) {"
        "    done({gaps: gaps.map(Math.round), last: lastRow(), bottom: window.scrollY >= bottom - 1}); return;"
        "  }"
        "  window.scrollBy(0, 1200);"  # a fast fling: 1,200 px a frame
        "  requestAnimationFrame(frame);"
        "};"
        "requestAnimationFrame(frame);"
    )
    # The same page standing still: the frame gaps this desktop (Xvfb, software painting, no
    # compositing) has anyway, beside which the scrolling ones read.
    idle = (
        "const done = arguments[arguments.length - 1]; const gaps = []; let last = null; const t0 = performance.now();"
        "const frame = (t) => { if (last != null) gaps.push(t - last); last = t;"
        "  if (performance.now() - t0 > 3000) { done(gaps.map(Math.round).sort((a, b) => a - b)); return; }"
        "  requestAnimationFrame(frame); };"
        "requestAnimationFrame(frame);"
    )
    still = s.js_async(idle) or [0]
    metrics["jobs_page_idle_p50_frame_gap_ms"] = still[len(still) // 2]
    metrics["jobs_page_idle_max_frame_gap_ms"] = still[-1]
    result = s.js_async(scroll) or {}
    gaps = sorted(result.get("gaps") or [0])
    metrics["jobs_page_scroll_5000_max_frame_gap_ms"] = gaps[-1]
    metrics["jobs_page_scroll_5000_p99_frame_gap_ms"] = gaps[int(0.99 * (len(gaps) - 1))]
    metrics["jobs_page_scroll_5000_frames"] = len(gaps)
    position, size = result.get("last") or [0, 0]
    # Entries, not jobs: the 500 identical failures among the 5,000 are one group (4,501 entries).
    check(bool(result.get("bottom")) and position == size and position >= 4_500,
          f"scrolled to the bottom of 5,000 jobs, the last entry is rendered ({position} of {size})")


def delete_50000(s, checks, metrics, rows, artifacts):
    """"Delete all shown" over the 50,000 archived jobs: the time until the page shows the
    outcome, the frame gaps meanwhile, and how many times the page asked for the list again
    (one refresh, not one per deleted job)."""
    check, wait_for = checks.check, checks.wait_for
    s.go(f"/jobs?tab=all&q={ARCHIVED}")
    wait_for("the archived jobs", lambda: (s.js(f"return {rows};") or 0) >= 50)
    before = s.invoke("job_counts", {"kind": None}) or {}
    opened = s.js("document.querySelector('[data-testid=bulk-delete]')?.click(); return true;")
    confirm = wait_for("the delete confirmation", lambda: s.js(
        "return [...document.querySelectorAll('[role=alertdialog] button')].map(b => b.textContent.trim()).find(t => t.startsWith('Delete')) || null;"))
    # The tab counts ignore the search; the engine counts the matches before the page asks.
    check(bool(opened) and confirm == "Delete 50,000 jobs", f"“Delete all shown” asks first, with the exact count ({confirm!r})")
    screenshot(artifacts, "j3-5-delete-50k-confirm.png")
    measure = (
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        # The change hints the page hears, counted the way @tauri-apps/api listens.
        "const internals = window.__TAURI_INTERNALS__; let hints = 0;"
        "const handler = internals.transformCallback(() => { hints += 1; });"
        "const listening = internals.invoke('plugin:event|listen', {event: 'jobs-changed', target: {kind: 'Any'}, handler});"
        "const gaps = []; let last = null; let shownAt = null; let over = false;"
        f"const shown = () => [...document.querySelectorAll('[data-sonner-toast]')].some(t => /Deleted 50\\D?000 jobs/.test(t.textContent)) && {rows} === 0;"
        "const frame = (t) => { if (over) return; if (last != null) gaps.push(t - last); last = t;"
        "  if (shownAt == null && shown()) shownAt = performance.now();"
        # A second past the outcome: the hints the deletion causes have all arrived.
        "  const now = performance.now();"
        "  if ((shownAt != null && now - shownAt > 1000) || now - t0 > 60000) { over = true;"
        "    listening.then((id) => internals.invoke('plugin:event|unlisten', {event: 'jobs-changed', eventId: id}));"
        "    done({shown_ms: shownAt == null ? null : Math.round(shownAt - t0), gaps: gaps.map(Math.round), hints}); return; }"
        "  requestAnimationFrame(frame); };"
        "listening.then(() => { requestAnimationFrame(frame);"
        "  [...document.querySelectorAll('[role=alertdialog] button')].find(b => b.textContent.trim().startsWith('Delete')).click(); });"
    )
    result = s.js_async(measure) or {}
    gaps = sorted(result.get("gaps") or [0])
    hints = result.get("hints")
    metrics["bulk_delete_50k_shown_ms"] = result.get("shown_ms")
    metrics["bulk_delete_50k_max_frame_gap_ms"] = gaps[-1]
    metrics["bulk_delete_50k_p99_frame_gap_ms"] = gaps[int(0.99 * (len(gaps) - 1))]
    metrics["bulk_delete_50k_change_hints"] = hints
    check(result.get("shown_ms") is not None, f"the page says 50,000 jobs were deleted and lists none of them ({result.get('shown_ms')} ms)")
    after = s.invoke("job_counts", {"kind": None}) or {}
    gone = sum(before.values()) - sum(after.values()) if before and after else None
    check(gone == 50_000, f"50,000 jobs are gone and the others kept ({sum(before.values())} → {sum(after.values())})")
    # The shell coalesces change hints (at most four a second); one per deleted job would be 50,000.
    check(hints is not None and 0 < hints <= 4 * ((result.get("shown_ms") or 0) / 1000 + 1) + 2,
          f"the page hears a few change hints while 50,000 jobs go, not one per job ({hints})")
    screenshot(artifacts, "j3-5-deleted-50k.png")


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
