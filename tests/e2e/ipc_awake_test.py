#!/usr/bin/python3
"""End-to-end test of two things only the real app shows, on one desktop:

1. The IPC's error shape: the app window under Xvfb, driven over WebDriver, calls every
   command in src-ui/src/bindings.ts (which a cargo test keeps equal to the Rust command
   list, so a new command is covered by itself) through window.__TAURI_INTERNALS__.invoke
   with malformed arguments: each one missing, of the wrong type, a negative or huge number,
   an unknown variant, an object with no fields. Every rejection must be `{ code, message }`
   with strings, as the bindings promise; a wrong type must be rejected as
   `invalid_arguments` naming the argument.
2. Keep-awake: on Linux the app asks systemd-logind (org.freedesktop.login1 on the system
   bus) for "idle" and "sleep" inhibitor locks while jobs run. A stand-in logind on a
   private bus (this file, run with --login1) records each Inhibit call and notices when
   the app closes the lock's file descriptor: held while a job runs, let go once it stops.

Writes ipc-awake-checks.txt, ipc-answers.json and inhibitors.jsonl to the artifacts folder."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from driver import Checks, Session, driver_ready, start_driver, visible_windows

APP, ARTIFACTS, DRIVER = (os.path.abspath(a) for a in (sys.argv[1:4] + ["", "", ""])[:3])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINDINGS = os.path.join(ROOT, "src-ui", "src", "bindings.ts")

checks = Checks()
check = checks.check
wait_for = checks.wait_for

# A stand-in for a real channel, made in the page (a channel is a callback registered there).
CHANNEL = "@channel"


def commands_from_bindings(path):
    """[(command, [(argument, TypeScript type)])] for every command in the bindings."""
    text = open(path, encoding="utf-8").read()
    found = []
    pattern = re.compile(r"^\t(\w+): \((.*?)\) => .*?__TAURI_INVOKE(?:<[^(]*>)?\(\"(\w+)\"", re.M)
    for match in pattern.finditer(text):
        params, command = match.group(2), match.group(3)
        found.append((command, split_params(params)))
    return found


def split_params(params):
    """'a: X, b: Channel<Y>' -> [('a', 'X'), ('b', 'Channel<Y>')] (commas inside <> kept)."""
    out, depth, current = [], 0, ""
    for ch in params:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current)
    pairs = []
    for p in out:
        name, _, ts = p.strip().partition(":")
        pairs.append((name.strip(), ts.strip()))
    return pairs


def samples(settings):
    """Valid values for the named types, so a call's other arguments are well-formed."""
    return {
        "InitiativeDraft_Deserialize": {
            "name": "Malformed Cafe", "description": "A cafe that tests arguments.", "industry": None,
            "budget": 1000, "currency": "EUR", "horizon_months": 6, "team_size": 2,
            "start_date": "2027-01-04", "constraints": []},
        "Operation_Deserialize": {"type": "program"},
        "ExportFormat": "markdown",
        "JobQuery_Deserialize": {},
        "Settings_Deserialize": settings,
    }


def valid_value(ts, named):
    if ts == "string":
        return "x"
    if ts == "string | null":
        return None
    if ts in ("number", "number | null"):
        # `number | null` is how the bindings spell an f64 (NaN goes out as null); only a
        # number is accepted coming in.
        return 1
    if ts == "boolean":
        return True
    if ts == "string[]":
        return []
    if ts.startswith("Channel<"):
        return CHANNEL
    return named.get(ts, KeyError)


