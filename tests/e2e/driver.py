"""Shared pieces of the end-to-end tests: a small W3C WebDriver client (WebKitWebDriver driving
the app's webview), the app's IPC from the page, X11 window queries, checks and screenshots,
the notifications and toasts the app showed, and a stand-in search service."""

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from x11 import press_close

# Set by start_driver to the port its WebKitWebDriver listens on.
WEBDRIVER = "http://127.0.0.1:4444"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class Checks:
    """Named pass/fail checks, printed as they happen and counted for the summary."""

    def __init__(self):
        self.passed = []
        self.failures = []

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        (self.passed if ok else self.failures).append(what)
        return ok

    def wait_for(self, what, predicate, timeout=30.0, interval=0.2):
        """The first truthy value of `predicate`, or None (a failed check) after `timeout`."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                value = predicate()
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(interval)
        self.check(False, f"timed out waiting for {what}")
        return None

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{len(self.passed)} {len(self.failures)}\n")

    def report(self, name, counts_path, metrics, metrics_path, quiet=()):
        """Ends a test: writes `metrics` as JSON and the checks' count, prints the metrics (but
        the `quiet` ones) and a summary line, and exits non-zero if any check failed."""
        with open(metrics_path, "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)
        print(json.dumps({k: v for k, v in metrics.items() if k not in quiet}, indent=2))
        self.write(counts_path)
        print(f"e2e {name}: {len(self.passed)} passed, {len(self.failures)} failed", flush=True)
        sys.exit(1 if self.failures else 0)


def webdriver(method, path, body=None, timeout=60):
    """One WebDriver request, on a connection of its own (urllib closes it after the answer):
    a pooled keep-alive connection that the server has closed meanwhile is what made
    tauri-driver's proxy fail requests now and then ("client error (SendRequest)")."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(WEBDRIVER + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"{}").get("value")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"WebDriver {method} {path}: HTTP {e.code}: {e.read()[:500]!r}") from None


