#!/usr/bin/python3
"""End-to-end test of the real app window under Xvfb, driven over WebDriver (tauri-driver
with WebKitWebDriver): it starts and shows its window, a job is started over IPC, the
window is closed (hidden to the tray), the job completes while hidden, and a native
notification with the right title reaches the notification server on the session bus.
A second launch shows the first instance's window again. Prints cold start, RSS and
screenshot paths; exits non-zero on any failed check."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from x11 import close_window

APP = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
DRIVER = os.path.abspath(sys.argv[3])
HERE = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ARTIFACTS, "notifications.jsonl")
WEBDRIVER = "http://127.0.0.1:4444"
SEARCH_DELAY = 6.0

failures = []
passed = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    (passed if ok else failures).append(what)


def wait_for(what, predicate, timeout=30.0, interval=0.2):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    check(False, f"timed out waiting for {what}")
    return None


class SlowSearch(http.server.BaseHTTPRequestHandler):
    """A SearXNG stand-in that answers after a delay, so the job outlives the window."""

    def do_GET(self):
        time.sleep(SEARCH_DELAY)
        body = json.dumps({"results": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def webdriver(method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(WEBDRIVER + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"{}").get("value")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"WebDriver {method} {path}: HTTP {e.code}: {e.read()[:500]!r}") from None


def invoke(session, command, args):
    script = (
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
        ".then(v => done({ok: v}), e => done({err: e}));"
    )
    out = webdriver("POST", f"/session/{session}/execute/async", {"script": script, "args": [command, args]})
    if "err" in out:
        raise RuntimeError(f"{command}: {out['err']}")
    return out["ok"]


def visible_windows():
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Charter$"], capture_output=True, text=True)
    return [w for w in r.stdout.split() if w]


def all_windows():
    r = subprocess.run(["xdotool", "search", "--name", "^Charter$"], capture_output=True, text=True)
    return [w for w in r.stdout.split() if w]


def notifications():
    if not os.path.exists(NOTES):
        return []
    with open(NOTES, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def screenshot(name):
    path = os.path.join(ARTIFACTS, name)
    subprocess.run(["import", "-window", "root", path], check=False)
    return path


def app_pid():
    r = subprocess.run(["pgrep", "-f", "-x", APP], capture_output=True, text=True)
    pids = [int(p) for p in r.stdout.split()]
    return pids[0] if pids else None


def rss_mib(pid):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    services = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "desktop_services.py"), NOTES], stdout=subprocess.PIPE, text=True)
    assert services.stdout.readline().strip() == "ready"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowSearch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    search_url = f"http://127.0.0.1:{server.server_address[1]}"
    driver = subprocess.Popen([DRIVER, "--port", "4444", "--native-driver", "/usr/bin/WebKitWebDriver"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = {}
    session = None
    try:
        wait_for("tauri-driver", lambda: _status_ok(), timeout=20)
        started = time.time()
        session = webdriver("POST", "/session", {"capabilities": {"alwaysMatch": {"tauri:options": {"application": APP}}}})["sessionId"]
        webdriver("POST", f"/session/{session}/timeouts", {"script": 60000})
        shown = wait_for("the window to show", visible_windows, timeout=30)
        metrics["cold_start_to_visible_window_s"] = round(time.time() - started, 2)
        check(bool(shown), "the main window is shown")
        wait_for("the first screen", lambda: webdriver("POST", f"/session/{session}/execute/sync", {"script": "return document.querySelector('h1') && document.querySelector('h1').textContent", "args": []}) == "Charter", timeout=20)
        time.sleep(1.0)
        metrics["screenshot_first_screen"] = screenshot("01-first-screen.png")

        settings = invoke(session, "get_settings", {})
        check(settings["close_to_tray"] is True, "close-to-tray is on by default")
        settings["search"] = {"type": "searxng", "base_url": search_url}
        invoke(session, "update_settings", {"settings": settings})
        initiative = invoke(session, "create_initiative", {"draft": {
            "name": "E2E Cafe", "description": "A specialty coffee bar by the ferry terminal for commuters.",
            "industry": None, "budget": 300000, "currency": "EUR", "horizon_months": 12, "team_size": 5,
            "start_date": "2027-01-04", "constraints": []}})
        job = invoke(session, "start_operation", {"initiativeId": initiative["id"], "operation": {"type": "research", "questions": ["coffee commuters"]}})
        check(isinstance(job, str) and len(job) == 36, "a job id comes back at once")
        time.sleep(1.0)
        metrics["screenshot_job_running"] = screenshot("02-job-running.png")

        pid = app_pid()
        check(pid is not None, "the app process is found")
        if pid:
            metrics["idle_rss_mib"] = round(rss_mib(pid) or 0, 1)

        windows = visible_windows()
        close_window(windows[0])
        hidden = wait_for("the window to hide", lambda: not visible_windows(), timeout=10)
        check(bool(hidden), "closing hides the window")
        check(app_pid() is not None, "the app keeps running with the window hidden")

        status = invoke(session, "get_job", {"id": job})["job"]["status"]
        check(status in ("pending", "running"), f"the job is still running while hidden ({status})")
        note = wait_for("the completion notification", lambda: [n for n in notifications() if n["summary"] == "Research ready"], timeout=SEARCH_DELAY + 20)
        check(bool(note), "a notification says the research is ready")
        if note:
            check(note[0]["body"] == "Research for E2E Cafe", f"it names the job ({note[0]['body']})")
        check(any(n["summary"] == "Charter is still running" for n in notifications()), "the first close explains the tray")
        final = invoke(session, "get_job", {"id": job})["job"]
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
        metrics["screenshot_shown_again"] = screenshot("03-shown-again.png")
        metrics["notifications"] = notifications()
    finally:
        if session:
            try:
                webdriver("DELETE", f"/session/{session}", timeout=20)
            except Exception as e:  # the app may already be gone
                print(f"note: closing the session: {e}")
        driver.terminate()
        services.terminate()
        server.shutdown()
    with open(os.path.join(ARTIFACTS, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2)
    print(json.dumps({k: v for k, v in metrics.items() if k != "notifications"}, indent=2))
    with open(os.path.join(ARTIFACTS, "checks.txt"), "w", encoding="utf-8") as f:
        f.write(f"{len(passed)} {len(failures)}\n")
    print(f"e2e: {len(passed)} passed, {len(failures)} failed", flush=True)
    if failures:
        sys.exit(1)


def _status_ok():
    try:
        webdriver("GET", "/status", timeout=2)
        return True
    except Exception:
        return False


if __name__ == "__main__":
    main()
