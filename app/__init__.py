"""Mesa."""

# Whatever process writes (the web app, the command line, a benchmark, a test calling a
# service) keeps what is derived from the record current in the same transaction: the search
# index (app/search/indexing.py) and each clause's consensus outcome (app/consensus/reports.py).
from app.consensus import reports as _consensus_reports
from app.search import indexing as _search_indexing

_search_indexing.install()
_consensus_reports.install()
