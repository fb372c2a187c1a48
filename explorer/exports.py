"""The explorer's downloads as bytes: tables to CSV and Excel, charts to PNG and SVG, networks to
GraphML, the whole graph to Turtle or N-Quads. Plain functions (no Streamlit), so that the tests
open what they make with their own readers; :mod:`explorer.helpers` puts them behind buttons.
"""

from __future__ import annotations

import io
import re

# Table cells Excel refuses (control characters) and sheet-name characters it forbids.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET = re.compile(r"[\[\]:*?/\\]")
CHART_WIDTH = 720  # a chart drawn "as wide as the page" has no width of its own off the page

GRAPH_FORMATS = {
    "turtle": ("Turtle", "ttl", "text/turtle"),
    "nquads": ("N-Quads", "nq", "application/n-quads"),
}


def table_csv(df) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Chinese text right), no index column."""
    return df.to_csv(index=False).encode("utf-8-sig")


def _cell(value):
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    if isinstance(value, (list, tuple, set, dict)):
        return _ILLEGAL.sub("", str(value))
    return value


def table_xlsx(df, sheet: str = "table") -> bytes:
    """One sheet named ``sheet`` (cut to Excel's 31 characters), the columns' names on the first row."""
    frame = df.copy()
    for c in frame.columns:
        if frame[c].dtype.kind not in "biufcmM":  # text (object or string) columns
            frame[c] = frame[c].astype(object).map(_cell)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name=_SHEET.sub("-", sheet)[:31] or "table", engine="openpyxl")
    return buf.getvalue()


def _spec(chart) -> dict:
    """The Vega-Lite spec of an Altair chart, or a spec given as a dict (the overview's sunburst)."""
    spec = dict(chart) if isinstance(chart, dict) else chart.to_dict()
    if spec.get("width") in (None, "container"):
        spec["width"] = CHART_WIDTH
    return spec


def chart_svg(chart) -> bytes:
    """An Altair chart (or a Vega-Lite spec) as SVG, drawn here by vl-convert (no browser, nothing
    fetched)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec(chart)).encode("utf-8")


def chart_png(chart, scale: float = 2.0) -> bytes:
    """An Altair chart as PNG at ``scale`` times its size (vl-convert)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def network_graphml(g) -> bytes:
    from kg.network import graphml_bytes

    return graphml_bytes(g)


def graph_bytes(pg, fmt: str) -> bytes:
    """The whole stored graph (every named graph) as Turtle or N-Quads, as ``kg export`` writes it."""
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(GRAPH_FORMATS)}")
    return pg.store.export(fmt)
