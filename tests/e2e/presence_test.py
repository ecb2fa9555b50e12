#!/usr/bin/python3
"""End-to-end test of the moments Charter speaks from the tray: notifications clicked the
way a desktop's notification server reports them (the body, Open, Retry, View all; a deleted
job; another app's notice; a notice from before a restart) and the tray menu's items
clicked the way a tray host does (dbusmenu `Event "clicked"`): Open Charter, a running
job, Jobs…, the notifications switch, and Quit with a job running, its dialog answered by
keyboard both ways. Each time the window must show the right page (read over WebDriver)."""

import os
import subprocess
import sys
import time

from desktop_bus import click_notification, tray_click, tray_menu_items
from driver import (
    Checks,
    SearchStub,
    Session,
    app_pid,
    hide_by_closing,
    open_first_screen,
    read_notifications,
    screenshot,
    serve,
    shut_down,
    start_desktop_services,
    start_driver,
    visible_windows,
)

APP = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
DRIVER = os.path.abspath(sys.argv[3])
NOTES = os.path.join(ARTIFACTS, "presence-notifications.jsonl")
QUIT_DIALOG = "^Quit Charter\\?$"

checks = Checks()
check = checks.check
wait_for = checks.wait_for


class OnceRefusedSearch(SearchStub):
    """Refuses the first search for "refused once" (HTTP 400: the job fails), answers the rest."""

    refused = False

    def do_GET(self):
        if "refused" in self.path and not OnceRefusedSearch.refused:
            OnceRefusedSearch.refused = True
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer()


def notices(summary):
    return [n for n in read_notifications(NOTES) if n["summary"] == summary]


def route(session):
    return session.js("return location.hash;")


def lands_on(session, hash_, what):
    """Waits for the window to be visible on `hash_`; one check."""
    shown = wait_for(f"the window on {hash_}", lambda: visible_windows() and route(session) == hash_, timeout=15)
    return check(bool(shown), f"{what} shows the window on {hash_} (now {visible_windows() and route(session)})")


def research(session, initiative, question):
    return session.invoke("start_operation", {"initiativeId": initiative, "operation": {"type": "research", "questions": [question]}})["id"]


def status(session, job):
    return session.invoke("get_job", {"id": job})["job"]["status"]


def dialog_windows():
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", QUIT_DIALOG], capture_output=True, text=True)
    return [w for w in r.stdout.split() if w]


def answer_dialog(key):
    """Presses `key` in the quit dialog, as a user's keyboard would (focus, then XTEST)."""
    dialog = wait_for("the quit dialog", dialog_windows, timeout=10)
    if not dialog:
        return False
    time.sleep(0.5)
    subprocess.run(["xdotool", "windowfocus", "--sync", dialog[0]], check=False)
    subprocess.run(["xdotool", "key", key], check=False)
    return True


