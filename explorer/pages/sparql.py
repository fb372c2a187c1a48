"""SPARQL: a query editor over the store, read-only, time-limited and row-capped (kg.safety)."""

from __future__ import annotations

import streamlit as st

from explorer import exports, helpers
from kg import safety
from kg.errors import QueryError
from kg.queries import list_queries, load_query

try:  # syntax highlighting: an offline Ace editor component (bundles its JS, no CDN)
    from code_editor import code_editor
except ImportError:  # pragma: no cover - the plain text area is used instead
    code_editor = None

helpers.page_header(
    "SPARQL",
    "Query the graph directly. The project's prefixes (hc:, hcid:, eli:, org:, prov:, skos:, dcterms:, "
    "rdf:, rdfs:, owl:, xsd:) are added automatically. Queries are read-only, time-limited and "
    "row-capped; the query is kept in the page address, so a link reproduces it.",
)
k = helpers.key()

DEFAULT = """# Actions per held plan
SELECT ?plan ?title (COUNT(DISTINCT ?action) AS ?actions)
WHERE {
  ?plan a hc:Plan ; hc:held true ; eli:title ?title ; eli:has_part ?action .
}
GROUP BY ?plan ?title
ORDER BY DESC(?actions)
"""

EDITOR_CSS = """
.ace_editor { background: #f8f9fb; color: #1a202c; border-radius: .5rem; }
.ace_gutter { background: #eef1f5; color: #8a94a6; }
.ace_gutter-active-line, .ace_marker-layer .ace_active-line { background: #e6ebf2; }
.ace_cursor { color: #1a202c; }
.ace_marker-layer .ace_selection { background: #c8d7f0; }
.ace_keyword, .ace_storage { color: #0b5cad; font-weight: 600; }
.ace_variable { color: #b7410e; }
.ace_string { color: #1b7a3a; }
.ace_constant, .ace_constant.ace_numeric, .ace_constant.ace_language { color: #8b2fc9; }
.ace_comment { color: #7b8794; font-style: italic; }
.ace_support.ace_function, .ace_entity { color: #005f73; }
.ace_paren, .ace_punctuation, .ace_operator { color: #4a5568; }
"""

ss = st.session_state
url_query = st.query_params.get("q")
if "sparql_query" not in ss:
    ss.sparql_query = url_query or DEFAULT
    ss.sparql_autorun = bool(url_query)
    ss.sparql_editor_version = 0
elif url_query and url_query != ss.sparql_query and url_query != ss.get("sparql_last_url"):
    ss.sparql_query = url_query  # the address was changed by hand: follow it
    ss.sparql_autorun = True
    ss.sparql_editor_version += 1

# -- examples ------------------------------------------------------------------------------------

queries = list_queries()
with st.expander("Examples: the named queries · 示例查询", expanded=False):
    e1, e2 = st.columns([4, 1])
    example = e1.selectbox(
        "Named query",
        list(queries),
        format_func=lambda n: f"{queries[n].title} ({n})",
        key="sparql_example",
    )
    st.caption(queries[example].description)
    if e2.button("Load", key="sparql_load", width="stretch"):
        ss.sparql_query = load_query(example)
        ss.sparql_editor_version += 1
        ss.pop("sparql_area", None)
with st.expander("Prefixes added automatically · 前缀", expanded=False):
    st.code(
        "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in sorted(helpers.prefixes().items())), language="sparql"
    )

# -- editor --------------------------------------------------------------------------------------

rich = st.toggle(
    "Syntax-highlighted editor (Ctrl+Enter runs)",
    value=code_editor is not None,
    disabled=code_editor is None,
    key="sparql_rich",
    help="Turn off for a plain text box.",
)
run_now = False
if rich and code_editor is not None:
    if ss.get("sparql_mode") != "rich":
        ss.sparql_editor_version += 1
    ss.sparql_mode = "rich"
    response = code_editor(
        ss.sparql_query,
        lang="sparql",
        height="340px",
        theme="default",
        shortcuts="vscode",
        response_mode=["blur"],
        options={"wrap": True, "showLineNumbers": True, "tabSize": 2, "fontSize": 14},
        # Ace's bundled "textmate" theme with our colours: the component's own themes @import a web
        # font from a CDN, which an offline browser must not be asked for.
        props={"theme": "textmate"},
        component_props={"globalCSS": EDITOR_CSS},
        buttons=[
            {
                "name": "Run",
                "feather": "Play",
                "primary": True,
                "hasText": True,
                "showWithIcon": True,
                "commands": ["submit"],
                "style": {"bottom": "0.44rem", "right": "0.4rem"},
            }
        ],
        key=f"sparql_editor_{ss.sparql_editor_version}",
    )
    if response and response.get("id") and response["id"] != ss.get("sparql_editor_seen"):
        ss.sparql_editor_seen = response["id"]
        if response.get("text") is not None:
            ss.sparql_query = response["text"]
        run_now = response.get("type") == "submit"
