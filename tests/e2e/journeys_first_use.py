"""Journeys of what a first-time user must be able to read: a result made before the
initiative was edited says it is out of date (tile and panel) and offers to run again."""

from driver import screenshot


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
