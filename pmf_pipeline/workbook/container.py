"""Identify a file by its bytes and open a workbook's zip safely, before any spreadsheet library sees it.

Every file is treated as untrusted: it is identified by its first bytes and structure (never its
name), its size and every part's unpacked size are capped while actually unpacking (a zip bomb is
caught here, not trusted from headers), XML with a document type declaration is refused (Excel
never writes one; it is how entity bombs and external entities arrive), and the remaining XML we
parse ourselves goes through defusedxml.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET

from pmf_pipeline.errors import WorkbookError

MAX_FILE_BYTES = 20 * 1024 * 1024  # a return is tens of kilobytes; 20 MB is far past any real one
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_PARTS = 2000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

BOMB = (
    "the file unpacks to far more data than any return (it looks like a 'zip bomb'), so it was not read. "
    "Please ask the sender to send the return they were sent."
)
SEND_XLSX = "Please ask the sender to open the return they were sent and save it as an Excel Workbook (.xlsx)."


@dataclass
class Container:
    """The unpacked parts of an xlsx workbook, checked, with the sheets' names and XML parts."""

    parts: dict[str, bytes]
    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> part name
    kinds: dict[str, str] = field(default_factory=dict)  # sheet name -> worksheet / chartsheet / ...

    def sheet_xml(self, name: str) -> bytes | None:
        part = self.sheets.get(name)
        return self.parts.get(part) if part else None


def _what_text(data: bytes) -> str:
    head = data[:2048]
    if b"<html" in head.lower() or b"<!doctype html" in head.lower():
        return "a web page (HTML), not a workbook"
    if head.lstrip().startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
        return "an Excel 2003 XML spreadsheet, not a current workbook"
    if b"," in head or b";" in head or b"\t" in head:
        return "a CSV or text file, not a workbook (perhaps renamed to .xlsx)"
    return "a text or unknown file, not a workbook"


def identify(data: bytes) -> str:
    """Raise WorkbookError saying what the file is, unless it is a zip that may be an xlsx."""
    if len(data) == 0:
        raise WorkbookError(f"the file is empty (0 bytes). {SEND_XLSX}")
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"the file is {len(data) / 1e6:.0f} MB, far larger than any return (limit {MAX_FILE_BYTES // 2**20} MB). {SEND_XLSX}")
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise WorkbookError(
                "the workbook is password-protected (encrypted), so it cannot be read. "
                "Please ask the sender to remove the password to open (File > Info > Protect Workbook) and send it again."
            )
        raise WorkbookError(f"this is a legacy Excel 97-2003 file (.xls) or another old Office file, not the .xlsx return. {SEND_XLSX}")
    if data.startswith(b"PK"):
        return "zip"
    if data.startswith(b"{\\rtf"):
        raise WorkbookError(f"this is a Rich Text (RTF) document, not a workbook. {SEND_XLSX}")
    if data.startswith(b"%PDF"):
        raise WorkbookError(f"this is a PDF, not a workbook. {SEND_XLSX}")
    raise WorkbookError(f"this is {_what_text(data)}. {SEND_XLSX}")


def _parsed(name: str) -> bool:
    """Parts that this tool or calamine parse; the rest (themes, images, printer settings) are never unpacked."""
    return name in (
        "[Content_Types].xml",
        "mimetype",
        "xl/workbook.xml",
        "xl/workbook.bin",
        "xl/_rels/workbook.xml.rels",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "docProps/core.xml",
        "word/document.xml",
        "ppt/presentation.xml",
    ) or (name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name)


def _unpack(zf: zipfile.ZipFile) -> dict[str, bytes]:
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookError(f"the file holds {len(infos)} parts, far more than a workbook; it may be damaged or hostile. {SEND_XLSX}")
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise WorkbookError(f"the file is an encrypted zip, not a workbook. {SEND_XLSX}")
        if not _parsed(info.filename):
            # never unpacked by anyone, so only its declared size can be judged (a lie there is harmless)
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise WorkbookError(BOMB)
            parts[info.filename] = b""
            continue
        # one bounded read: zipfile inflates at most this many bytes, whatever the part claims to hold
        with zf.open(info) as f:
            blob = f.read(min(MAX_PART_BYTES, MAX_TOTAL_BYTES - total) + 1)
        total += len(blob)
        if len(blob) > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise WorkbookError(BOMB)
        parts[info.filename] = blob
    return parts


