"""Every page, at the default size and at 800×600: no sideways scroll, an accessibility
engine (axe-core, from the project's npm packages) run on each with its findings reported and
serious ones failing, and the program's Gantt showing its last gate and first rows."""

import json
import os
import time

from driver import screenshot_window

AXE = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "axe-core", "axe.min.js")
SIZES = [(1280, 800), (800, 600)]
# What fails a page: the two impacts axe calls serious and critical.
BLOCKING = ("serious", "critical")

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(
  r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                                      where: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))),
  e => done({ error: String(e) }));
"""

GANTT = """
const scroll = document.querySelector('.gantt-scroll');
const gates = [...document.querySelectorAll('.gantt-gate polygon')];
const bars = [...document.querySelectorAll('.gantt-task rect')];
if (!scroll || !gates.length || !bars.length) return null;
const area = scroll.getBoundingClientRect();
const last = gates.map(g => g.getBoundingClientRect()).sort((a, b) => b.right - a.right)[0];
const horizon = document.querySelector('.gantt-horizon-line')?.getBoundingClientRect();
const first = bars[0].getBoundingClientRect();
return { lastGateRight: last.right, horizonX: horizon ? horizon.left : null, areaRight: area.right,
         innerWidth: window.innerWidth, innerHeight: window.innerHeight, firstBarTop: first.top,
         pageScrollY: window.scrollY };
"""


def routes(s, iid):
    """Every page of the app that this run has something to show on."""
    pages = [("initiatives", "/initiatives"), ("new-initiative", "/initiatives/new"), ("workspace", f"/initiatives/{iid}"),
             ("edit-initiative", f"/initiatives/{iid}/edit"), ("jobs", "/jobs"), ("settings", "/settings")]
    for kind, name in [("epm_generation", "program"), ("bmc_research", "canvas"), ("web_research", "research"), ("five_whys", "whys")]:
        job = s.invoke("latest_job", {"sessionId": iid, "kind": kind})
        if job and job.get("status") == "completed":
            pages.append((f"result-{name}", f"/results/{job['id']}"))
            if name == "program":
                pages.append(("job-program", f"/jobs/{job['id']}"))
    return pages


def axe_findings(s):
    """axe-core's violations on the page shown, or None when it could not run."""
    if not s.js("return typeof window.axe === 'object';"):
        with open(AXE, encoding="utf-8") as f:
            s.js(f.read() + "\nreturn true;")
    found = s.js_async(AXE_RUN)
    return found if isinstance(found, list) else None


def every_page(s, iid, checks, metrics, artifacts):
    check, wait_for = checks.check, checks.wait_for
    pages = routes(s, iid)
    report = {}
    for width, height in SIZES:
        s.resize(width, height)
        time.sleep(0.5)
        for name, route in pages:
            s.go(route)
            wait_for(f"{name} at {width}", lambda: s.find("main h1") and not s.find("main [aria-busy=true]"), timeout=10)
            time.sleep(0.4)
            over = s.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            check(over is not None and over <= 0, f"{name} at {width}×{height} does not scroll sideways ({over} px too wide)")
            findings = axe_findings(s)
            check(findings is not None, f"the accessibility engine runs on {name} at {width}×{height}")
            for v in findings or []:
                report.setdefault(v["id"], {"impact": v["impact"], "help": v["help"], "pages": []})["pages"].append(f"{name}@{width}: {v['count']} × {v['where']}")
            blocking = [f"{v['id']} ({v['count']}: {v['where']})" for v in findings or [] if v["impact"] in BLOCKING]
            check(not blocking, f"{name} at {width}×{height} has no serious accessibility finding ({blocking})")
            if name == "result-program":
                gantt_fits(s, checks, width, height, artifacts)
            if name == "jobs" and width == 800:
                tallest = s.js("return Math.max(...[...document.querySelectorAll('[data-testid=job-row]')].slice(0, 20).map(r => r.getBoundingClientRect().height));")
                check(tallest is not None and tallest <= 66, f"at 800×600 each Jobs row stays within two lines ({tallest} px tall at most)")
    with open(os.path.join(artifacts, "axe-findings.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    for impact in ("minor", "moderate", "serious", "critical"):
        metrics[f"axe_{impact}_rules"] = sum(1 for v in report.values() if v["impact"] == impact)
    s.resize(1280, 800)


def gantt_fits(s, checks, width, height, artifacts):
    """The program page's chart: last gate and horizon inside the chart and the window; at
    800×600 its first rows visible before any scrolling."""
    check = checks.check
    s.js("window.scrollTo(0, 0); return true;")
    time.sleep(0.2)
    g = s.js(GANTT)
    if not check(bool(g), f"the program page at {width}×{height} draws its Gantt with gates"):
        return
    inside = min(g["areaRight"], g["innerWidth"])
    check(g["lastGateRight"] <= inside, f"at {width}×{height} the Gantt's last gate is in view without scrolling ({g['lastGateRight']:.0f} ≤ {inside:.0f})")
    check(g["horizonX"] is None or g["horizonX"] <= inside, f"… and so is the horizon line ({g['horizonX']})")
    check(g["firstBarTop"] < g["innerHeight"] - 20, f"at {width}×{height} the first rows of the chart show without scrolling past the cards (first bar at {g['firstBarTop']:.0f} px of {g['innerHeight']})")
    screenshot_window(artifacts, f"g-program-{width}.png")
    if width != 1280:
        return
    # The dependencies as arrows, then zoomed in: the chart scrolls sideways inside its region.
    s.click_text("label", "Dependencies")
    arrows = checks.wait_for("the arrows", lambda: s.js("return document.querySelectorAll('.gantt-arrows path').length;"), timeout=5)
    check(bool(arrows), f"“Dependencies” draws the dependencies as arrows ({arrows})")
    s.js("document.querySelector('.gantt-scroll').scrollIntoView({block: 'start'}); return true;")
    time.sleep(0.3)
    screenshot_window(artifacts, "g-program-arrows.png")
    s.js("document.querySelector('button[aria-label=\"Zoom in\"]').click(); return true;")
    s.js("document.querySelector('button[aria-label=\"Zoom in\"]').click(); return true;")
    time.sleep(0.4)
    wide = s.js("const r = document.querySelector('.gantt-scroll'); return r.scrollWidth - r.clientWidth;")
    check(wide is not None and wide > 0, f"zoomed in, the chart scrolls sideways inside its region ({wide} px more)")
    screenshot_window(artifacts, "g-program-zoomed.png")
    s.js("[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Fit').click(); return true;")
    time.sleep(0.3)
    fit = s.js("const r = document.querySelector('.gantt-scroll'); return r.scrollWidth - r.clientWidth;")
    check(fit is not None and fit <= 0, f"“Fit” shows the whole programme again ({fit} px more)")
