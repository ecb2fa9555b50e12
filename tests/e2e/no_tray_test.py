#!/usr/bin/python3
"""Without a tray host on the session bus there must never be an invisible process: a start
at login (`--hidden`) shows the window anyway, and closing it asks whether to quit instead of
hiding."""

import os
import subprocess
import sys
import time

from driver import visible_windows as windows
from x11 import press_close

APP = os.path.abspath(sys.argv[1])


def wait(predicate, timeout):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return None


app = subprocess.Popen([APP, "--hidden"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
passed = failed = 0
try:
    main = wait(lambda: windows("^Charter$"), 30)
    time.sleep(1.0)
    if main:
        press_close(main[0], lambda: windows("^Quit Charter\\?$"))
    dialog = wait(lambda: windows("^Quit Charter\\?$"), 10)
    for ok, what in [
        (bool(main), "a --hidden start without a tray shows the window anyway"),
        (bool(dialog), "closing without a tray asks whether to quit"),
        (app.poll() is None, "the app waits for the answer"),
    ]:
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
finally:
    app.kill()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(f"{passed} {failed}\n")
sys.exit(1 if failed else 0)
