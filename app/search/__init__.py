"""Search over drafts and everything said about them: one service over PostgreSQL full-text
search and SQLite FTS5."""