def driver_ready():
    try:
        webdriver("GET", "/status", timeout=2)
        return True
    except Exception:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_driver(driver_path):
    """Starts WebKitWebDriver (`driver_path`) on a free port, allowing the app's webview to be
    automated (what tauri-driver does on Linux, without its proxy in between); a driver left
    behind by an earlier test cannot answer for this one."""
    global WEBDRIVER
    port = free_port()
    WEBDRIVER = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TAURI_WEBVIEW_AUTOMATION="true")
    return subprocess.Popen([driver_path, f"--port={port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Session:
    """One WebDriver session on the app's window."""

    def __init__(self, app):
        capabilities = {"alwaysMatch": {"webkitgtk:browserOptions": {"binary": app, "args": []}}}
        self.id = webdriver("POST", "/session", {"capabilities": capabilities})["sessionId"]
        webdriver("POST", f"/session/{self.id}/timeouts", {"script": 60000})

    def close(self):
        try:
            webdriver("DELETE", f"/session/{self.id}", timeout=20)
        except Exception as e:  # the app may already be gone
            print(f"note: closing the session: {e}")

    def js(self, script, *args):
        """Runs `script` (a function body) in the page and returns its value."""
        return webdriver("POST", f"/session/{self.id}/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args):
        """Runs `script` with a completion callback as its last argument; returns what it passes."""
        return webdriver("POST", f"/session/{self.id}/execute/async", {"script": script, "args": list(args)})

    def invoke(self, command, args):
        """Calls an IPC command the way the UI does; raises on an error answer."""
        script = (
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
            ".then(v => done({ok: v}), e => done({err: e}));"
        )
        out = webdriver("POST", f"/session/{self.id}/execute/async", {"script": script, "args": [command, args]})
        if "err" in out:
            raise RuntimeError(f"{command}: {out['err']}")
        return out["ok"]

    def find(self, css):
        """The element id of the first match, or None."""
        found = webdriver("POST", f"/session/{self.id}/elements", {"using": "css selector", "value": css})
        return found[0][ELEMENT] if found else None

    def click_text(self, css, prefix):
        """Clicks (with real mouse events) the first element matching `css` whose text starts
        with `prefix`; returns whether there was one."""
        for found in webdriver("POST", f"/session/{self.id}/elements", {"using": "css selector", "value": css}):
            element = found[ELEMENT]
            if (webdriver("GET", f"/session/{self.id}/element/{element}/text") or "").strip().startswith(prefix):
                webdriver("POST", f"/session/{self.id}/element/{element}/click", {})
                return True
        return False

    def click(self, css):
        element = self.find(css)
        if element is None:
            raise RuntimeError(f"nothing matches {css}")
        webdriver("POST", f"/session/{self.id}/element/{element}/click", {})

    def fill(self, css, text):
        """Sets a text field's value the way the browser does when a user pastes (the native
        setter, then an `input` event React listens to): no per-key WebDriver traffic, which a
        cold CI run once saw WebKitWebDriver hang on for a long text in a textarea."""
        done = self.js(
            "const el = document.querySelector(arguments[0]); if (!el) return false;"
            "const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;"
            "Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);"
            "el.dispatchEvent(new Event('input', { bubbles: true })); return true;",
            css,
            text,
        )
        if not done:
            raise RuntimeError(f"nothing matches {css}")

    def type(self, css, text, clear=True):
        element = self.find(css)
        if element is None:
            raise RuntimeError(f"nothing matches {css}")
        if clear:
            # Select all and delete, as a user would: WebDriver's element clear sets the value
            # behind React's back, and a controlled input may put the old text back.
            webdriver("POST", f"/session/{self.id}/element/{element}/value", {"text": "\ue009a\ue000\ue003"})
        webdriver("POST", f"/session/{self.id}/element/{element}/value", {"text": text})

    def text(self, css):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)

    def attr(self, css, name):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name)

    def resize(self, width, height):
        webdriver("POST", f"/session/{self.id}/window/rect", {"width": width, "height": height})

    def go(self, route):
        """Navigates the app's hash router."""
        self.js("window.location.hash = arguments[0];", route)

    def record_toasts(self):
        """From now until the page reloads, keeps the text of every toast the page shows
        (sonner's `[data-sonner-toast]`), even one that shows while the window is hidden and
        is gone before anyone looks; read them with `toasts()`."""
        self.js(
            "if (window.__toastLog) return true;"
            "const log = []; const known = new Map();"
            "const scan = () => document.querySelectorAll('[data-sonner-toast]').forEach(t => {"
            "  if (!known.has(t)) { known.set(t, log.length); log.push(''); }"
            "  log[known.get(t)] = t.textContent; });"
            "new MutationObserver(scan).observe(document.body, {childList: true, subtree: true, characterData: true});"
            "scan(); window.__toastLog = log; return true;"
        )

    def toasts(self):
        """The text of each toast shown since `record_toasts()`, or None if it is not recording."""
        return self.js("return window.__toastLog ? [...window.__toastLog] : null;")


def open_first_screen(app, checks):
    """A WebDriver session on the app, once the driver answers, the window shows and the first
    screen (Initiatives) is there."""
    checks.wait_for("the WebDriver server", driver_ready, timeout=20)
    session = Session(app)
    checks.wait_for("the window to show", visible_windows, timeout=30)
    checks.wait_for("the first screen", lambda: session.text("h1") == "Initiatives", timeout=20)
    return session


def visible_windows(name="^Charter($| — )"):
    """The app's visible windows: titled "Charter", or "Charter — 2 running, 45 %" while jobs run."""
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True, text=True)
    return [w for w in r.stdout.split() if w]


def window_title():
    """The title of the app's visible window, or None."""
    windows = visible_windows()
    if not windows:
        return None
    r = subprocess.run(["xdotool", "getwindowname", windows[0]], capture_output=True, text=True)
    return r.stdout.strip() or None


def shut_down(session, driver, services, server=None):
    """Ends the WebDriver session (if one started), WebKitWebDriver, the desktop services and the
    search stub (if one serves)."""
    if session:
        session.close()
    driver.terminate()
    services.terminate()
    if server:
        server.shutdown()


def start_desktop_services(log):
    """Starts the stand-in notification server and tray host (desktop_services.py) on this
    session bus, recording to `log`; returns the process once it is ready."""
    here = os.path.dirname(os.path.abspath(__file__))
    services = subprocess.Popen(["/usr/bin/python3", os.path.join(here, "desktop_services.py"), log], stdout=subprocess.PIPE, text=True)
    if services.stdout.readline().strip() != "ready":
        services.kill()
        raise RuntimeError("the stand-in desktop services did not start")
    return services


def read_notifications(path):
    """The native notifications the stand-in notification server recorded (desktop_services.py),
    in order: dicts with `app`, `summary` and `body`."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class SearchStub(http.server.BaseHTTPRequestHandler):
    """A SearXNG stand-in that finds nothing. Subclasses decide when and whether it answers."""

    def do_GET(self):
        self.answer()

    def answer(self):
        """An empty result list."""
        body = json.dumps({"results": []}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the app went away mid-answer (the crash test kills it)

    def log_message(self, *args):
        pass


def serve(handler):
    """Serves `handler` on a free local port in the background; returns the server (shut it
    down when done) and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def screenshot(artifacts, name):
    path = os.path.join(artifacts, name)
    subprocess.run(["import", "-window", "root", path], check=False)
    return path


