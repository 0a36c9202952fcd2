"""Read a returned workbook's cells through the layout, fast and bounded.

The reader finds the metadata, the header row and the rows of PIs, and hands back raw cell values
with their addresses; it judges nothing (that is ``validate``). It reads with python-calamine,
after ``container`` has checked the file. A sheet whose XML reaches far past where a return's rows
can be (a stray cell at XFD1048576, an enormous sheet) is read instead row by row up to the rows a
return can have, so one far cell cannot make reading slow or memory-hungry.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

import python_calamine as pc

from pmf_pipeline.errors import WorkbookError
from pmf_pipeline.workbook import action_layout, layout
from pmf_pipeline.workbook.container import SEND_XLSX, core_modified, error_cells, extents, open_container, percent_styles, styled_cells

READ_COLS = len(layout.COLUMNS)
EXTRA_COLS = 20  # columns an updater may have inserted, read so that figures can still be matched by heading
_KEYS = tuple(c.key for c in layout.COLUMNS)
_LABELS = tuple(c.label for c in layout.COLUMNS)
_POSITIONS = {c.key: i for i, c in enumerate(layout.COLUMNS)}
_LETTERS = {c.key: layout.col_letter(c.key) for c in layout.COLUMNS}
_A_POSITIONS = {k: i for i, k in enumerate(action_layout.KEYS)}
MAX_RETURN_ROWS = 10000  # the most PIs one return can hold; rows past FIRST_ROW + this are never read
NOT_A_RETURN = "this is not a return of this framework (it has no return identification: it may be some other workbook, or a copy pasted into a new one). Please send the return workbook you were sent, filled in."


@dataclass(frozen=True)
class RawRow:
    """One row of the data-entry table as found: its worksheet row and cell values by layout key."""

    row: int
    values: dict[str, Any]
    letters: dict[str, str] = field(default_factory=lambda: _LETTERS)  # column letter of each key, as found in this workbook
    ref: str = field(init=False)  # the PI reference as typed, trimmed ('' if blank)

    def __post_init__(self) -> None:
        v = self.values.get("ref")
        object.__setattr__(self, "ref", str(v).strip() if v not in (None, "") else "")

    def cell(self, key: str) -> str:
        """The address of this row's cell for a layout column, where the column is in this workbook."""
        return f"{self.letters[key]}{self.row}"


