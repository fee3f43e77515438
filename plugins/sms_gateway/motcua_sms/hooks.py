"""What the SMS gateway plugin contributes to motcua (docs/plugins.md of motcua)."""

name = "sms_gateway"
label = "Tin nhắn SMS qua cổng SMS (HTTP)"
requires_motcua = ">=0.1,<0.2"
app = None  # no models, pages or templates: a channel only
notification_channels = {"sms": "motcua_sms.channel.SmsChannel"}
