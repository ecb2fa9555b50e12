"""X11 helpers for the end-to-end tests."""

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
