#!/usr/bin/python3
"""End-to-end test of the real app window under Xvfb, driven over WebDriver (tauri-driver
with WebKitWebDriver): it starts and shows its window, a job is started over IPC, the
window is closed (hidden to the tray), the job completes while hidden, and a native
notification with the right title reaches the notification server on the session bus.
A second launch shows the first instance's window again. Prints cold start, RSS and
screenshot paths; exits non-zero on any failed check."""

import os
import subprocess
import sys
import time
from driver import (
    Checks,
    SearchStub,
    Session,
    app_pid,
    driver_ready,
    read_notifications,
    screenshot,
    serve,
    shut_down,
    start_desktop_services,
    start_driver,
    visible_windows,
)
from x11 import press_close

APP = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
DRIVER = os.path.abspath(sys.argv[3])
NOTES = os.path.join(ARTIFACTS, "notifications.jsonl")
SEARCH_DELAY = 6.0

checks = Checks()
check = checks.check
wait_for = checks.wait_for


class SlowSearch(SearchStub):
    """Answers after a delay, so the job outlives the window."""

    def do_GET(self):
        time.sleep(SEARCH_DELAY)
        self.answer()


def notifications():
    return read_notifications(NOTES)


def rss_mib(pid):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    services = start_desktop_services(NOTES)
    server, search_url = serve(SlowSearch)
    driver = start_driver(DRIVER)
    metrics = {}
    session = None
    try:
        wait_for("tauri-driver", driver_ready, timeout=20)
        started = time.time()
        session = Session(APP)
        shown = wait_for("the window to show", visible_windows, timeout=30)
        metrics["cold_start_to_visible_window_s"] = round(time.time() - started, 2)
        check(bool(shown), "the main window is shown")
        wait_for("the first screen", lambda: session.text("h1") == "Initiatives", timeout=20)
        time.sleep(1.0)
        metrics["screenshot_first_screen"] = screenshot(ARTIFACTS, "01-first-screen.png")

        settings = session.invoke("get_settings", {})
        check(settings["close_to_tray"] is True, "close-to-tray is on by default")
        settings["search"] = {"type": "searxng", "base_url": search_url}
        session.invoke("update_settings", {"settings": settings})
        initiative = session.invoke("create_initiative", {"draft": {
            "name": "E2E Cafe", "description": "A specialty coffee bar by the ferry terminal for commuters.",
            "industry": None, "budget": 300000, "currency": "EUR", "horizon_months": 12, "team_size": 5,
            "start_date": "2027-01-04", "constraints": []}})
        started = session.invoke("start_operation", {"initiativeId": initiative["id"], "operation": {"type": "research", "questions": ["coffee commuters"]}})
        job = started["id"]
        check(isinstance(job, str) and len(job) == 36 and started["joined"] is False, "a new job's id comes back at once")
        time.sleep(1.0)
        metrics["screenshot_job_running"] = screenshot(ARTIFACTS, "02-job-running.png")

        pid = app_pid(APP)
        check(pid is not None, "the app process is found")
        if pid:
            metrics["idle_rss_mib"] = round(rss_mib(pid) or 0, 1)

        windows = visible_windows()
        press_close(windows[0], lambda: not visible_windows())
        hidden = wait_for("the window to hide", lambda: not visible_windows(), timeout=10)
        check(bool(hidden), "closing hides the window")
        check(app_pid(APP) is not None, "the app keeps running with the window hidden")

        status = session.invoke("get_job", {"id": job})["job"]["status"]
        check(status in ("pending", "running"), f"the job is still running while hidden ({status})")
        note = wait_for("the completion notification", lambda: [n for n in notifications() if n["summary"] == "Research ready"], timeout=SEARCH_DELAY + 20)
        check(bool(note), "a notification says the research is ready")
        if note:
            check(note[0]["body"] == "Research for E2E Cafe", f"it names the job ({note[0]['body']})")
        check(any(n["summary"] == "Charter is still running" for n in notifications()), "the first close explains the tray")
        final = session.invoke("get_job", {"id": job})["job"]
        check(final["status"] == "completed", "the job completed while the window was hidden")
        check(os.path.exists(NOTES + ".tray"), "the tray icon registered with the tray host")

        # A second launch shows the first instance's window and exits.
        second = subprocess.Popen([APP], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            code = second.wait(timeout=20)
            check(code == 0, "a second launch exits")
        except subprocess.TimeoutExpired:
            second.kill()
            check(False, "a second launch exits")
        check(bool(wait_for("the window to come back", visible_windows, timeout=10)), "the second launch shows the first window")
        time.sleep(0.5)
        metrics["screenshot_shown_again"] = screenshot(ARTIFACTS, "03-shown-again.png")
        metrics["notifications"] = notifications()
    finally:
        shut_down(session, driver, services, server)
    checks.report("shell", os.path.join(ARTIFACTS, "checks.txt"), metrics, os.path.join(ARTIFACTS, "metrics.json"), quiet=("notifications",))


if __name__ == "__main__":
    main()
