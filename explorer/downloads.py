"""The explorer's download buttons: CSV and Excel under a table, PNG and SVG under a chart, GraphML
under a network, Turtle and N-Quads for the whole graph (the pages call them through
:mod:`explorer.helpers`). Each file is made only when its button is pressed (a callable: Streamlit
runs it then), so a page costs nothing for the downloads it offers. Button keys carry the name: one
name per page.
"""

from __future__ import annotations

import streamlit as st

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICON = ":material/download:"


def _row():
    return st.container(horizontal=True, gap="small")


def _button(row, label: str, make, file_name: str, mime: str, key: str) -> None:
    row.download_button(
        label, data=make, file_name=file_name, mime=mime, key=key, on_click="ignore", icon=ICON
    )


def download_table(df, name: str) -> None:
    """CSV and Excel buttons for the table ``df`` (files ``name``.csv, ``name``.xlsx)."""
    from explorer import exports

    row = _row()
    _button(row, "CSV", lambda: exports.table_csv(df), f"{name}.csv", "text/csv", f"dl_{name}_csv")
    _button(row, "Excel", lambda: exports.table_xlsx(df, name), f"{name}.xlsx", XLSX, f"dl_{name}_xlsx")


def download_chart(chart, name: str) -> None:
    """PNG and SVG buttons for the Altair ``chart`` (drawn by vl-convert, offline)."""
    from explorer import exports

    row = _row()
    _button(row, "PNG", lambda: exports.chart_png(chart), f"{name}.png", "image/png", f"dl_{name}_png")
    _button(row, "SVG", lambda: exports.chart_svg(chart), f"{name}.svg", "image/svg+xml", f"dl_{name}_svg")


def download_network(g, name: str) -> None:
    """A GraphML button for the networkx graph ``g`` (Gephi, Cytoscape, yEd)."""
    from explorer import exports

    mime = "application/graphml+xml"
    _button(
        _row(), "GraphML", lambda: exports.network_graphml(g), f"{name}.graphml", mime, f"dl_{name}_graphml"
    )


def graph_buttons(open_graph) -> None:
    """Turtle and N-Quads buttons for the whole graph of ``open_graph()`` (called on a press)."""
    from explorer import exports

    row = _row()
    for fmt, (label, ext, mime) in exports.GRAPH_FORMATS.items():
        make = lambda fmt=fmt: exports.graph_bytes(open_graph(), fmt)  # noqa: E731
        _button(row, label, make, f"healthy-china-kg.{ext}", mime, f"dl_graph_{fmt}")