def notification_clicks(session, initiative):
    """A finished job's notice opens its result; a failed one's Retry runs it again; a merged
    one's View all opens the Jobs page; another app's notice does nothing; a deleted job's
    notice says so on the Jobs page."""
    hide_by_closing(checks)
    ready = research(session, initiative, "coffee commuters")
    note = wait_for("the research's notice", lambda: notices("Research ready"), timeout=60)
    check(bool(note) and ["open", "Open"] in note[0]["actions"] and note[0]["actions"][0][0] == "default", f"a finished job's notice offers a click and Open ({note and note[0]['actions']})")
    if note:
        session.record_toasts()
        click_notification(note[0]["id"], "default")
        lands_on(session, f"#/results/{ready}", "clicking a finished job's notice")
        time.sleep(2.0)
        said = session.toasts() or []
        check(not any("while you were away" in t for t in said), f"the job the click opened is not announced again as finished while away ({said})")
        screenshot(ARTIFACTS, "p1-notice-opens-result.png")

    hide_by_closing(checks)
    refused = research(session, initiative, "refused once")
    failed = wait_for("the failure's notice", lambda: notices("Research failed"), timeout=60)
    check(bool(failed) and ["retry", "Retry"] in failed[0]["actions"], f"a failed job's notice offers Retry ({failed and failed[0]['actions']})")
    if failed:
        click_notification(failed[0]["id"], "retry")
        lands_on(session, f"#/jobs/{refused}", "Retry on a failed job's notice")
        done = wait_for("the retried research", lambda: status(session, refused) == "completed", timeout=60)
        check(bool(done), f"Retry ran the failed job again, and it completed ({status(session, refused)})")

    hide_by_closing(checks)
    both = [research(session, initiative, q) for q in ("oat milk", "pastries")]
    merged = wait_for("the merged notice", lambda: notices("2 jobs finished"), timeout=60)
    check(bool(merged) and ["view_all", "View all"] in merged[0]["actions"], f"a merged notice offers View all ({merged and merged[0]['actions']})")
    if merged:
        click_notification(merged[0]["id"], "view_all")
        lands_on(session, "#/jobs", "View all on a merged notice")
    check(all(status(session, j) == "completed" for j in both), "both merged jobs completed")

    hide_by_closing(checks)
    click_notification(9999, "default")
    time.sleep(2.0)
    check(not visible_windows(), "a click on another app's notice leaves Charter hidden")

    if note:
        session.invoke("delete_jobs", {"ids": [ready]})
        click_notification(note[0]["id"], "open")
        lands_on(session, "#/jobs", "clicking the notice of a deleted job")
        said = wait_for("the explanation", lambda: "has been deleted" in (session.text("body") or ""), timeout=10)
        check(bool(said), "the Jobs page says the notice's job has been deleted")
        screenshot(ARTIFACTS, "p2-deleted-job-notice.png")
    return refused


def relabelled_in_place(title):
    """While a job runs its progress changes its tray label; the item keeps its menu id
    (a new menu would renumber the items, and a click on its way would be lost)."""
    def job_item(items):
        return next(((i, label) for i, label, _ in items or [] if label.startswith(title)), None)

    def rest(items):
        return [label for _, label, _ in items or [] if not label.startswith(title)]

    seen = {"items": wait_for("the running job in the tray", lambda: job_item(tray_menu_items(NOTES)) and tray_menu_items(NOTES), timeout=15)}

    def progressed():
        items = tray_menu_items(NOTES)
        now, was = job_item(items), job_item(seen["items"])
        if not now or not was:
            return None
        if rest(items) != rest(seen["items"]):
            seen["items"] = items  # another line changed (a count): a new menu, compare from here
            return None
        return (was, now) if now[1] != was[1] else None

    moved = wait_for("the running job's progress in the tray", progressed, timeout=30)
    check(bool(moved) and moved[0][0] == moved[1][0], f"the tray relabels the running job in place as it progresses ({moved})")