def malformed_values(ts):
    """(value, must_be_rejected) pairs for an argument of TypeScript type `ts`."""
    if ts in ("string", "string | null"):
        return [(42, True), (["x"], True), ({"a": 1}, True)]
    if ts in ("number", "number | null"):
        return [("x", True), (True, True), (-1, False), (1e20, False), (1.5, False)]
    if ts == "boolean":
        return [("yes", True), (1, True)]
    if ts == "string[]":
        return [("x", True), ([1], True)]
    if ts.startswith("Channel<"):
        return [(42, True), ("not a channel", True)]
    # A struct or a tagged union: never a plain string, number or list; an empty object or an
    # unknown variant may be accepted (all fields have defaults) but, if not, is typed too.
    return [("x", True), (42, True), ([1], True), ({}, False), ({"type": "no_such_variant"}, False)]


INVOKE = """
const done = arguments[arguments.length - 1];
const [command, args] = [arguments[0], arguments[1]];
const channel = () => "__CHANNEL__:" + window.__TAURI_INTERNALS__.transformCallback(() => {});
const fixed = {};
for (const [k, v] of Object.entries(args)) fixed[k] = v === "@channel" ? channel() : v;
window.__TAURI_INTERNALS__.invoke(command, fixed)
  .then(v => done({ok: v === undefined ? null : v}), e => done({err: e === undefined ? null : e}));
"""


def typed(err):
    return isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str)


def login1_standin(log):
    """Serves org.freedesktop.login1.Manager.Inhibit on $DBUS_SYSTEM_BUS_ADDRESS, writing
    one JSON line per lock taken and per lock released (its descriptor closed)."""
    import dbus
    import dbus.service
    from dbus.mainloop.glib import DBusGMainLoop
    from gi.repository import GLib

    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(os.environ["DBUS_SYSTEM_BUS_ADDRESS"])

    def record(entry):
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    class Manager(dbus.service.Object):
        def __init__(self):
            super().__init__(dbus.service.BusName("org.freedesktop.login1", bus), "/org/freedesktop/login1")

        @dbus.service.method("org.freedesktop.login1.Manager", in_signature="ssss", out_signature="h")
        def Inhibit(self, what, who, why, mode):
            record({"event": "inhibit", "what": str(what), "who": str(who), "why": str(why), "mode": str(mode)})
            read_end, write_end = os.pipe()

            def released(fd, _condition):
                record({"event": "release", "what": str(what)})
                os.close(fd)
                return False

            GLib.io_add_watch(read_end, GLib.PRIORITY_DEFAULT, GLib.IO_HUP | GLib.IO_ERR | GLib.IO_IN, released)
            lock = dbus.types.UnixFd(write_end)  # a duplicate goes to the app
            os.close(write_end)
            return lock

    Manager()
    print("ready", flush=True)
    GLib.MainLoop().run()


def inhibitor_log(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def start_system_bus(folder):
    """A private bus standing in for the system bus, and the stand-in logind on it."""
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                            f"--address=unix:path={folder}/system_bus"], stdout=subprocess.PIPE, text=True)
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = bus.stdout.readline().strip()
    log = os.path.join(ARTIFACTS, "inhibitors.jsonl")
    if os.path.exists(log):
        os.remove(log)
    standin = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "--login1", log], stdout=subprocess.PIPE, text=True)
    assert standin.stdout.readline().strip() == "ready"
    return bus, standin, log


