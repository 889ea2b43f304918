"""search

One search over each draft's clauses, comments, amendments and exposición de motivos. The rows
are in `search_document`; each engine indexes them its own way. PostgreSQL: the `unaccent`
extension, a text search configuration `mesa_spanish` (Spanish stemming after removing
accents) and a generated, weighted `tsv` column with a GIN index. SQLite: an FTS5 table of the
words' stems (app/search/text.py stems them: FTS5 has no Spanish stemmer) whose tokenizer also
folds case and accents, and whose `tags` column holds what a search filters on (kind, draft,
clause, hidden, removed) as words, so filtering and counting never leave the index. Both are
outside the models, so migrations/env.py leaves them out of `alembic check`. The existing rows are indexed here; from then on, in every write's flush.

Revision ID: 0014
Revises: 0013
Created: 2026-12-01 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Heading weighs most for a clause; what people say about a clause weighs less than its text.
_WEIGHT = {
    'heading': "CASE WHEN kind = 'provision' THEN 'A' ELSE 'B' END::\"char\"",
    'body': "CASE kind WHEN 'provision' THEN 'B' WHEN 'comment' THEN 'D' ELSE 'C' END::\"char\"",
}


def _lexemes(column: str) -> str:
    """Each word twice: stemmed then unaccented (the Snowball stemmer PostgreSQL ships knows
    "formalización" but not "formalizacion"), and unaccented then stemmed (so "mineria", as
    people type it, finds "minería"). The queries ask for either (app/search/service.py)."""
    return (
        f"setweight(mesa_unaccent(to_tsvector('pg_catalog.spanish', {column})::text)::tsvector, "
        f"{_WEIGHT[column]}) || setweight(to_tsvector('mesa_spanish', {column}), {_WEIGHT[column]})"
    )


def upgrade() -> None:
    op.create_table(
        'search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('provision_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('heading', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('removed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['member.id']),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id']),
        sa.ForeignKeyConstraint(['provision_id'], ['provision.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'object_id'),
    )
    with op.batch_alter_table('search_document') as batch_op:
        batch_op.create_index('ix_search_document_draft_id', ['draft_id'], unique=False)
        batch_op.create_index('ix_search_document_provision_id', ['provision_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS unaccent')
        op.execute('CREATE TEXT SEARCH CONFIGURATION mesa_spanish (COPY = pg_catalog.spanish)')
        op.execute(
            'ALTER TEXT SEARCH CONFIGURATION mesa_spanish ALTER MAPPING FOR '
            'asciiword, asciihword, hword_asciipart, word, hword, hword_part '
            'WITH unaccent, spanish_stem'
        )
        schema = op.get_bind().exec_driver_sql('SELECT current_schema()').scalar()
        # unaccent() is only STABLE (it looks its dictionary up by name); with the dictionary
        # named in full it is as immutable as an index or a generated column needs.
        op.execute(
            'CREATE FUNCTION mesa_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT '
            f"PARALLEL SAFE AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
        )
        tsv = f"{_lexemes('heading')} || {_lexemes('body')}"
        op.execute(
            f'ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({tsv}) STORED'
        )
        # Without the pending list a search never scans entries not yet merged into the index.
        op.execute(
            'CREATE INDEX search_document_tsv ON search_document USING gin (tsv) '
            'WITH (fastupdate = off)'
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "heading, body, tags, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # However a document goes (a service, a cleanup in SQL), its row of stems goes with it.
        op.execute(
            'CREATE TRIGGER search_document_deleted AFTER DELETE ON search_document '
            'BEGIN DELETE FROM search_fts WHERE rowid = old.id; END'
        )

    from app.search.indexing import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_table('search_document')
        op.execute('DROP FUNCTION mesa_unaccent(text)')
        op.execute('DROP TEXT SEARCH CONFIGURATION mesa_spanish')
    else:
        op.execute('DROP TABLE search_fts')
        with op.batch_alter_table('search_document') as batch_op:
            batch_op.drop_index('ix_search_document_provision_id')
            batch_op.drop_index('ix_search_document_draft_id')
        op.drop_table('search_document')
