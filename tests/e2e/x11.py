"""X11 helpers for the end-to-end tests."""

import time

from Xlib import X, display, protocol


def close_window(window_id):
    """Presses the close button: WM_DELETE_WINDOW, as a window manager sends it."""
    d = display.Display()
    window = d.create_resource_object("window", int(window_id))
    protocols = d.intern_atom("WM_PROTOCOLS")
    delete = d.intern_atom("WM_DELETE_WINDOW")
    event = protocol.event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    window.send_event(event, event_mask=X.NoEventMask)
    d.flush()
    d.close()


def is_viewable(window_id):
    """Whether the window is mapped and shown (GTK answers WM_DELETE_WINDOW from then on)."""
    d = display.Display()
    try:
        window = d.create_resource_object("window", int(window_id))
        return window.get_attributes().map_state == X.IsViewable
    except Exception:  # the window went away meanwhile
        return False
    finally:
        d.close()


def press_close(window_id, done, wait=2.0):
    """Presses the close button once the window is viewable and waits up to `wait` seconds for
    `done()`; presses it once more if nothing happened, saying so. Under Xvfb with no window
    manager a press right after the window was shown again (a notification click, a second
    launch) sometimes never reaches the app (its log shows no close request); a user would
    press again too. Returns `done()`."""
    end = time.time() + wait
    while not is_viewable(window_id) and time.time() < end:
        time.sleep(0.05)
    for attempt in range(2):
        close_window(window_id)
        end = time.time() + wait
        while time.time() < end:
            if done():
                return True
            time.sleep(0.1)
        if attempt == 0:
            print("note: the window did not react to the close button; pressing it again", flush=True)
    return bool(done())