def keep_awake(session, log):
    """A running job takes idle and sleep locks; cancelling it releases them."""
    initiative = session.invoke("create_initiative", {"draft": samples({})["InitiativeDraft_Deserialize"]})
    job = session.invoke("start_operation", {"initiativeId": initiative["id"], "operation": {"type": "program"}})["id"]
    held = wait_for("the inhibitor locks", lambda: {e["what"] for e in inhibitor_log(log) if e["event"] == "inhibit"} >= {"idle", "sleep"}, timeout=20)
    check(bool(held), "a running job takes idle and sleep inhibitor locks")
    taken = [e for e in inhibitor_log(log) if e["event"] == "inhibit"]
    check(all(e["who"] == "Charter" and e["mode"] == "block" for e in taken), f"the locks name Charter and block ({taken})")
    check(not [e for e in inhibitor_log(log) if e["event"] == "release"], "the locks are held while the job runs")
    status = session.invoke("get_job", {"id": job})["job"]["status"]
    check(status in ("pending", "running"), f"the job is still running ({status})")
    session.invoke("cancel_job", {"id": job})
    released = wait_for("the locks to be released", lambda: {e["what"] for e in inhibitor_log(log) if e["event"] == "release"} >= {"idle", "sleep"}, timeout=20)
    check(bool(released), "the locks are released once no job runs")


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    commands = commands_from_bindings(BINDINGS)
    check(len(commands) >= 30, f"{len(commands)} commands read from the bindings")
    folder = tempfile.mkdtemp()
    system_bus, standin, inhibitors = start_system_bus(folder)
    driver = start_driver(DRIVER)
    session = None
    answers = []
    try:
        wait_for("the WebDriver server", driver_ready, timeout=20)
        session = Session(APP)
        check(bool(wait_for("the window to show", visible_windows, timeout=30)), "the main window is shown")
        wait_for("the first screen", lambda: session.text("h1") == "Initiatives", timeout=20)
        settings = session.invoke("get_settings", {})
        named = samples(settings)

        def call(command, args):
            out = session.js_async(INVOKE, command, args)
            return out

        untyped, unrejected, unnamed = [], [], []
        for command, params in commands:
            if not params:
                continue
            # Every argument missing at once.
            required = [n for n, ts in params if "| null" not in ts]
            out = call(command, {})
            answers.append({"command": command, "args": {}, "answer": out})
            if "err" in out and not typed(out["err"]):
                untyped.append((command, {}, out["err"]))
            if required and "err" not in out:
                unrejected.append((command, {}))
            # Each argument malformed in turn, the others well-formed.
            for index, (name, ts) in enumerate(params):
                others = {n: valid_value(t, named) for n, t in params if n != name}
                well_formed = all(v is not KeyError for v in others.values())
                others = {n: v for n, v in others.items() if v is not KeyError}
                for value, must_reject in malformed_values(ts):
                    args = dict(others, **{name: value})
                    out = call(command, args)
                    answers.append({"command": command, "args": args, "answer": out})
                    if "err" not in out:
                        if must_reject:
                            unrejected.append((command, args))
                        continue
                    err = out["err"]
                    if not typed(err):
                        untyped.append((command, args, err))
                    elif must_reject and well_formed and (err["code"] != "invalid_arguments" or f"`{name}`" not in err["message"]):
                        unnamed.append((command, args, err))

        rejected = sum(1 for a in answers if "err" in a["answer"])
        print(f"{len(answers)} malformed calls to {len(commands)} commands, {rejected} rejected", flush=True)
        check(len(answers) >= 100, f"{len(answers)} malformed calls were made")
        check(not untyped, f"every rejection is {{ code, message }} ({len(untyped)} are not: {untyped[:5]})")
        check(not unrejected, f"every wrong type is rejected ({len(unrejected)} were accepted: {unrejected[:5]})")
        check(not unnamed, f"a wrong type is invalid_arguments naming the argument ({len(unnamed)} are not: {unnamed[:5]})")
        check(bool(session.invoke("get_settings", {})), "the app still answers afterwards")

        # update_settings({}) above reset the settings to their defaults: keep-awake is on.
        keep_awake(session, inhibitors)
    finally:
        if session:
            session.close()
        driver.terminate()
        standin.terminate()
        system_bus.terminate()
        system_bus.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    with open(os.path.join(ARTIFACTS, "ipc-answers.json"), "w", encoding="utf-8") as f:
        json.dump(answers, f, indent=1)
    checks.write(os.path.join(ARTIFACTS, "ipc-awake-checks.txt"))
    print(f"e2e ipc and keep-awake: {len(checks.passed)} passed, {len(checks.failures)} failed", flush=True)
    if checks.failures:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "--login1":
        login1_standin(sys.argv[2])
    else:
        main()
