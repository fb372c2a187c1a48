"""The ``kg`` command line.

    kg extract FILE... [--json]
    kg build [PATH...] [--store PATH] [--full] [--strict]
    kg validate [--store PATH]
    kg export [--format turtle|nt|jsonld|nquads] [--store PATH] [--output FILE]
    kg query "SPARQL" | --file Q.rq | --name NAME | --list  [--format table|csv|json] [--bind NAME=VALUE]
    kg eval [--gold DIR] [--json] ...
    kg top-departments [--level L] [--plan P] [--role lead|any|participant] [--limit N] [--json]
    kg trace PLACE ACTION [--json]
    kg hierarchy | kg coverage | kg targets INDICATOR   [--json]
    kg diffusion [--level L] [--province P] [--json]
    kg matrix [--level L] [--plan P] [--role R] [--department D --theme T] [--json]
    kg serve [--host 127.0.0.1] [--port 7878] [--timeout S] [--limit ROWS] [--store PATH]

``--store`` takes a folder (default ``$KG_STORE`` or ``data/store``) or ``memory`` (the corpus in
``data/plans`` is then built in memory first). Expected errors print one line, ``kg: error: ...``,
and exit 1; usage errors exit 2.
"""

from kg.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
