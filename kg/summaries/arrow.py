"""The summary tables as Arrow tables, for a patch build: read as they were written, rows kept by
their dictionary codes, the new rows added in the stored schema, sorted and written back, without
converting a million rows to Python objects or to pandas and back.

A table's text columns are dictionaries (the categories pandas wrote). A fresh build's categories
are the values present, sorted, with the smallest index type that holds them; :func:`combine`
encodes every text column so again, and :func:`write` keeps the pandas metadata the file was read
with, so that ``pandas.read_parquet`` gives a patched table the types of a fresh one.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq


def read(path: str | Path) -> pa.Table:
    """A summary table's file as it was written (text columns as dictionaries). Read as one file,
    not as a dataset: pyarrow.dataset alone takes 0.3 s to import."""
    return pq.ParquetFile(path).read()


def write(table: pa.Table, path: str | Path) -> None:
    """``table`` to ``path``, without min/max statistics (nothing reads the tables by a filter)."""
    pq.write_table(table, path, write_statistics=False)


def untyped_as_text(table: pa.Table) -> pa.Table:
    """``table`` with each column of Parquet's null type (pandas writes a column of no rows so) as a
    text column of no value, which the patch's steps take like any other."""
    if not any(pa.types.is_null(f.type) for f in table.schema):
        return table
    empty = pa.array([], type=pa.string())
    columns = [
        pa.DictionaryArray.from_arrays(pa.nulls(len(table), pa.int8()), empty)
        if pa.types.is_null(f.type)
        else table.column(f.name)
        for f in table.schema
    ]
    return pa.Table.from_arrays(columns, names=table.schema.names).replace_schema_metadata(
        table.schema.metadata
    )


def is_text(field: pa.Field) -> bool:
    return (
        pa.types.is_dictionary(field.type)
        or pa.types.is_string(field.type)
        or pa.types.is_large_string(field.type)
    )


def rows_in(table: pa.Table, column: str, values: set[str]) -> pa.Table:
    """The rows of ``table`` whose ``column`` is one of ``values`` (a dictionary column is matched by
    its codes: the dictionary is looked up once, not every row)."""
    chunks = table.column(column).chunks
    wanted = pa.array(sorted(values), type=pa.string())
    masks = []
    for chunk in chunks:
        if pa.types.is_dictionary(chunk.type):
            codes = pc.indices_nonzero(pc.is_in(chunk.dictionary.cast(pa.string()), value_set=wanted))
            mask = pc.is_in(chunk.indices, value_set=codes.cast(chunk.indices.type))
        else:
            mask = pc.is_in(chunk.cast(pa.string()), value_set=wanted)
        masks.append(pc.fill_null(mask, False))
    return table.filter(pa.chunked_array(masks, type=pa.bool_())) if masks else table


def rows_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """``rows`` (dicts of plain Python values) as a table of ``schema``'s columns and types, a text
    column as plain strings (:func:`combine` encodes it)."""
    columns = []
    for field in schema:
        values = [_value(r.get(field.name)) for r in rows]
        kind = pa.string() if is_text(field) else field.type
        if pa.types.is_string(kind):
            values = [None if v is None else str(v) for v in values]
        elif pa.types.is_floating(kind):
            values = [None if v is None else float(v) for v in values]
        elif pa.types.is_integer(kind):
            values = [None if v is None else int(v) for v in values]
        columns.append(pa.array(values, type=kind))
    return pa.Table.from_arrays(columns, names=schema.names)


def _value(v):
    if isinstance(v, Decimal):
        return float(v)
    return v


def combine(kept: pa.Table, added: pa.Table) -> pa.Table:
    """The rows of ``kept`` then those of ``added`` (same columns), each text column encoded as a
    fresh build's: a dictionary of the values present, sorted."""
    columns = []
    for field in kept.schema:
        if is_text(field):
            parts = [*kept.column(field.name).chunks, *added.column(field.name).chunks]
            columns.append(encoded(parts))
        else:
            parts = [*kept.column(field.name).chunks, *added.column(field.name).cast(field.type).chunks]
            columns.append(pa.chunked_array(parts, type=field.type).combine_chunks())
    return pa.Table.from_arrays(columns, names=kept.schema.names).replace_schema_metadata(
        kept.schema.metadata
    )


