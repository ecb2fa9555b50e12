"""X11 helpers for the end-to-end tests."""

import time

from Xlib import X, display, protocol


def close_window(window_id):
    """Presses the close button: WM_DELETE_WINDOW, as a window manager sends it. The round
    trip before closing the connection matters: closed right after a flush, the X server
    sometimes dropped the request unread (about 3 presses in 100 never reached the app)."""
    d = display.Display()
    try:
        window = d.create_resource_object("window", int(window_id))
        protocols = d.intern_atom("WM_PROTOCOLS")
        delete = d.intern_atom("WM_DELETE_WINDOW")
        event = protocol.event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
        window.send_event(event, event_mask=X.NoEventMask)
        d.sync()
    finally:
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


def press_close(window_id, done, wait=5.0):
    """Presses the close button once the window is viewable, once, and waits up to `wait`
    seconds for `done()`, which it returns."""
    end = time.time() + wait
    while not is_viewable(window_id) and time.time() < end:
        time.sleep(0.05)
    close_window(window_id)
    end = time.time() + wait
    while time.time() < end:
        if done():
            return True
        time.sleep(0.1)
    return bool(done())
