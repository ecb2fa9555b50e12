#!/usr/bin/python3
"""Stand-ins for the desktop services a tray app talks to, on the private session bus of an
end-to-end test: a notification server that records every notification as a JSON line
(with its id and the actions it offers) and clicks one when the test asks (`Click(id,
key)` on org.charter.TestNotifications emits `ActionInvoked` as a server does), and a
StatusNotifierWatcher so the app sees a tray host (Xvfb has none)."""

import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

LOG = sys.argv[1]


class Notifications(dbus.service.Object):
    def __init__(self, bus):
        self.next_id = 1
        name = dbus.service.BusName("org.freedesktop.Notifications", bus)
        super().__init__(name, "/org/freedesktop/Notifications")

    @dbus.service.method("org.freedesktop.Notifications", in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        given = self.next_id
        self.next_id += 1
        pairs = [[str(actions[i]), str(actions[i + 1])] for i in range(0, len(actions) - 1, 2)]
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"id": given, "app": str(app_name), "summary": str(summary), "body": str(body), "actions": pairs}) + "\n")
        return dbus.UInt32(given)

    @dbus.service.method("org.freedesktop.Notifications", out_signature="as")
    def GetCapabilities(self):
        return ["body", "actions"]

    @dbus.service.signal("org.freedesktop.Notifications", signature="us")
    def ActionInvoked(self, notification_id, action_key):
        pass

    @dbus.service.method("org.charter.TestNotifications", in_signature="us")
    def Click(self, notification_id, action_key):
        self.ActionInvoked(dbus.UInt32(notification_id), action_key)

    @dbus.service.method("org.freedesktop.Notifications", out_signature="ssss")
    def GetServerInformation(self):
        return ("charter-test", "charter", "1.0", "1.2")

    @dbus.service.method("org.freedesktop.Notifications", in_signature="u")
    def CloseNotification(self, notification_id):
        pass


class Watcher(dbus.service.Object):
    IFACE = "org.kde.StatusNotifierWatcher"

    def __init__(self, bus):
        self.items = []
        name = dbus.service.BusName(self.IFACE, bus)
        super().__init__(name, "/StatusNotifierWatcher")

    @dbus.service.method(IFACE, in_signature="s", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        item = service if service.startswith("/") is False else f"{sender}{service}"
        self.items.append(str(item))
        with open(LOG + ".tray", "a", encoding="utf-8") as f:
            f.write(str(item) + "\n")
        self.StatusNotifierItemRegistered(item)

    @dbus.service.method(IFACE, in_signature="s")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(IFACE, signature="s")
    def StatusNotifierItemRegistered(self, item):
        pass

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return self.GetAll(interface)[prop]

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
            "IsStatusNotifierHostRegistered": True,
            "ProtocolVersion": dbus.Int32(0),
        }


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    Notifications(bus)
    Watcher(bus)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
