"""Plans that fit, in the real window: a small volunteer project gets a plan sized for its
budget and team, shows what it leaves out, and the user changes who covers which role and
plans again with that team."""

import time

from driver import screenshot

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
