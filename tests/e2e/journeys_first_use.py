"""Journeys of what a first-time user must be able to read: a result made before the
initiative was edited says it is out of date (tile and panel) and offers to run again; the
Jobs page has a Cancelled tab and its tab counts add up; a result page says where it sits."""

from driver import click_tab, screenshot


def first_screen(s, checks):
    """The empty first screen says what an initiative is and offers a sample to try."""
    text = s.text("main") or ""
    checks.check("An initiative is a business idea" in text and "Try a sample initiative" in text, f"the first screen explains initiatives and offers a sample ({text[:160]!r})")


def out_of_date(s, iid, checks, artifacts):
    """Edits the initiative through its form (the team grows), then reads the workspace."""
    check, wait_for = checks.check, checks.wait_for
    s.go(f"/initiatives/{iid}/edit")
    wait_for("the edit form", lambda: s.find(".field-team_size input"))
    s.type(".field-team_size input", "9")
    s.click("button[type=submit]")
    back = wait_for("the workspace after saving", lambda: s.js("return location.hash;") == f"#/initiatives/{iid}" and s.find("[data-kind=epm_generation]"))
    check(bool(back), "saving the edit returns to the workspace")
    s.click("[data-kind=epm_generation]")
    flagged = wait_for("the out-of-date flag", lambda: s.text("[data-kind=epm_generation] [data-testid=out-of-date]"), timeout=10)
    check(flagged == "Out of date", f"the program's tile says it is out of date after the edit ({flagged!r})")
    banner = wait_for("the panel's banner", lambda: s.text("[data-testid=banner-out-of-date]"), timeout=10) or ""
    check("made before you edited the initiative" in banner and "Run again with the current details" in banner, f"the program's panel explains and offers to run again ({banner!r})")
    fresh = s.text("[data-kind=five_whys]") or ""
    check("Out of date" not in fresh, f"an operation never run is not flagged ({fresh!r})")
    screenshot(artifacts, "j6-1-out-of-date.png")


def jobs_tabs_and_trail(s, iid, checks, artifacts):
    """The Jobs page's tabs add up to All, Cancelled lists only cancelled jobs; a result page
    has a breadcrumb back to its initiative and keeps Initiatives current in the sidebar."""
    check, wait_for = checks.check, checks.wait_for
    s.go("/jobs")
    wait_for("the Jobs tabs", lambda: s.find("[role=tab]"))
    counts = wait_for("the tab counts", lambda: s.js(
        "const c = {}; document.querySelectorAll('[role=tab]').forEach(t => {"
        " const n = t.querySelector('.jobs-tab-count'); c[t.textContent.replace(/[0-9,.]/g, '').trim()] = n ? Number(n.textContent.replace(/[^0-9]/g, '')) : null; });"
        " return Object.values(c).every(v => v != null) ? c : null;"), timeout=10) or {}
    parts = sum(v for k, v in counts.items() if k != "All")
    check("Cancelled" in counts and parts == counts.get("All"), f"the tabs' counts add up to All ({counts})")
    check(bool(click_tab(s, "Cancelled")), "the Jobs page has a Cancelled tab")
    statuses = wait_for("the cancelled rows", lambda: s.js("return [...document.querySelectorAll('[data-testid=job-row]')].map(r => r.dataset.status);"), timeout=10) or []
    check(bool(statuses) and set(statuses) == {"cancelled"}, f"the Cancelled tab lists the cancelled jobs only ({statuses})")
    screenshot(artifacts, "j6-2-cancelled-tab.png")
    click_tab(s, "All")
    program = s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})
    s.go(f"/results/{program['id']}")
    trail = wait_for("the breadcrumb", lambda: s.text("nav[aria-label=Breadcrumb]"), timeout=10) or ""
    check("Initiatives" in trail and "Harbour Coffee" in trail and "Program" in trail, f"the result page has a breadcrumb back to its initiative ({trail!r})")
    current = s.js("return document.querySelector('nav[aria-label=Main] a.active')?.textContent.trim();")
    check(current == "Initiatives", f"the sidebar keeps Initiatives current on a result page ({current!r})")


def run_all(s, iid, checks, artifacts):
    """Run all from the workspace: research starts, the canvas waits for it (saying so) and
    then cites it, the program runs meanwhile; all three complete."""
    check, wait_for = checks.check, checks.wait_for
    s.go(f"/initiatives/{iid}")
    wait_for("the workspace", lambda: s.find("[data-kind=bmc_research]"))
    before = {k: (s.invoke("latest_job", {"sessionId": iid, "kind": k}) or {}).get("id") for k in ("web_research", "bmc_research", "epm_generation")}
    check(s.click_text("button", "Run all"), "the workspace offers Run all")
    jobs = wait_for("the three jobs", lambda: (latest := {k: s.invoke("latest_job", {"sessionId": iid, "kind": k}) for k in before})
                    and all(latest[k] and latest[k]["id"] != before[k] for k in before) and latest, timeout=10)
    if not check(bool(jobs), "Run all starts research, a canvas and a program"):
        return
    canvas_id, research_id = jobs["bmc_research"]["id"], jobs["web_research"]["id"]
    s.click("[data-kind=bmc_research]")
    waiting = wait_for("the canvas waiting", lambda: (t := s.text("[data-testid=op-panel]")) and "Waiting for the research" in t and t, timeout=15)
    research_then = s.invoke("get_job", {"id": research_id})["job"]["status"]
    check(bool(waiting) and research_then in ("pending", "running"), f"while the research runs, the canvas says it waits for it (research {research_then})")
    screenshot(artifacts, "j6-3-run-all-waiting.png")
    done = wait_for("all three", lambda: all(s.invoke("get_job", {"id": j["id"]})["job"]["status"] in ("completed", "failed", "cancelled") for j in jobs.values()), timeout=240)
    statuses = {k: s.invoke("get_job", {"id": j["id"]})["job"]["status"] for k, j in jobs.items()}
    check(bool(done) and set(statuses.values()) == {"completed"}, f"research, canvas and program all complete ({statuses})")
    canvas = s.invoke("get_job", {"id": canvas_id})["job"]["result"] or {}
    check(canvas.get("report_job") == research_id, f"the canvas cites the research Run all started ({canvas.get('report_job')} = {research_id})")
