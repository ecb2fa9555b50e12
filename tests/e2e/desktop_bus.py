"""The tray menu and the notifications as the desktop sees them, over the test's private
session bus: the StatusNotifierItem's dbusmenu read and clicked the way a tray host does,
and a notification clicked through the stand-in server (desktop_services.py)."""

import dbus


def _menu(notes_log):
    """The dbusmenu object of the tray item the app registered (logged by the stand-in
    watcher)."""
    with open(notes_log + ".tray", encoding="utf-8") as f:
        item = f.read().split()[-1]
    bus_name, path = item.split("/", 1)
    bus = dbus.SessionBus()
    menu_path = bus.get_object(bus_name, "/" + path).Get(
        "org.kde.StatusNotifierItem", "Menu", dbus_interface="org.freedesktop.DBus.Properties"
    )
    return bus.get_object(bus_name, menu_path)


def tray_menu_items(notes_log):
    """The tray menu's items as (dbusmenu id, label, enabled), read with
    `com.canonical.dbusmenu.GetLayout`; None when there is no item or it cannot be read."""
    try:
        _, layout = _menu(notes_log).GetLayout(0, -1, [], dbus_interface="com.canonical.dbusmenu")
    except Exception as e:  # noqa: BLE001 - any failure reads as "no menu"
        print(f"note: the tray menu could not be read ({e})", flush=True)
        return None
    items = []

    def walk(node):
        item_id, props, children = node
        if "label" in props:
            items.append((int(item_id), str(props["label"]).replace("_", ""), bool(props.get("enabled", True))))
        for child in children:
            walk(child)

    walk(layout)
    return items


def tray_menu_labels(notes_log):
    """The tray menu's labels; None when it cannot be read."""
    items = tray_menu_items(notes_log)
    return None if items is None else [label for _, label, _ in items]


def tray_click(notes_log, matches):
    """Clicks the first tray menu item whose label `matches(label)`, as a tray host does
    (`Event(id, "clicked", …)`). Returns the label clicked, or None when none matched.
    The app rebuilds its menu as jobs change, numbering the items afresh; a host follows
    `LayoutUpdated`, so an id that went stale between reading the menu and clicking is read
    again from the new layout (the cause of a rare "does not refer to a menu item")."""
    for _ in range(3):
        found = [(i, label) for i, label, enabled in tray_menu_items(notes_log) or [] if enabled and matches(label)]
        if not found:
            return None
        item_id, label = found[0]
        try:
            _menu(notes_log).Event(dbus.Int32(item_id), "clicked", dbus.String("", variant_level=1), dbus.UInt32(0), dbus_interface="com.canonical.dbusmenu")
            return label
        except dbus.DBusException as e:
            if "does not refer to a menu item" not in str(e):
                print(f"note: clicking {label!r} in the tray failed ({e})", flush=True)
                return None
            print(f"note: the tray menu changed before {label!r} was clicked; reading it again", flush=True)
    return None


def click_notification(notification_id, key="default"):
    """Clicks a notification (`default`) or one of its buttons (its action key): the
    stand-in server emits `ActionInvoked` as a desktop's does."""
    server = dbus.SessionBus().get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
    server.Click(dbus.UInt32(notification_id), key, dbus_interface="org.charter.TestNotifications")
