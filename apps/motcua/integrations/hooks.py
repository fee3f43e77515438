"""The core's payment providers and outbox handlers, through the plugin contract (docs/plugins.md)."""

name = "motcua_integrations"
label = "Tích hợp, thanh toán"
core = True
payment_providers = {
    "vnpay": "motcua.integrations.payments.vnpay.VNPayProvider",
    "sandbox": "motcua.integrations.payments.sandbox.SandboxProvider",
}
outbox_handlers = {
    "payment.paid": "motcua.integrations.handlers.payment_paid_log",
    "citizen.notice": "motcua.integrations.handlers.citizen_notice_send",
}
