"""Outgoing mail: every message the site sends is kept, so an administrator can read it.

On the embedded default (no ``[mail]`` host in the site config) messages are only kept: the desk's
"Thư đã gửi" page is where a person reads the verification link of a new account. With a host the
same backend delivers by SMTP and keeps the outcome (sent, or the reason it failed).
"""
