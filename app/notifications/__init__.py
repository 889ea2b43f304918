"""Following, notifications (the Novedades feed) and the mail outbox its worker delivers."""
