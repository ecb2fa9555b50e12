#!/usr/bin/python3
"""The user journeys on the real app window, driven over WebDriver like a user:
clicks and typing in the UI, with the built-in engine slowed to a model's pace
(CHARTER_OFFLINE_DELAY_MS) so there is progress to watch.

1. The user stays: create an initiative in the form, generate the program, watch the bar
   and the steps stream, see the result in place, open it.
2. The user leaves: half-way through a canvas, close the window (it hides to the tray) and
   reload the page, then show the window again: the page says the canvas is still being
   built and the bar continues from where it was. Leave again until it finishes: the page
   says it completed while the user was away (its banner, and no toast saying it again).
3. The Jobs page: tabs and filters, retry of a failed job, cancel of a running one.
4. The model server is down: the user generates a program against a local model server that
   is not running; the page says the job is waiting for it and when it tries again; the server
   comes up and the program completes by itself, with no click and no notification. Its cost
   is the server's tokens at the set prices; a run over its limit waits for "Continue".
5. The user's notes and files: written and attached on the initiative page, read by research
   and cited as the user's own.

The Jobs page at 100,000 jobs and the screens at 800×600 are in journeys_scale.py.

A finish is announced once: a job that finishes on the page the user watches is announced by
that page, with no toast and no native notification (journey 1); one that finishes while the
window is hidden gets a native notification, and the page's banner when the user comes back,
and no toast (journey 2).

Screenshots of each journey's key screens go to the artifacts folder."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from driver import (
    Checks,
    export_via_dialog,
    SearchStub,
    click_tab,
    hide_by_closing,
    open_first_screen,
    read_notifications,
    screenshot,
    search_for,
    serve,
    show_again,
    shut_down,
    start_desktop_services,
    start_driver,
    window_title,
)
from journeys_first_use import first_screen, jobs_tabs_and_trail, out_of_date, run_all
from journeys_pages import every_page
from journeys_plans import pick_a_plan_and_export, plans_that_fit
from journeys_scale import at_scale, small_window

APP = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
DRIVER = os.path.abspath(sys.argv[3])
EXPORTS = os.path.join(ARTIFACTS, "exports")
NOTES = os.path.join(ARTIFACTS, "ui-notifications.jsonl")
# The shell holds a native notification this long to merge a burst of finishes
# (COALESCE_WINDOW in src-tauri/src/notify.rs); past it, one that was due has been sent.
NOTIFY_HOLD_S = 2.0

checks = Checks()
check = checks.check
metrics = {}
wait_for = checks.wait_for


class FlakySearch(SearchStub):
    """Refuses every query (HTTP 400, an error waiting would not clear: the job fails) until
    the test sets it up."""

    up = False

    def do_GET(self):
        if not FlakySearch.up:
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer()


def progress(s, scope="[data-testid=op-panel]"):
    value = s.attr(f"{scope} [role=progressbar]", "aria-valuenow")
    return int(value) if value is not None else None


def step_names(s):
    return s.js("return [...document.querySelectorAll('[data-testid=op-panel] [data-testid=step] .timeline-name')].map(e => e.textContent);")


def finish_toasts(s, title):
    """The toasts announcing that the job titled `title` finished ("Ready: …", "Failed: …"),
    among those recorded since `record_toasts()`; None when nothing was recorded."""
    shown = s.toasts()
    if shown is None:
        return None
    return [t for t in shown if f"Ready: {title}" in t or f"Failed: {title}" in t]


def notifications_for(title):
    """The native notifications that name the job titled `title`."""
    return [n for n in read_notifications(NOTES) if title in n["body"]]


def initiative_id(s):
    route = s.js("return window.location.hash;")
    parts = route.strip("#/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "initiatives" else None


def journey_1(s):
    """The user stays and watches the program being generated."""
    s.click("a[href='#/initiatives/new']")
    wait_for("the form", lambda: s.find(".field-name input"))
    s.click("button[type=submit]")
    check(bool(wait_for("field errors", lambda: s.text(".field-name .field-error"))), "an empty form shows what is missing next to the field")
    s.type(".field-name input", "Harbour Coffee")
    s.type(".field-description textarea", "A specialty coffee bar by the ferry terminal for weekday commuters.")
    s.type(".field-industry input", "Food & beverage")
    s.type(".field-budget input", "650000")
    s.click("button[type=submit]")
    iid = wait_for("the workspace", lambda: initiative_id(s) if s.text("h1") == "Harbour Coffee" else None)
    check(bool(iid), "creating the initiative opens its workspace")
    screenshot(ARTIFACTS, "j1-1-workspace.png")
    s.record_toasts()
    s.click("form[aria-label='Generate program'] button[type=submit]")
    seen = []
    steps_seen = set()
    titles = set()
    end = time.time() + 60
    while time.time() < end:
        p = progress(s)
        if p is not None:
            seen.append(p)
        steps_seen.update(step_names(s) or [])
        titles.add(window_title())
        if s.find("[data-testid=op-panel] a[href^='#/results/']"):
            break
        if len(seen) == 8:
            screenshot(ARTIFACTS, "j1-2-running.png")
        time.sleep(0.25)
    check(len(set(seen)) >= 3, f"the progress bar moves live ({sorted(set(seen))[:12]})")
    check(seen == sorted(seen), "it never goes backwards")
    check(len(steps_seen) >= 6, f"the step timeline streams ({len(steps_seen)} steps seen)")
    running_titles = sorted(t for t in titles if t and t.startswith("Charter — 1 running, "))
    check(len(running_titles) >= 2, f"the window title says a job runs and how far along it is ({running_titles[:4]})")
    idle = wait_for("the idle title", lambda: window_title() == "Charter", timeout=10)
    check(bool(idle), f"the title is plain “Charter” again once nothing runs ({window_title()!r})")
    check(bool(s.find("[data-testid=op-panel] a[href^='#/results/']")), "at the end, “View program” shows in place")
    check(bool(s.find(".result-in-place [data-testid=result-digest] [aria-label=Duration]")) and not s.find(".result-in-place svg.gantt-svg"), "the program shows in place in brief (its figures), not a second copy with its Gantt chart")
    finished_at = time.time()
    program = s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})
    in_front = s.js("return document.visibilityState === 'visible' && document.hasFocus();")
    ready = s.text("[data-testid=op-panel] .banner.ok") or ""
    time.sleep(3.0)
    toast = finish_toasts(s, program["title"])
    check("Program ready" in ready and toast == [], f"the program finishing on the page the user watches is announced once, by the page ('{ready.strip()}'), not also by a toast ({toast}; window in front: {in_front})")
    time.sleep(0.5)
    screenshot(ARTIFACTS, "j1-3-done.png")
    s.click("[data-testid=op-panel] a[href^='#/results/']")
    check(bool(wait_for("the result page", lambda: s.find("button") and "Export Markdown" in (s.text("main") or ""))), "“View program” opens the program with its exports")
    time.sleep(0.5)
    screenshot(ARTIFACTS, "j1-4-program.png")
    text = export_via_dialog(s, checks, "Export Markdown", os.path.join(EXPORTS, "harbour-program.md"))
    check(bool(text) and text.startswith("# Program: Harbour Coffee") and "## Risks" in text, "the Markdown export is the whole program")
    toast = wait_for("the export toast", lambda: s.js("return [...document.querySelectorAll('[data-sonner-toast]')].map(t => t.innerText).join(' | ');"), timeout=5)
    check(bool(toast) and "Exported" in toast, "a toast says where it went")
    time.sleep(max(0.0, finished_at + NOTIFY_HOLD_S + 2.0 - time.time()))
    notes = notifications_for(program["title"])
    check(not notes, f"… and by no native notification ({notes})")
    pick_a_plan_and_export(s, checks, ARTIFACTS, EXPORTS, program["id"])
    return iid



def journey_2(s, iid):
    """The user leaves half-way (window hidden, page reloaded) and comes back."""
    s.go(f"/initiatives/{iid}")
    wait_for("the workspace", lambda: s.find("button.op-card[data-kind=bmc_research]"))
    s.click("button.op-card[data-kind=bmc_research]")
    wait_for("the canvas panel", lambda: s.find("form[aria-label='Build canvas'] button[type=submit]"))
    s.click("form[aria-label='Build canvas'] button[type=submit]")
    before = wait_for("a third of the canvas", lambda: (p := progress(s)) is not None and p >= 25 and p)
    steps_before = step_names(s) or []
    check(len(steps_before) >= 1, f"the step timeline lists the steps run so far ({steps_before})")
    screenshot(ARTIFACTS, "j2-1-before-leaving.png")
    hide_by_closing(checks)
    # A marker that only this page has: gone after the reload, it proves the page was reloaded.
    s.js("window.__beforeReload = 1; setTimeout(() => window.location.reload(), 10); return true;")
    time.sleep(3.0)
    check(show_again(APP, checks), "the window comes back")
    banner = wait_for("the resumed banner", lambda: s.text("[data-testid=banner-resumed]"), timeout=15)
    marker = s.js("return window.__beforeReload === undefined ? 'gone' : 'still set';")
    check(marker == "gone" and bool(s.find("button.op-card")), f"the page was reloaded while hidden and drew the workspace again (marker {marker})")
    check(bool(banner) and "Your canvas is still being built" in banner, f"the page says the canvas is still being built ({banner!r})")
    after = wait_for("the live bar", lambda: progress(s))
    check(before is not None and after is not None and after >= before, f"the bar continues from where it was, not from 0 ({before}% → {after}%)")
    steps_after = wait_for("the step timeline", lambda: step_names(s), timeout=10) or []
    check(len(steps_after) >= max(1, len(steps_before)), f"the timeline lists the steps again, and any run since ({len(steps_before)} → {len(steps_after)})")
    check(len(steps_after) == len(set(steps_after)), "no step is listed twice")
    check(steps_after[: len(steps_before)] == steps_before, "no step went missing")
    time.sleep(0.3)
    screenshot(ARTIFACTS, "j2-2-back-still-running.png")
    later = wait_for("more progress", lambda: (p := progress(s)) is not None and after is not None and p > after and p)
    check(bool(later), f"the bar keeps moving after the return ({after}% → {later}%)")

    # Leave again until it finishes.
    s.record_toasts()
    hide_by_closing(checks)
    job = s.invoke("latest_job", {"sessionId": iid, "kind": "bmc_research"})
    check(job["status"] == "running", f"the canvas is still running when the window hides ({job['status']})")
    done = wait_for("the canvas to finish", lambda: s.invoke("get_job", {"id": job["id"]})["job"]["status"] == "completed", timeout=90)
    check(bool(done), "the canvas completes while the window is hidden")
    note = wait_for("the native notification", lambda: notifications_for(job["title"]), timeout=NOTIFY_HOLD_S + 10)
    check(bool(note), f"the canvas finishing while the window is hidden is announced by a native notification ({note})")
    steps = s.invoke("get_job", {"id": job["id"]})["steps"]
    names = [step["name"] for step in steps]
    check(len(names) == 9 and len(set(names)) == 9, f"it ran one step per canvas block, each once ({len(names)} steps, {len(set(names))} names)")
    time.sleep(0.5)
    check(show_again(APP, checks), "the window comes back again")
    away = wait_for("the away banner", lambda: s.text("[data-testid=banner-away]"), timeout=15)
    check(bool(away) and "Completed while you were away" in away, f"the page says it completed while the user was away ({away!r})")
    time.sleep(3.0)
    shown = s.toasts() or []
    finish = finish_toasts(s, job["title"])
    check(not any("while you were away" in t for t in shown) and finish == [], f"… and only the page says it: no toast repeats the banner or announces the finish the notification announced (toasts: {shown})")
    check(bool(s.find("[data-testid=banner-away] a[href^='#/results/']")), "the banner links to the result")
    time.sleep(0.3)
    screenshot(ARTIFACTS, "j2-3-completed-while-away.png")
    seen = wait_for("the job to be marked seen", lambda: s.invoke("get_job", {"id": job["id"]})["job"]["seen_at"], timeout=10)
    check(bool(seen), "once shown, the job counts as seen")
    s.click("[data-testid=banner-away] a[href^='#/results/']")
    check(bool(wait_for("the canvas", lambda: s.find(".canvas-grid, [class*=canvas]"))), "the banner's link opens the canvas")
    time.sleep(0.5)
    screenshot(ARTIFACTS, "j2-4-canvas.png")
    text = export_via_dialog(s, checks, "Export JSON", os.path.join(EXPORTS, "harbour-canvas.json"))
    try:
        blocks = json.loads(text or "null")["blocks"]
    except (ValueError, KeyError, TypeError):
        blocks = []
    check(len(blocks) == 9, f"the JSON export holds the nine canvas blocks ({len(blocks)})")


def journey_3(s, iid, search):
    """The Jobs page: filters, retry of a failed job, cancel of a running one."""
    settings = s.invoke("get_settings", {})
    settings["search"] = {"type": "searxng", "base_url": search}
    s.invoke("update_settings", {"settings": settings})
    failed = s.invoke("start_operation", {"initiativeId": iid, "operation": {"type": "research", "questions": ["coffee commuters"]}})["id"]
    wait_for("the research to fail", lambda: s.invoke("get_job", {"id": failed})["job"]["status"] == "failed", timeout=30)
    program = s.invoke("start_operation", {"initiativeId": iid, "operation": {"type": "program"}})["id"]
    running = program
    s.go("/jobs")
    wait_for("the jobs page", lambda: s.find("[data-testid=job-row]"))
    badge = wait_for("the running badge", lambda: s.text("[data-testid=running-count]"))
    check(badge == "1", f"the navigation shows the running count ({badge})")
    time.sleep(0.5)
    screenshot(ARTIFACTS, "j3-1-jobs.png")
    row_failed = f"[data-testid=job-row][data-job-id='{failed}']"
    row_running = f"[data-testid=job-row][data-job-id='{running}']"
    check(bool(wait_for("the failed row", lambda: s.find(row_failed))), "the failed job is listed")
    error_text = s.text(row_failed) or ""
    check("HTTP 400" in error_text, f"the failed row says why ({error_text[:120]!r})")
    check(bool(s.find(f"{row_running} [role=progressbar]")), "the running row has a live progress bar")

    # Tabs and filters.
    check(bool(click_tab(s, "Failed")), "the Failed tab is there")
    check(bool(wait_for("only failed rows", lambda: s.find(row_failed) and not s.find(row_running))), "the Failed tab shows the failed job and not the running one")
    click_tab(s, "All")
    wait_for("all rows", lambda: s.find(row_running))
    search_for(s, "zzz-no-such-job")
    # Settled: the search is in the URL and the panel is no longer busy reading the list (a
    # loading skeleton has no rows either).
    settled = (
        "const p = document.querySelector('[role=tabpanel][data-state=active]');"
        "return location.hash.includes('q=zzz-no-such-job') && p && p.getAttribute('aria-busy') === 'false' ? p.innerText : null;"
    )
    empty = wait_for("the search's answer", lambda: (text := s.js(settled)) and "No jobs match these filters." in text and text)
    state = s.js(
        "const p = document.querySelector('[role=tabpanel][data-state=active]');"
        "return [location.hash, document.querySelector('input[type=search]')?.value, p?.getAttribute('aria-busy'), (p?.innerText || '').slice(0, 200)];"
    )
    check(bool(empty) and not s.find("[data-testid=job-row]"), f"a text filter that matches nothing empties the list and says so ({(empty or '').strip()!r}; page: {state})")
    s.type("input[type=search]", "Harbour")
    check(bool(wait_for("rows again", lambda: s.find(row_failed))), "a text filter matching the title finds the jobs")
    screenshot(ARTIFACTS, "j3-2-filtered.png")

    # Cancel a running one from its row.
    running = s.invoke("start_operation", {"initiativeId": iid, "operation": {"type": "canvas"}})["id"]
    row_running = f"[data-testid=job-row][data-job-id='{running}']"
    wait_for("the new running row", lambda: s.find(f"{row_running} button[aria-label^='Cancel']"))
    s.click(f"{row_running} button[aria-label^='Cancel']")
    cancelled = wait_for("the cancel", lambda: s.invoke("get_job", {"id": running})["job"]["status"] == "cancelled", timeout=20)
    check(bool(cancelled), "Cancel on a running row cancels the job")
    check(bool(wait_for("the row to say so", lambda: "Cancelled" in (s.text(row_running) or ""))), "the row shows it as cancelled")

    # Retry the failed one once the search service is back.
    FlakySearch.up = True
    s.click(f"{row_failed} button[aria-label^='Retry']")
    retried = wait_for("the retry", lambda: (j := s.invoke("get_job", {"id": failed})["job"])["status"] == "completed" and j, timeout=60)
    check(bool(retried), "Retry runs the failed job again and it completes")
    if retried:
        check(retried["attempt"] == 2, f"as its second attempt ({retried['attempt']})")
    check(bool(wait_for("the row to say so", lambda: "Completed" in (s.text(row_failed) or ""))), "the row shows it as completed")
    time.sleep(0.3)
    screenshot(ARTIFACTS, "j3-3-after-actions.png")
    # The program started for the running row is left alone; journey 4 starts a new one.
    ended = wait_for("the program left running to finish", lambda: s.invoke("get_job", {"id": program})["job"]["status"] == "completed", timeout=60)
    check(bool(ended), "the program left running on the Jobs page finishes by itself")


def start_model_server():
    """The stand-in OpenAI-compatible server (crates/strategy/examples/model_server.rs, built
    by scripts/test.sh beside the app), started with its port reserved but refusing connections. Returns the
    process, its base URL and its control URL."""
    binary = os.path.join(os.path.dirname(APP), "examples", "model_server")
    if not os.path.exists(binary):
        raise RuntimeError(f"no model server at {binary} (cargo build -p strategy --example model_server)")
    proc = subprocess.Popen([binary, "--stopped"], stdout=subprocess.PIPE, text=True)
    base = proc.stdout.readline().split()[-1]
    control = proc.stdout.readline().split()[-1]
    return proc, base, control


def control(url, path, method="GET"):
    request = urllib.request.Request(url + path, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def journey_4(s, iid):
    """The model server is down when the user starts a program; it waits, then finishes by
    itself once the server is up."""
    proc, base, ctl = start_model_server()
    try:
        settings = s.invoke("get_settings", {})
        settings["provider"] = {"type": "openai_compatible", "base_url": base, "model": "stand-in"}
        # Priced like a hosted model: $2.50 per million prompt tokens, $10 per million answer tokens.
        settings["spending"] = {"currency": "USD", "prices": {"stand-in": {"prompt_micros_per_1k": 2500, "completion_micros_per_1k": 10000}}, "run_limit_micros": None}
        s.invoke("update_settings", {"settings": settings})
        s.go("/settings")
        wait_for("the spending settings", lambda: "stand-in" in (s.js("return [...document.querySelectorAll('.spending input')].map(i => i.value).join(' ');") or ""))
        s.js("document.querySelector('fieldset.spending').scrollIntoView({block: 'center'}); return true;")
        time.sleep(0.3)
        screenshot(ARTIFACTS, "j4-0-settings-spending.png")
        endpoint = base.split("//", 1)[1].split("/", 1)[0]
        s.go(f"/initiatives/{iid}")
        wait_for("the workspace", lambda: s.find("button.op-card[data-kind=epm_generation]"))
        s.click("button.op-card[data-kind=epm_generation]")
        wait_for("the program form", lambda: s.find("form[aria-label='Generate program'] button[type=submit]"))
        s.record_toasts()
        s.click("form[aria-label='Generate program'] button[type=submit]")
        words = wait_for("the waiting words", lambda: s.text("[data-testid=op-panel] [data-testid=pause-words]"), timeout=30)
        check(bool(words) and f"Can't reach the model server at {endpoint}" in words and "trying again in" in words, f"the page says the program waits for the model server, and when it tries again ({words!r})")
        job = s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})
        check(job["status"] == "paused" and job["error"] is None, f"the job is paused, not failed ({job['status']}, {job['error']})")
        check(bool(s.find("[data-testid=op-panel] button")) and "Resume now" in (s.text("[data-testid=op-panel]") or ""), "the panel offers Resume now")
        time.sleep(0.3)
        screenshot(ARTIFACTS, "j4-1-waiting-for-server.png")
        s.go("/jobs")
        row = f"[data-testid=job-row][data-job-id='{job['id']}']"
        row_text = wait_for("the paused row", lambda: (t := s.text(row)) and "Can't reach the model server" in t and t)
        check(bool(row_text) and "Paused" in row_text, f"the Jobs page lists it as paused, with the reason ({(row_text or '')[:100]!r})")
        screenshot(ARTIFACTS, "j4-2-jobs-waiting.png")
        s.go(f"/initiatives/{iid}")
        wait_for("the workspace again", lambda: s.find("[data-testid=op-panel] [data-testid=pause-words]"))

        # The server comes up; nobody clicks anything.
        control(ctl, "/start", "POST")
        back = time.time()
        running = wait_for("the job to run again", lambda: s.invoke("get_job", {"id": job["id"]})["job"]["status"] in ("running", "completed"), timeout=30)
        if running:
            metrics["endpoint_back_to_running_ms"] = round((time.time() - back) * 1000)
        done = wait_for("the program to complete", lambda: s.invoke("get_job", {"id": job["id"]})["job"]["status"] == "completed", timeout=90)
        check(bool(done), "once the server is up, the program completes by itself")
        final = s.invoke("get_job", {"id": job["id"]})["job"]
        check(final["attempt"] == 1, f"waiting counted no attempt ({final['attempt']})")
        stats = control(ctl, "/stats")
        asked = stats["by_artefact"]
        check(len(asked) == 5 and all(n == 1 for n in asked.values()), f"each of the program's five requests reached the server once ({asked})")
        check(bool(wait_for("the result in place", lambda: s.find("[data-testid=op-panel] a[href^='#/results/']"), timeout=15)), "the page shows the program in place")
        time.sleep(NOTIFY_HOLD_S + 1.0)
        notes = notifications_for(job["title"])
        check(not notes, f"no native notification: neither the wait nor the finish in front of the user ({notes})")
        failures = [t for t in (s.toasts() or []) if job["title"] in t and ("Failed" in t or "Paused" in t)]
        check(not failures, f"no toast called it failed or asked for anything ({failures})")
        time.sleep(0.3)
        screenshot(ARTIFACTS, "j4-3-completed-by-itself.png")

        # What it cost: the server's token figures at the price table's rates, on the Jobs page.
        reported = stats["reported_total"]
        tokens = reported["prompt_tokens"] + reported["completion_tokens"]
        cost = sum(round((r["prompt_tokens"] * 2500 + r["completion_tokens"] * 10000) / 1000) for r in stats["reported"])
        check(final["tokens"] == tokens and final["cost_micros"] == cost, f"the job's tokens and cost are the server's figures at the set prices ({final['tokens']} = {tokens}, {final['cost_micros']} = {cost} micros)")
        s.go("/jobs")
        use = wait_for("the cost column", lambda: s.text(f"{row} [data-testid=job-use]"))
        check(bool(use) and "USD" in use and "tokens" in use, f"the Jobs page shows the run's cost and tokens ({use!r})")

        # Its detail page offers to run it again, saying first what would be reused.
        s.go(f"/jobs/{job['id']}")
        table = wait_for("the model use table", lambda: s.text("[data-testid=model-use]"))
        check(bool(table) and "This run" in table and f"{reported['prompt_tokens']:,} / {reported['completion_tokens']:,}" in table, f"job detail shows the model use per step and for the run ({(table or '')[-80:]!r})")
        s.js("document.querySelector('[data-testid=model-use]').scrollIntoView({block: 'center'}); return true;")
        time.sleep(0.3)
        screenshot(ARTIFACTS, "j4-4-model-use.png")
        wait_for("the run-again section", lambda: s.find("select[aria-label='Run again from']"))
        s.js(
            "const s = document.querySelector(\"select[aria-label='Run again from']\");"
            "const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;"
            "set.call(s, '3'); s.dispatchEvent(new Event('change', { bubbles: true })); return true;"
        )
        said = wait_for("the preview", lambda: (t := s.text("[data-testid=run-again-preview]")) and "Reuses steps 1–3" in t and t, timeout=10)
        check(bool(said) and "runs step 4 onwards" in said and "cannot be reused" not in said, f"“Run again” from step 4 says which steps it reuses and which run ({said!r})")
        time.sleep(0.3)
        screenshot(ARTIFACTS, "j4-5-run-again.png")
        spending_cap(s, iid, ctl)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        settings = s.invoke("get_settings", {})
        settings["provider"] = {"type": "offline"}
        settings["spending"] = {"currency": "USD", "prices": {}, "run_limit_micros": None}
        s.invoke("update_settings", {"settings": settings})


def spending_cap(s, iid, ctl):
    """A run with a spending limit pauses before the call that would pass it, says so, and
    goes on when the user allows more."""
    settings = s.invoke("get_settings", {})
    settings["spending"]["run_limit_micros"] = 500  # $0.0005: the first call (~$0.0005) passes it
    s.invoke("update_settings", {"settings": settings})
    before = control(ctl, "/stats")["requests"]
    s.go(f"/initiatives/{iid}")
    wait_for("the workspace", lambda: s.find("button.op-card[data-kind=epm_generation]"))
    s.click("button.op-card[data-kind=epm_generation]")
    wait_for("the program form", lambda: s.find("form[aria-label='Generate program'] button[type=submit]"))
    s.click("form[aria-label='Generate program'] button[type=submit]")
    words = wait_for("the spending-cap words", lambda: (t := s.text("[data-testid=op-panel] [data-testid=pause-words]")) and "spending cap" in t and t, timeout=30)
    check(bool(words), f"the page says the program reached its spending cap ({words!r})")
    job = s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})
    asked = control(ctl, "/stats")["requests"] - before
    check(job["status"] == "paused" and job["pause"]["reason"] == "over_budget" and asked == 1, f"paused over budget after one model call ({job['status']}, {asked} calls)")
    offer = s.text("[data-testid=op-panel] [data-testid=continue-spending]") or ""
    check("Spent " in offer and " USD" in offer and "Continue (+" in offer and "Resume now" not in (s.text("[data-testid=op-panel]") or ""), f"it offers Continue (+ amount) instead of Resume ({offer!r})")
    time.sleep(0.3)
    screenshot(ARTIFACTS, "j4-6-spending-cap.png")
    s.js("const i = document.querySelector('[data-testid=continue-spending] input.amount');"
         "const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
         "set.call(i, '5'); i.dispatchEvent(new Event('input', { bubbles: true })); return true;")
    wait_for("the new amount", lambda: "Continue (+ 5.00 USD)" in (s.text("[data-testid=continue-spending]") or ""))
    s.click("[data-testid=continue-spending] button")
    done = wait_for("the program to complete", lambda: s.invoke("get_job", {"id": job["id"]})["job"]["status"] == "completed", timeout=90)
    final = s.invoke("get_job", {"id": job["id"]})["job"]
    check(bool(done) and final["spend_limit"] == 5_000_500, f"after Continue (+ 5.00 USD) the program completes ({final['status']}, limit {final['spend_limit']})")


NOTE_TITLE = "Ferry commuters"
NOTE_TEXT = "Ferry commuters queue for espresso between 6:30 and 8:00; most want a flat white and a pastry to take away."


def journey_5(s, iid):
    """The user's own notes and files: written and attached on the initiative page (a binary
    file refused with its reason), read by research and cited as theirs."""
    settings = s.invoke("get_settings", {})
    settings["search"] = {"type": "offline"}
    s.invoke("update_settings", {"settings": settings})
    s.go(f"/initiatives/{iid}")
    wait_for("the notes panel", lambda: s.find("[data-testid=documents-panel] form[aria-label='Add a note']"))
    s.type("input[aria-label='Note title']", NOTE_TITLE)
    s.fill("textarea[aria-label='Note text']", NOTE_TEXT)
    s.click("form[aria-label='Add a note'] button[type=submit]")
    listed = wait_for("the note in the list", lambda: (t := s.text("[data-testid=documents-panel] ul[aria-label='Notes and documents']")) and NOTE_TITLE in t and t)
    check(bool(listed) and "note" in listed, f"the note written on the page is listed ({(listed or '')[:80]!r})")

    # Files, as a drop or the open dialog hands them over: a Markdown file and a binary one.
    folder = tempfile.mkdtemp()
    good = os.path.join(folder, "site-visit.md")
    with open(good, "w") as f:
        f.write("# Site visit\n\nThe terminal sees 4,000 foot passengers each weekday morning.\n")
    bad = os.path.join(folder, "floorplan.png")
    with open(bad, "wb") as f:
        f.write(bytes(range(256)) * 8)
    outcomes = s.invoke("attach_files", {"initiativeId": iid, "paths": [good, bad]})
    by_name = {o["name"]: o for o in outcomes}
    check(by_name["site-visit.md"]["document"] is not None and by_name["site-visit.md"]["error"] is None, "the Markdown file is attached")
    refusal = (by_name["floorplan.png"]["error"] or {}).get("message", "")
    check(by_name["floorplan.png"]["document"] is None and "floorplan.png" in refusal, f"the binary file is refused with its reason ({refusal!r})")
    # The page learns of files it did not attach itself when it is loaded again.
    s.js("location.reload(); return true;")
    listed = wait_for("both documents", lambda: (t := s.text("[data-testid=documents-panel] ul[aria-label='Notes and documents']")) and "site-visit.md" in t and t)
    check(bool(listed) and "file" in listed and "bytes" in listed, f"the attached file is listed with its size ({(listed or '')[-80:]!r})")
    s.js("document.querySelector('[data-testid=documents-panel]').scrollIntoView({block: 'start'}); return true;")
    time.sleep(0.4)
    screenshot(ARTIFACTS, "j5-1-notes-and-documents.png")

    # Research reads them and cites the note as the user's own.
    job = s.invoke("start_operation", {"initiativeId": iid, "operation": {"type": "research", "questions": ["ferry commuters espresso"]}})["id"]
    done = wait_for("the research", lambda: s.invoke("get_job", {"id": job})["job"]["status"] == "completed", timeout=60)
    check(bool(done), "research with the user's notes completes")
    report = s.invoke("get_job", {"id": job})["job"]["result"] or {}
    notes = [src["id"] for src in report.get("sources", []) if src.get("kind") == "document" and src.get("title", "").startswith(NOTE_TITLE)]
    cited = [f for f in report.get("findings", []) if f.get("source_id") in notes]
    check(bool(notes) and bool(cited), f"a finding cites the user's note ({len(cited)} findings from it)")
    s.go(f"/results/{job}")
    page = wait_for("the report", lambda: (t := s.text("main")) and NOTE_TITLE in t and t, timeout=15)
    check(bool(page) and "your document" in page, "the report says the note is the user's own document")
    time.sleep(0.3)
    screenshot(ARTIFACTS, "j5-2-research-cites-note.png")


def main():
    os.makedirs(EXPORTS, exist_ok=True)
    services = start_desktop_services(NOTES)
    server, search_url = serve(FlakySearch)
    driver = start_driver(DRIVER)
    session = None
    try:
        session = open_first_screen(APP, checks)
        time.sleep(0.5)
        screenshot(ARTIFACTS, "j0-empty.png")
        first_screen(session, checks)
        iid = journey_1(session)
        if iid:
            journey_2(session, iid)
            journey_3(session, iid, search_url)
            journey_4(session, iid)
            journey_5(session, iid)
            out_of_date(session, iid, checks, ARTIFACTS)
            jobs_tabs_and_trail(session, iid, checks, ARTIFACTS)
            run_all(session, iid, checks, ARTIFACTS)
            at_scale(session, checks, metrics, ARTIFACTS)
            small_window(session, iid, checks, ARTIFACTS)
            every_page(session, iid, checks, metrics, ARTIFACTS)
            plans_that_fit(session, checks, ARTIFACTS)
    except (RuntimeError, OSError) as e:
        # A lost WebDriver (a timeout is an OSError) fails one check; the others still count.
        check(False, f"the journeys ran to the end ({e!r})")
    finally:
        shut_down(session, driver, services, server)
    checks.report("journeys", os.path.join(ARTIFACTS, "ui-checks.txt"), metrics, os.path.join(ARTIFACTS, "ui-metrics.json"))


if __name__ == "__main__":
    main()