def screenshot_window(artifacts, name):
    """A screenshot of the app's window alone (for sizes smaller than the screen)."""
    path = os.path.join(artifacts, name)
    windows = visible_windows()
    if windows:
        subprocess.run(["import", "-window", windows[0], path], check=False)
    return path


def app_pid(app):
    """The pid of `app` running on this test's desktop (the same binary may run on another)."""
    r = subprocess.run(["pgrep", "-f", "-x", app], capture_output=True, text=True)
    pids = [int(p) for p in r.stdout.split() if on_this_desktop(int(p))]
    return pids[0] if pids else None


def on_this_desktop(pid):
    """Whether process `pid` runs on this test's X display."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = f.read().split(b"\0")
    except OSError:
        return False
    return f"DISPLAY={os.environ.get('DISPLAY', '')}".encode() in env


def show_again(app, checks):
    """Brings the hidden window back the way a user can: launching Charter again."""
    second = subprocess.Popen([app], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        code = second.wait(timeout=20)
    except subprocess.TimeoutExpired:
        second.kill()
        code = None
    return checks.check(code == 0, "a second launch exits") and bool(checks.wait_for("the window to come back", visible_windows, timeout=10))


def hide_by_closing(checks):
    """Presses the window's close button and waits for it to hide to the tray."""
    windows = visible_windows()
    if not windows:
        return checks.check(False, "a visible window to close")
    if len(windows) > 1:
        names = [subprocess.run(["xdotool", "getwindowname", w], capture_output=True, text=True).stdout.strip() for w in windows]
        geometry = [subprocess.run(["xdotool", "getwindowgeometry", w], capture_output=True, text=True).stdout.replace("\n", " ") for w in windows]
        print(f"note: {len(windows)} visible windows named Charter: {list(zip(windows, names, geometry))}", flush=True)
    press_close(windows[0], lambda: not visible_windows())
    return checks.check(bool(checks.wait_for("the window to hide", lambda: not visible_windows(), timeout=10)), "closing hides the window to the tray")


def search_for(s, text):
    """Types `text` into the Jobs search box, as a user would, and waits until the page has
    taken it (the search is in the URL). A user whose keystrokes were swallowed by a
    re-render types again; so does this, once, saying so in the log."""
    for attempt in range(2):
        s.type("input[type=search]", text)
        end = time.time() + 10
        while time.time() < end:
            if s.js("return location.hash.includes(arguments[0]);", f"q={text}"):
                return
            time.sleep(0.2)
        state = s.js("return [location.hash, document.querySelector('input[type=search]')?.value];")
        print(f"note the search box did not take {text!r} (attempt {attempt + 1}; page: {state})", flush=True)


def click_tab(s, name):
    # Radix tabs switch on mouse-down, so this needs WebDriver's real click, not el.click().
    return s.click_text("[role=tab]", name)


def export_via_dialog(s, checks, button, path, menu=None):
    """Clicks an export button (in the `menu` button's menu, if given) and answers the native
    save dialog with `path`, as a user types a file name; returns the saved text or None."""
    if os.path.exists(path):
        os.remove(path)  # else the dialog asks whether to replace it
    if menu:
        s.click_text("button", menu)
        checks.wait_for("the menu", lambda: s.find(".menu-item"), timeout=5)
        # Menu items drop the buttons' leading "Export ".
        s.click_text(".menu-item", button.removeprefix("Export "))
    else:
        s.click_text("button", button)

    def dialog():
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Export"], capture_output=True, text=True)
        return r.stdout.split()

    windows = checks.wait_for("the save dialog", dialog, timeout=10)
    if not checks.check(bool(windows), f"“{button}” opens the native save dialog"):
        return None
    subprocess.run(["xdotool", "windowfocus", "--sync", windows[0]], check=False)
    subprocess.run(["xdotool", "key", "ctrl+a"], check=False)
    subprocess.run(["xdotool", "type", "--delay", "15", path], check=False)
    subprocess.run(["xdotool", "key", "Return"], check=False)
    if not checks.check(bool(checks.wait_for("the export file", lambda: os.path.exists(path), timeout=10)), f"the export is saved where the user said ({os.path.basename(path)})"):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()