@dataclass(frozen=True)
class RawReturn:
    file: str
    sha256: str
    size: int
    metadata: dict[str, str]
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]
    errors: dict[str, str] = field(default_factory=dict)  # address -> '#DIV/0!'
    saved_at: str | None = None
    bounded: bool = False  # read row by row because the sheet reached far past the table
    percent_cells: frozenset[str] = frozenset()  # addresses of cells with a percent number format ('51.2%' typed, 0.512 stored)
    sheets: tuple[str, ...] = ()  # every sheet's name, in workbook order
    columns_found: bool = True  # every column heading was found (by position, or by heading after columns were inserted)
    inserted: tuple[tuple[str, str], ...] = ()  # (column letter, heading) of columns not in the layout, when matched by heading
    # The Actions sheet, read the same way (empty when the workbook has none)
    action_header: tuple[str, ...] = ()
    action_rows: tuple[RawRow, ...] = ()
    action_errors: dict[str, str] = field(default_factory=dict)
    action_percent_cells: frozenset[str] = frozenset()
    action_columns_found: bool = True
    action_inserted: tuple[tuple[str, str], ...] = ()
    languages: tuple[str, ...] = ("en",)  # the workbook's language(s), from its metadata (English when it says none)
    labels: tuple[str, ...] = _LABELS  # the Return sheet's headings as sent, in the workbook's language(s)
    action_labels: tuple[str, ...] = action_layout.LABELS  # the Actions sheet's

    @property
    def has_actions_sheet(self) -> bool:
        return action_layout.ACTIONS_SHEET in self.sheets


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_return(data: bytes, file: str) -> RawReturn:
    """Read a return from its bytes; raise WorkbookError if it is not a usable return."""
    container = open_container(data)
    if layout.META_SHEET not in container.sheets:
        if layout.RETURN_SHEET in container.sheets:
            raise WorkbookError(
                "this workbook has a 'Return' sheet but not the hidden identification of a return: it may have been "
                "copied into a new workbook or saved by a program that drops hidden sheets. Please fill in and send "
                "the workbook you were sent."
            )
        raise WorkbookError(NOT_A_RETURN)
    if container.kinds.get(layout.RETURN_SHEET) not in (None, "worksheet"):
        raise WorkbookError(
            f"the sheet named '{layout.RETURN_SHEET}' is a {container.kinds[layout.RETURN_SHEET]}, not a worksheet. "
            "Please send the return workbook you were sent, filled in."
        )
    if layout.RETURN_SHEET not in container.sheets:
        raise WorkbookError(f"the '{layout.RETURN_SHEET}' sheet is missing from the return. Please send the workbook you were sent, filled in.")
    ret_xml = container.sheet_xml(layout.RETURN_SHEET) or b""
    with_actions = container.kinds.get(action_layout.ACTIONS_SHEET) == "worksheet"
    act_xml = (container.sheet_xml(action_layout.ACTIONS_SHEET) or b"") if with_actions else b""
    a_rows, a_cols = extents(act_xml)
    meta_xml = container.sheet_xml(layout.META_SHEET) or b""
    r_rows, r_cols = extents(ret_xml)
    m_rows, m_cols = extents(meta_xml)
    limit_rows = layout.FIRST_ROW + MAX_RETURN_ROWS
    bounded = r_rows > limit_rows or r_cols > READ_COLS + 50 or m_rows > 100 or m_cols > 26
    bounded = bounded or a_rows > limit_rows or a_cols > len(action_layout.COLUMNS) + 50
    try:
        if bounded:
            meta_grid, grid, act_grid = _read_bounded(data, limit_rows, with_actions)
        else:
            meta_grid, grid, act_grid = _read_calamine(data, with_actions)
    except WorkbookError:
        raise
    except pc.PasswordError:
        raise WorkbookError("the workbook is password-protected, so it cannot be read. Please remove the password to open and send it again.") from None
    except Exception as e:  # any failure of the parser on a damaged file
        raise WorkbookError(f"the workbook is damaged and cannot be read ({type(e).__name__}). {SEND_XLSX}") from None
    metadata = {}
    for row in meta_grid[:50]:
        if len(row) >= 2 and isinstance(row[0], str) and (row[0] in layout.META_KEYS or row[0] in action_layout.META_KEYS or row[0] == layout.LANGUAGE_KEY):
            metadata[row[0]] = "" if row[1] is None else str(row[1])
    if "period" not in metadata or "directorate" not in metadata:
        raise WorkbookError(NOT_A_RETURN)
    languages = workbook_languages(metadata.get(layout.LANGUAGE_KEY, ""))
    label_sets = layout.label_sets(languages)
    header, rows, positions, inserted, found = _table(grid, layout.HEADER_ROW, layout.FIRST_ROW, limit_rows, _KEYS, label_sets, _POSITIONS, _LETTERS)
    a_header, a_table, a_positions, a_inserted, a_found = _table(
        act_grid,
        action_layout.HEADER_ROW,
        action_layout.FIRST_ROW,
        limit_rows,
        action_layout.KEYS,
        action_layout.label_sets(languages),
        _A_POSITIONS,
        action_layout.LETTERS,
    )
    return RawReturn(
        file=file,
        sha256=sha256(data),
        size=len(data),
        metadata=metadata,
        header=header[:READ_COLS] if positions is _POSITIONS else tuple(header[positions[k]] if k in positions else "" for k in _KEYS),
        rows=tuple(rows),
        errors=error_cells(ret_xml) if b't="e"' in ret_xml else {},
        saved_at=core_modified(container),
        bounded=bounded,
        percent_cells=styled_cells(ret_xml, percent_styles(container)),
        sheets=tuple(container.sheets),
        columns_found=found,
        inserted=inserted,
        action_header=a_header if a_positions is _A_POSITIONS else tuple(a_header[a_positions[k]] if k in a_positions else "" for k in action_layout.KEYS),
        action_rows=a_table,
        action_errors=error_cells(act_xml) if b't="e"' in act_xml else {},
        action_percent_cells=styled_cells(act_xml, percent_styles(container)) if act_xml else frozenset(),
        action_columns_found=a_found,
        action_inserted=a_inserted,
        languages=languages,
        labels=label_sets[0],
        action_labels=action_layout.label_sets(languages)[0],
    )


