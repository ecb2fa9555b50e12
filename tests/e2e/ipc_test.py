#!/usr/bin/python3
"""End-to-end test of the IPC's error shape: the real app window under Xvfb, driven over
WebDriver, calls every command in src-ui/src/bindings.ts (which a cargo test keeps equal to
the Rust command list, so a new command is covered by itself) through
window.__TAURI_INTERNALS__.invoke with malformed arguments: each one missing, of the wrong
type, a negative or huge number, an unknown variant, an object with no fields. Every
rejection must be `{ code, message }` with strings, as the bindings promise; a wrong type
must be rejected as `invalid_arguments` naming the argument. Writes ipc-checks.txt and
ipc-answers.json to the artifacts folder."""

import json
import os
import re
import sys
from driver import Checks, Session, driver_ready, start_driver, visible_windows

APP = os.path.abspath(sys.argv[1])
ARTIFACTS = os.path.abspath(sys.argv[2])
DRIVER = os.path.abspath(sys.argv[3])
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


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    commands = commands_from_bindings(BINDINGS)
    check(len(commands) >= 30, f"{len(commands)} commands read from the bindings")
    driver = start_driver(DRIVER)
    session = None
    answers = []
    try:
        wait_for("tauri-driver", driver_ready, timeout=20)
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
    finally:
        if session:
            session.close()
        driver.terminate()
    with open(os.path.join(ARTIFACTS, "ipc-answers.json"), "w", encoding="utf-8") as f:
        json.dump(answers, f, indent=1)
    checks.write(os.path.join(ARTIFACTS, "ipc-checks.txt"))
    print(f"e2e ipc: {len(checks.passed)} passed, {len(checks.failures)} failed", flush=True)
    if checks.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
