"""The one rule every XLSX and CSV export of users' data follows: a spreadsheet never runs a cell as a formula.

Names, addresses and phones are typed by families, schools and venues. A text that starts with one of
`FORMULA_STARTS` is run by Excel and LibreOffice as a formula when the file is opened (OWASP "CSV injection":
`=HYPERLINK(…)` sends the reader elsewhere, `=cmd|…` runs a program on old Excel), so such a text is written with a
leading apostrophe, OWASP's escape, which keeps it text in both formats. Numbers, dates and empty cells are values,
never formulas: they stay as they are, a negative number included.
"""

from collections.abc import Iterable

# OWASP's list: formula starters, and a tab or carriage return, which Excel skips before reading one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """`value` as a spreadsheet should show it: a text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def safe_row(cells: Iterable) -> list:
    return [safe_cell(cell) for cell in cells]


def unescaped_cell(value):
    """A cell of an uploaded file as it was before `safe_cell`: an exported list imported again keeps its
    «+7 900 …» phones instead of storing the apostrophe."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