def open_container(data: bytes) -> Container:
    """Check and unpack an xlsx; raise WorkbookError with a plain explanation otherwise."""
    identify(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = _unpack(zf)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError, RuntimeError) as e:
        raise WorkbookError(
            f"the file is damaged or incomplete (the zip inside it cannot be read: {e}); it may have been cut off in the email. "
            "Please ask the sender to send it again."
        ) from None
    except Exception as e:  # zlib.error and the like from a corrupted stream
        raise WorkbookError(f"the file is damaged (it cannot be unpacked: {type(e).__name__}). Please ask the sender to send it again.") from None
    if parts.get("mimetype", b"").startswith(b"application/vnd.oasis.opendocument"):
        raise WorkbookError(
            "this is an OpenDocument spreadsheet (.ods), not the .xlsx return. In LibreOffice choose File > Save As, 'Excel 2007-365 (.xlsx)', and send that."
        )
    if any(n.startswith("Index/") and n.endswith(".iwa") for n in parts):
        raise WorkbookError("this is an Apple Numbers file, not the .xlsx return. In Numbers choose File > Export To > Excel, and send that.")
    if "word/document.xml" in parts:
        raise WorkbookError(f"this is a Word document, not a workbook. {SEND_XLSX}")
    if "ppt/presentation.xml" in parts:
        raise WorkbookError(f"this is a PowerPoint presentation, not a workbook. {SEND_XLSX}")
    for name, blob in parts.items():
        if (name.endswith(".xml") or name.endswith(".rels")) and _DOCTYPE.search(blob[:4096]):
            raise WorkbookError(
                "the workbook contains XML with a document type declaration, which Excel never writes and which can be used "
                f"to attack the reader; it was not read. {SEND_XLSX}"
            )
    types = parts.get("[Content_Types].xml")
    if types is None or "xl/workbook.xml" not in parts and "xl/workbook.bin" not in parts:
        raise WorkbookError(f"this is a zip file but not an Excel workbook. {SEND_XLSX}")
    text = types.decode("utf-8", "replace")
    if "xl/workbook.bin" in parts or "sheet.binary" in text:
        raise WorkbookError(
            "this is an Excel Binary Workbook (.xlsb), not the .xlsx return. In Excel choose File > Save As, 'Excel Workbook (*.xlsx)', and send that."
        )
    if "macroEnabled" in text or "vbaProject" in text or any(n.lower().endswith("vbaproject.bin") for n in parts):
        raise WorkbookError(
            "this workbook contains macros (it is a macro-enabled .xlsm, whatever its name), which the return must not. "
            "Please ask the sender to save the return they were sent as 'Excel Workbook (*.xlsx)' and send that."
        )
    container = Container(parts)
    _index_sheets(container)
    return container


def _index_sheets(c: Container) -> None:
    try:
        wb = SafeET.fromstring(c.parts["xl/workbook.xml"])
    except Exception:
        raise WorkbookError("the workbook's list of sheets is damaged and cannot be read. Please ask the sender to send it again.") from None
    if wb.tag.startswith("{" + _NS_STRICT):
        raise WorkbookError(
            "this workbook was saved as 'Strict Open XML Spreadsheet', which cannot be read. "
            "In Excel choose File > Save As, 'Excel Workbook (*.xlsx)', and send that."
        )
    rels_blob = c.parts.get("xl/_rels/workbook.xml.rels", b"")
    targets: dict[str, tuple[str, str]] = {}
    if rels_blob:
        try:
            for rel in SafeET.fromstring(rels_blob).iter(f"{{{_NS_PKG_REL}}}Relationship"):
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else "xl/" + target
                targets[rel.get("Id", "")] = (target, rel.get("Type", "").rsplit("/", 1)[-1])
        except Exception:
            raise WorkbookError("the workbook's internal links are damaged. Please ask the sender to send it again.") from None
    for sheet in wb.iter(f"{{{_NS_MAIN}}}sheet"):
        name = sheet.get("name", "")
        target, kind = targets.get(sheet.get(f"{{{_NS_REL}}}id", ""), ("", ""))
        c.sheets[name] = target
        c.kinds[name] = kind


