"""Mesa."""

# Whatever process writes (the web app, the command line, a benchmark, a test calling a
# service) keeps the search index current in the same transaction: see app/search/indexing.py.
from app.search import indexing as _search_indexing

_search_indexing.install()
