"""Following, notifications (the Novedades feed) and the mail outbox its worker delivers.

Notifications are derived from the record: `service.install()` subscribes `service.on_event` to
app/audit, which calls its subscribers inside the transaction of every event it appends.
"""