def workbook_languages(recorded: str) -> tuple[str, ...]:
    """The language(s) a return's metadata records ("cy", "cy,en"); English when none, or not ones pmf knows."""
    from pmf_pipeline.i18n.languages import LANGUAGES

    codes = tuple(c.strip() for c in recorded.split(",") if c.strip())
    return codes if codes and all(c in LANGUAGES for c in codes) and len(set(codes)) == len(codes) else ("en",)


def _table(
    grid: list[list[Any]],
    header_row: int,
    first_row: int,
    limit_rows: int,
    keys: tuple[str, ...],
    label_sets: tuple[tuple[str, ...], ...],
    default_positions: dict[str, int],
    default_letters: dict[str, str],
) -> tuple[tuple[str, ...], tuple[RawRow, ...], dict[str, int], tuple[tuple[str, str], ...], bool]:
    """A sheet's data-entry table: its header, its non-blank rows by key, and where each column was found."""
    header_i = header_row - 1
    width = len(keys) + EXTRA_COLS
    header = tuple("" if v is None else str(v).strip() for v in (grid[header_i] if len(grid) > header_i else []))[:width]
    positions, inserted, found = _columns(header, keys, label_sets, default_positions)
    letters = default_letters if positions is default_positions else {k: _letter(i) for k, i in positions.items()}
    rows = []
    wanted = [(k, positions.get(k)) for k in keys]
    for i in range(first_row - 1, min(len(grid), limit_rows)):
        cells = grid[i][:width]
        if not any(v is not None and v != "" for v in cells):
            continue
        values = {k: (cells[j] if j is not None and j < len(cells) else None) for k, j in wanted}
        rows.append(RawRow(i + 1, values, letters))
    return header[: len(keys)] if positions is default_positions else header, tuple(rows), positions, inserted, found


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _columns(
    header: tuple[str, ...], keys: tuple[str, ...] = _KEYS, label_sets: tuple[tuple[str, ...], ...] = (_LABELS,), default: dict[str, int] = _POSITIONS
) -> tuple[dict[str, int], tuple[tuple[str, str], ...], bool]:
    """Where each layout column is: by position when the headings are as sent, else by heading.

    An updater who inserts a column (for notes, say) moves every column after it; when every
    heading is still there exactly once, each figure is matched by its heading and the inserted
    columns are reported. When a heading is missing or doubled, positions are kept and
    ``found`` is False (validation rejects the return, naming the headings).

    ``label_sets``: the headings in the workbook's language(s) first, then in the others pmf writes
    (``layout.label_sets``), so a Welsh return is read exactly as an English one.
    """
    for labels in label_sets:
        if header[: len(labels)] == labels:
            return default, (), True
    where: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        where.setdefault(h, []).append(i)
    labels = next((ls for ls in label_sets if all(len(where.get(label, ())) == 1 for label in ls)), ())
    if not labels:
        return default, (), False
    positions = {k: where[label][0] for k, label in zip(keys, labels, strict=True)}
    last = max(positions.values())
    known = set(positions.values())
    inserted = tuple((_letter(i), header[i]) for i in range(last) if i not in known)
    return positions, inserted, True


Grid = list[list[Any]]


def _read_calamine(data: bytes, with_actions: bool) -> tuple[Grid, Grid, Grid]:
    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    meta = wb.get_sheet_by_name(layout.META_SHEET).to_python(skip_empty_area=False)
    grid = wb.get_sheet_by_name(layout.RETURN_SHEET).to_python(skip_empty_area=False)
    actions = wb.get_sheet_by_name(action_layout.ACTIONS_SHEET).to_python(skip_empty_area=False) if with_actions else []
    return meta, grid, actions


def _read_bounded(data: bytes, limit_rows: int, with_actions: bool) -> tuple[Grid, Grid, Grid]:
    """Row-by-row reading that stops at the rows and columns a return can have."""
    import openpyxl  # streaming (read-only) mode parses lazily and uses defusedxml where installed

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        meta = [list(r) for r in wb[layout.META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True)]
        grid = [list(r) for r in wb[layout.RETURN_SHEET].iter_rows(min_row=1, max_row=limit_rows, max_col=READ_COLS + EXTRA_COLS, values_only=True)]
        width = len(action_layout.COLUMNS) + EXTRA_COLS
        actions = (
            [list(r) for r in wb[action_layout.ACTIONS_SHEET].iter_rows(min_row=1, max_row=limit_rows, max_col=width, values_only=True)] if with_actions else []
        )
    finally:
        wb.close()
    return meta, grid, actions
