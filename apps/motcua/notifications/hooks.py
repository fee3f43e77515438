"""The core's notification channels, through the plugin contract (docs/plugins.md).

SMS is not here: an SMS gateway is a plugin (``plugins/sms_gateway``) that a site enables.
"""

name = "motcua_notifications"
label = "Thông báo, nhắc hạn"
core = True
notification_channels = {
    "email": "motcua.notifications.channels.EmailChannel",
    "zalo": "motcua.notifications.channels.ZaloChannel",
    "desk": "motcua.notifications.channels.DeskChannel",
    "console": "motcua.notifications.channels.ConsoleChannel",
}