# Only what is far away is measured (a return is a few thousand rows by 19 columns at most), so the
# scans match almost nothing in a normal sheet: rows and cells at row 10,000 or beyond, cells at
# column AA or beyond. Positions may be given on the cell, the row, or both. The patterns start with
# the literal ' r="' that every writer puts before the attribute, which makes them fast; a file that
# hides a far cell behind other whitespace meets the worker's memory limit instead.
_FAR_ROW = re.compile(rb' r="(\d{5,})"')
_FAR_CELL = re.compile(rb' r="[A-Z]{1,3}(\d{5,})"')
_WIDE_COL = re.compile(rb' r="([A-Z]{2,3})\d')
_ANY_FAR = re.compile(rb' r="(?:[A-Z]{2,3}\d|[A-Z]{0,3}\d{5,})')  # either of the above, in one pass
_ERROR_CELL = re.compile(rb"<c\b([^>]*)>(?:(?!</c>).){0,2000}?<v>(#[^<]{1,20})</v>", re.DOTALL)
_R_ATTR = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_T_E = re.compile(rb'\bt="e"')


def extents(xml: bytes) -> tuple[int, int]:
    """The furthest row and column (1-based) that a worksheet's XML mentions, without parsing it."""
    if not _ANY_FAR.search(xml):  # the usual case: one scan says nothing is far, so (0, 0)
        return 0, 0
    max_row = max(map(int, _FAR_ROW.findall(xml) + _FAR_CELL.findall(xml)), default=0)
    max_col = 0  # 0: nothing past column Z (narrow sheets are not measured further)
    for letters in set(_WIDE_COL.findall(xml)):
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        max_col = max(max_col, n)
    return max_row, max_col


def error_cells(xml: bytes) -> dict[str, str]:
    """Cells holding a spreadsheet error value (#DIV/0!, #REF!...), by address.

    Needed because the fast reader returns error cells as empty, and an error must never pass
    for a blank.
    """
    out = {}
    for attrs, value in _ERROR_CELL.findall(xml):
        if _T_E.search(attrs):
            m = _R_ATTR.search(attrs)
            if m:
                out[m.group(1).decode()] = value.decode("ascii", "replace")
    return out


def core_modified(c: Container) -> str | None:
    """When the workbook was last saved, from its document properties (an ISO timestamp), if present."""
    blob = c.parts.get("docProps/core.xml")
    if not blob:
        return None
    try:
        root = SafeET.fromstring(blob)
    except Exception:
        return None
    for el in root.iter("{http://purl.org/dc/terms/}modified"):
        return (el.text or "").strip() or None
    return None


_BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%: the built-in formats Excel gives a cell when '85%' is typed
_CELL_STYLE = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_S_ATTR = re.compile(rb"""\ss=["'](\d+)["']""")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _is_percent_code(code: str) -> bool:
    """A number format that scales by 100 and shows %: a % outside quotes, escapes and [brackets]."""
    return "%" in _QUOTED.sub("", code)


def percent_styles(c: Container) -> frozenset[int]:
    """The cell style indexes (``s="N"`` in sheet XML) whose number format is a percentage.

    When an updater types ``51.2%``, Excel and LibreOffice store the number 0.512 and give the cell a
    percent format; the reader needs to know which cells those are to read the figure as shown.
    styles.xml was unpacked under the container's caps and is parsed with defusedxml.
    """
    blob = c.parts.get("xl/styles.xml")
    if not blob:
        return frozenset()
    try:
        root = SafeET.fromstring(blob)
    except Exception:
        return frozenset()
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    custom = set()
    for fmt in root.iter(f"{ns}numFmt"):
        try:
            if _is_percent_code(fmt.get("formatCode") or ""):
                custom.add(int(fmt.get("numFmtId") or -1))
        except ValueError:
            continue
    percent = _BUILTIN_PERCENT | custom
    out = set()
    xfs = root.find(f"{ns}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else ()):
        try:
            if int(xf.get("numFmtId") or 0) in percent:
                out.add(i)
        except ValueError:
            continue
    return frozenset(out)


def styled_cells(xml: bytes, styles: frozenset[int]) -> frozenset[str]:
    """The addresses of the cells of a sheet whose style is one of ``styles``."""
    if not styles:
        return frozenset()
    wanted = {str(s).encode() for s in styles}
    out = set()
    for attrs in _CELL_STYLE.findall(xml):
        s = _S_ATTR.search(attrs)
        if s and s.group(1) in wanted:
            r = _R_ATTR.search(attrs)
            if r:
                out.add(r.group(1).decode())
    return frozenset(out)
