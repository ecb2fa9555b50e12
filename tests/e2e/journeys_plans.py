"""Plans that fit, in the real window: a small volunteer project gets a plan sized for its
budget and team, shows what it leaves out, and the user changes who covers which role and
plans again with that team."""

import csv
import io
import os
import time
import xml.etree.ElementTree as ET

from driver import export_via_dialog, screenshot

GARDEN = {
    "name": "Community garden",
    "description": "A volunteer community garden on an empty lot where neighbours grow vegetables together and run workshops for school children.",
    "industry": None,
    "budget": 20000,
    "currency": "USD",
    "horizon_months": 6,
    "team_size": 3,
    "start_date": "2027-03-01",
    "constraints": [],
}


def latest_program(s, iid):
    return s.invoke("latest_job", {"sessionId": iid, "kind": "epm_generation"})


def wait_program(s, wait_for, iid, after=None):
    """The newest program job of the initiative once it completed (and is not `after`)."""

    def done():
        job = latest_program(s, iid)
        if job and job["id"] != after and job["status"] == "completed":
            return job
        return None

    return wait_for("the program", done, timeout=60)


def plans_that_fit(s, checks, artifacts):
    check, wait_for = checks.check, checks.wait_for
    initiative = s.invoke("create_initiative", {"draft": GARDEN})
    iid = initiative["id"]
    s.js(f"window.location.hash = '#/initiatives/{iid}';")
    wait_for("the workspace", lambda: s.text("h1") == GARDEN["name"] or None)
    wait_for("the program form", lambda: s.find("form[aria-label='Generate program'] button[type=submit]"))
    s.click("form[aria-label='Generate program'] button[type=submit]")
    job = wait_program(s, wait_for, iid)
    if not check(bool(job), "the garden's program completes"):
        return
    s.js(f"window.location.hash = '#/results/{job['id']}';")
    cards = wait_for("the plans", lambda: s.js("return [...document.querySelectorAll('section.plan-card')].map(c => c.dataset.variant);") or None)
    check(cards == ["fitted", "full_with_hires", "full_with_team"], f"the garden's program offers the three plans ({cards})")
    program = s.invoke("get_result", {"id": job["id"]})["result"]
    fitted = next(v for v in program["variants"] if v["id"] == "fitted")
    check(program["analysis"]["playbook"]["id"] == "community_project", f"a volunteer garden is planned as a community project ({program['analysis']['playbook']['id']})")
    check(fitted["summary"]["fits_budget"] and fitted["summary"]["cost"] <= GARDEN["budget"], f"the adopted plan fits the 20,000 USD budget ({fitted['summary']['cost']:.0f})")
    check(fitted["summary"]["headcount"] == 3 and len(program["team"]) == 3, f"… with the three people there are ({fitted['summary']['headcount']})")
    words = s.text("main") or ""
    check("accreditation" not in words.lower() and "tuition" not in words.lower(), "no accreditation or tuition in a garden's plan")
    time.sleep(0.5)
    screenshot(artifacts, "p1-plans.png")
    if fitted["deferred"]:
        opened = s.click_text("summary", "Details of")
        time.sleep(0.4)
        text = s.text("main") or ""
        check(opened and fitted["deferred"][0]["name"][:30] in text, "the fitted plan lists what it leaves out")
        screenshot(artifacts, "p2-deferred.png")

    # Who covers which role: the user gives the first person one more role and plans again.
    s.click_text("[role=tab]", "Resources")
    wait_for("the team table", lambda: "Your team" in (s.text("main") or "") or None, timeout=5)
    time.sleep(0.4)
    screenshot(artifacts, "p3-team.png")
    if not check(s.click_text("button", "Edit who covers which role"), "the Resources tab offers to edit who covers which role"):
        return
    wait_for("the team dialog", lambda: s.find(".team-dialog input[type=checkbox]"), timeout=5)
    time.sleep(0.3)
    screenshot(artifacts, "p4-team-editor.png")
    first = program["team"][0]
    roles = {r["id"]: r["name"] for r in program["resources"]}
    extra = next((rid for rid in roles if rid not in first["roles"]), None)
    s.click(f".team-dialog input[aria-label='{first['name']} covers {roles[extra]}']")
    s.click_text(".team-dialog button", "Re-plan with this team")
    moved = wait_for("the new job's page", lambda: "#/jobs/" in s.js("return window.location.hash;") or None, timeout=10)
    check(bool(moved), "“Re-plan with this team” starts a new program and shows it")
    saved = s.invoke("get_initiative", {"id": iid})
    check(extra in saved["team"][0]["roles"], f"the team is saved with the initiative ({saved['team'][0]['roles']})")
    again = wait_program(s, wait_for, iid, after=job["id"])
    if check(bool(again), "the new program completes"):
        replanned = s.invoke("get_result", {"id": again["id"]})["result"]
        check(extra in replanned["team"][0]["roles"], f"the new plan uses the team as the user set it ({replanned['team'][0]['roles']})")