else:
    ss.sparql_mode = "plain"
    if "sparql_area" not in ss:
        ss.sparql_area = ss.sparql_query
    ss.sparql_query = st.text_area("SPARQL query", key="sparql_area", height=300)

b1, b2, b3 = st.columns([1, 1, 2])
clicked = b1.button("Run query · 运行", type="primary", key="sparql_run", width="stretch")
limit = b2.number_input("Row cap", min_value=1, max_value=10_000, value=1_000, step=100, key="sparql_limit")
timeout = b3.slider("Time limit (s)", 1, 60, 30, key="sparql_timeout")

if clicked or run_now or ss.pop("sparql_autorun", False):
    text = ss.sparql_query
    ss.sparql_last_url = text
    st.query_params["q"] = text
    outcome: dict = {"query": text}
    # The check (read-only, no SERVICE, no foreign FROM) and the query both run in kg.safety's
    # killable worker process: a pathological text cannot freeze the app.
    try:
        user = safety.run_user_query(helpers.store_spec(), text, timeout=float(timeout), limit=int(limit))
    except safety.QueryRefused as e:
        outcome["refused"] = str(e)
    except QueryError as e:
        outcome["error"] = str(e)
    else:
        outcome["result"] = user.result
        outcome["form"] = user.form
        outcome["truncated"] = bool(user.truncated)
        outcome["seconds"] = user.seconds
    ss.sparql_outcome = outcome

# -- results -------------------------------------------------------------------------------------

outcome = ss.get("sparql_outcome")
if not outcome:
    st.stop()
if outcome.get("refused"):
    st.error(f"Query refused — only read-only queries are allowed: {outcome['refused']}")
    st.stop()
if outcome.get("error"):
    st.error(outcome["error"])
    st.stop()

result = outcome["result"]
rows = len(result)
note = f" — capped at {int(limit):,} rows" if outcome.get("truncated") else ""
if result.kind == "ask":
    st.success(f"ASK → {'true' if result.boolean else 'false'} ({outcome['seconds']:.2f} s)")
    st.stop()

st.caption(f"{rows:,} row{'s' if rows != 1 else ''} · {outcome['seconds']:.2f} s{note}")
if outcome.get("truncated"):
    st.warning(f"The answer has more rows than the cap: only the first {rows:,} are shown.")
frame = result.to_dataframe()
st.dataframe(frame, hide_index=True, width="stretch", key="sparql_results")
d1, d2, dx, d3 = st.columns([1, 1, 1, 3])
d1.download_button(
    "CSV", result.to_csv().encode("utf-8"), "results.csv", "text/csv", key="sparql_csv", width="stretch"
)
d2.download_button(
    "JSON",
    result.to_json().encode("utf-8"),
    "results.json",
    "application/sparql-results+json",
    key="sparql_json",
    width="stretch",
)
dx.download_button(
    "Excel",
    data=lambda: exports.table_xlsx(frame, "results"),
    file_name="results.xlsx",
    mime=helpers.XLSX,
    key="dl_sparql-results_xlsx",
    on_click="ignore",
    width="stretch",
)
if result.kind == "graph":
    d3.download_button(
        "Turtle",
        result.to_graph().serialize(format="turtle").encode("utf-8"),
        "results.ttl",
        "text/turtle",
        key="sparql_ttl",
    )
    from kg import network as kn

    if rows:
        st.subheader("As a network · 网络")
        g = kn.construct_graph(result)
        if g.number_of_nodes() > 600:
            st.caption(f"{g.number_of_nodes()} nodes: too many to draw; narrow the query.")
        else:
            helpers.show_html_network(kn.to_pyvis_html(g, height="600px", directed=True), "600px")
        helpers.download_network(g, "sparql-construct")