def tray_clicks(session, initiative, metrics):
    """Each tray item does what it says while a program runs; Quit asks, Cancel keeps
    everything running, Quit stops the engine. Returns the running program's id."""
    program = session.invoke("start_operation", {"initiativeId": initiative, "operation": {"type": "program"}})["id"]
    wait_for("the program to run", lambda: status(session, program) == "running", timeout=20)
    title = session.invoke("get_job", {"id": program})["job"]["title"]
    relabelled_in_place(title)
    hide_by_closing(checks)
    clicked = wait_for("the running job's tray item", lambda: tray_click(NOTES, lambda label: label.startswith(title)), timeout=15)
    check(bool(clicked), f"the tray lists the running job ({tray_menu_items(NOTES)})")
    lands_on(session, f"#/jobs/{program}", "the running job's tray item")

    session.go("/initiatives")
    hide_by_closing(checks)
    check(tray_click(NOTES, lambda label: label == "Jobs…") is not None, "the tray has Jobs…")
    lands_on(session, "#/jobs", "Jobs… in the tray")

    hide_by_closing(checks)
    check(tray_click(NOTES, lambda label: label == "Open Charter") is not None, "the tray has Open Charter")
    check(bool(wait_for("the window", visible_windows, timeout=10)), "Open Charter shows the window")

    before = session.invoke("get_settings", {})["notifications"]["enabled"]
    tray_click(NOTES, lambda label: label == "Notifications")
    flipped = wait_for("the switch", lambda: session.invoke("get_settings", {})["notifications"]["enabled"] != before, timeout=10)
    check(bool(flipped), "the tray's Notifications switch turns notifications off")
    tray_click(NOTES, lambda label: label == "Notifications")
    back = wait_for("the switch back", lambda: session.invoke("get_settings", {})["notifications"]["enabled"] == before, timeout=10)
    check(bool(back), "and on again")

    # Quit with a job running: the dialog asks; Escape keeps everything running.
    check(tray_click(NOTES, lambda label: label == "Quit Charter") is not None, "the tray has Quit Charter")
    check(answer_dialog("Escape"), "Quit with a job running asks first")
    gone = wait_for("the dialog to close", lambda: not dialog_windows(), timeout=10)
    time.sleep(1.0)
    check(bool(gone) and app_pid(APP) is not None and status(session, program) == "running", "Cancel in the quit dialog keeps Charter and the job running")
    wait_for("a step done before quitting", lambda: completed_steps(session, program), timeout=30)
    metrics["steps_done_before_quit"] = completed_steps(session, program)
    tray_click(NOTES, lambda label: label == "Quit Charter")
    dialog = wait_for("the quit dialog", dialog_windows, timeout=10)
    if dialog:
        screenshot(ARTIFACTS, "p3-quit-dialog.png")
    answer_dialog("Return")
    ended = wait_for("Charter to quit", lambda: app_pid(APP) is None, timeout=20)
    check(bool(ended), "Quit in the quit dialog ends Charter")
    return program


def completed_steps(session, job):
    return [s["index"] for s in session.invoke("get_job", {"id": job})["steps"] if s["status"] == "completed"]


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    services = start_desktop_services(NOTES)
    server, search_url = serve(OnceRefusedSearch)
    driver = start_driver(DRIVER)
    metrics = {}
    session = None
    try:
        session = open_first_screen(APP, checks)
        settings = session.invoke("get_settings", {})
        settings["search"] = {"type": "searxng", "base_url": search_url}
        session.invoke("update_settings", {"settings": settings})
        initiative = session.invoke("create_initiative", {"draft": {
            "name": "Tray Cafe", "description": "A coffee cart that follows the farmers' markets around town.",
            "industry": None, "budget": 80000, "currency": "EUR", "horizon_months": 12, "team_size": 3,
            "start_date": "2027-01-04", "constraints": []}})["id"]

        retried = notification_clicks(session, initiative)
        program = tray_clicks(session, initiative, metrics)

        # The next start resumes the job Quit stopped, and a notice sent before the restart
        # still lands where it says.
        session.close()
        session = Session(APP)
        wait_for("the window to show again", visible_windows, timeout=30)
        resumed = wait_for("the program to resume", lambda: status(session, program) in ("running", "completed"), timeout=20)
        check(bool(resumed), f"the job Quit stopped resumes at the next start ({status(session, program)})")
        kept = completed_steps(session, program)
        before = metrics.get("steps_done_before_quit", [])
        check(bool(before) and set(before) <= set(kept), f"the steps done before Quit are kept, not redone (before {before}, after {kept})")
        done = wait_for("the resumed program", lambda: status(session, program) == "completed", timeout=120)
        check(bool(done), "and completes")
        hide_by_closing(checks)
        failed = notices("Research failed")
        if failed:
            click_notification(failed[0]["id"], "default")
            lands_on(session, f"#/results/{retried}", "a notice sent before the restart")
        metrics["notifications"] = read_notifications(NOTES)
    finally:
        shut_down(session, driver, services, server)
    checks.report("presence", os.path.join(ARTIFACTS, "presence-checks.txt"), metrics, os.path.join(ARTIFACTS, "presence-metrics.json"), quiet=("notifications",))


if __name__ == "__main__":
    main()