def adopted_variant(s):
    return s.js("return document.querySelector('section.plan-card.is-adopted')?.dataset.variant ?? null;")


def pick_a_plan_and_export(s, checks, artifacts, exports, job_id):
    """The user compares the three plans, adopts another one and hands it to a planning tool
    as MS Project XML and CSV; the files hold the adopted plan's tasks and links."""
    check, wait_for = checks.check, checks.wait_for
    cards = wait_for("the plans", lambda: s.js("return [...document.querySelectorAll('section.plan-card')].map(c => c.dataset.variant);") or None)
    check(cards == ["fitted", "full_with_hires", "full_with_team"], f"the program page shows the three plans side by side ({cards})")
    check(adopted_variant(s) == "fitted", f"the plan that fits the constraints is adopted at first ({adopted_variant(s)})")
    s.js("document.querySelector('section.plan-card').scrollIntoView({block: 'start'});")
    time.sleep(0.5)
    screenshot(artifacts, "j1-5-plans.png")
    s.click("section.plan-card[data-variant=full_with_team] button[aria-label='View Full scope with your team']")
    banner = wait_for("the viewing banner", lambda: "not adopted" in (s.text("main") or "") or None, timeout=5)
    check(bool(banner), "viewing another plan says it is not adopted")
    s.click("section.plan-card[data-variant=full_with_team] button[aria-label='Adopt Full scope with your team']")
    moved = wait_for("the adopted mark", lambda: adopted_variant(s) == "full_with_team" or None, timeout=10)
    check(bool(moved), "adopting “Full scope with your team” marks it adopted")
    result = s.invoke("get_result", {"id": job_id})["result"]
    check(result["chosen"] == "full_with_team", f"the choice is stored with the program ({result['chosen']})")
    time.sleep(0.5)
    screenshot(artifacts, "j1-6-adopted.png")
    tasks = {t["id"]: t for t in result["tasks"]}
    text = export_via_dialog(s, checks, "Export MS Project XML", os.path.join(exports, "harbour-program.xml"), menu="More formats")
    if text:
        ns = {"p": "http://schemas.microsoft.com/project"}
        root = ET.fromstring(text)
        rows = root.findall("p:Tasks/p:Task", ns)
        leaves = [t for t in rows if (t.findtext("p:Summary", "0", ns) != "1")]
        names = sorted(t.findtext("p:Name", "", ns) for t in leaves)
        check(names == sorted(t["name"] for t in tasks.values()), f"the MS Project file holds the adopted plan's {len(tasks)} tasks ({len(leaves)})")
        uid_name = {t.findtext("p:UID", "", ns): t.findtext("p:Name", "", ns) for t in rows}
        links = sorted((uid_name.get(l.findtext("p:PredecessorUID", "", ns)), t.findtext("p:Name", "", ns)) for t in leaves for l in t.findall("p:PredecessorLink", ns))
        expected = sorted((tasks[d]["name"], t["name"]) for t in tasks.values() for d in t["depends_on"])
        check(links == expected, f"… with the same {len(expected)} dependencies")
        people = {r.findtext("p:Name", "", ns) for r in root.findall("p:Resources/p:Resource", ns)}
        check({p["name"] for p in result["team"]} <= people, "… and the team as its resources")
    text = export_via_dialog(s, checks, "Export CSV (issue trackers)", os.path.join(exports, "harbour-program.csv"), menu="More formats")
    if text:
        rows = list(csv.DictReader(io.StringIO(text)))
        check(len(rows) == len(tasks), f"the CSV has one row per task ({len(rows)})")