def encoded(parts: list[pa.Array]) -> pa.DictionaryArray:
    """The text of ``parts`` (dictionary or string arrays) as one dictionary array whose dictionary
    is the values present, sorted, indexed by the smallest type pandas gives such categories."""
    present = []
    for part in parts:
        if pa.types.is_dictionary(part.type):
            used = pc.unique(part.indices.drop_null())
            present.append(part.dictionary.cast(pa.string()).take(used))
        else:
            present.append(part.cast(pa.string()).drop_null())
    values = pc.unique(pa.concat_arrays(present)) if present else pa.array([], type=pa.string())
    values = values.take(pc.sort_indices(values))
    codes = []
    for part in parts:
        if pa.types.is_dictionary(part.type):
            dictionary = part.dictionary.cast(pa.string())
            if dictionary.equals(values):  # most columns of a patch: the codes stand
                codes.append(part.indices)
                continue
            codes.append(pc.index_in(dictionary, value_set=values).take(part.indices))
        else:
            codes.append(pc.index_in(part.cast(pa.string()), value_set=values))
    indices = pa.concat_arrays([c.cast(pa.int32()) for c in codes]) if codes else pa.array([], pa.int32())
    return pa.DictionaryArray.from_arrays(indices.cast(_index_type(len(values))), values)


def _index_type(n: int) -> pa.DataType:
    """The codes' type of ``n`` categories in pandas (int8 below 127, int16 below 32,767, …)."""
    if n < 127:
        return pa.int8()
    if n < 32767:
        return pa.int16()
    return pa.int32()


def sort_keys_table(table: pa.Table, keys: list[str]) -> pa.Table:
    """The ``keys`` columns as sortable values: a dictionary column by its codes (its dictionary is
    sorted, as :func:`combine` makes it), nulls kept."""
    columns = []
    for key in keys:
        column = table.column(key).combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = column.indices.cast(pa.int32())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=keys)


def sorted_by(table: pa.Table, keys: list[str]) -> pa.Table:
    """``table`` sorted by ``keys`` (ascending, unbound first, as SPARQL's ORDER BY and pandas'
    ``na_position="first"`` place them), stable."""
    if table.num_rows == 0:
        return table
    order = pc.sort_indices(
        sort_keys_table(table, keys), sort_keys=[(k, "ascending", "at_start") for k in keys]
    )
    return table.take(order)


def inserted(table: pa.Table, rows: list[dict], key) -> pa.Table:
    """``table`` (sorted by ``key``, a function of a row as a dict) with ``rows`` (dicts of plain
    Python values) put in their places, as sorting them all would place them (no row of ``rows``
    has a key equal to one of ``table``'s): each place found by bisection, so that only a few rows
    of ``table`` per new row become Python values."""
    import bisect

    import numpy as np

    class Keys:  # the keys of table's rows, made when bisection asks for them
        def __len__(self) -> int:
            return table.num_rows

        def __getitem__(self, k: int):
            return key(table.slice(k, 1).to_pylist()[0])

    rows = sorted(rows, key=key)
    places = [bisect.bisect_left(Keys(), key(r)) for r in rows]
    order = np.insert(np.arange(table.num_rows), places, table.num_rows + np.arange(len(rows)))
    return combine(table, rows_table(rows, table.schema)).take(pa.array(order))


def texts(table: pa.Table, column: str) -> list:
    """A column's values as Python values (text as str, None for unbound)."""
    return table.column(column).to_pylist()


def records(table: pa.Table) -> list[dict]:
    """The rows as dicts of Python values, made column by column (a third of the time of
    ``Table.to_pylist``, which goes row by row)."""
    names = table.schema.names
    return [dict(zip(names, row, strict=True)) for row in zip(*(texts(table, n) for n in names), strict=True)]


def distinct(table: pa.Table, column: str) -> int:
    """The distinct values of a text column, unbound not counted (as pandas' ``nunique``)."""
    return len(pc.unique(table.column(column).combine_chunks().cast(pa.string())).drop_null())
