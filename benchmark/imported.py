"""Reading and checking an imported benchmark set (CSV or XLSX of aggregated figures), and
its figures in words. Pure functions: the keys a row may name are passed in, so that the
checks run without a database and every row gets its own message.

File layout, one figure per row after a header row (column names in any order and case):

    kind       option | dimension
    question   questionnaire question key (kind option)
    option     answer option key of that question (kind option)
    dimension  index dimension key (kind dimension)
    value      0-100: share of clusters in % (option) or median score (dimension)
    exactness  exact | approximate | upper bound | lower bound
    n          clusters the figure counts (at least the minimum peer group)
    source     who published the figure
    year       the year of the figure
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .imported_models import ImportedFigure

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 64
COLUMNS = ["kind", "question", "option", "dimension", "value", "exactness", "n", "source",
           "year"]
FIRST_YEAR = 1950
EXACTNESS = {
    "exact": ImportedFigure.Exactness.EXACT,
    "about": ImportedFigure.Exactness.ABOUT, "approximate": ImportedFigure.Exactness.ABOUT,
    "at_most": ImportedFigure.Exactness.AT_MOST, "upper bound": ImportedFigure.Exactness.AT_MOST,
    "upper_bound": ImportedFigure.Exactness.AT_MOST,
    "at_least": ImportedFigure.Exactness.AT_LEAST,
    "lower bound": ImportedFigure.Exactness.AT_LEAST,
    "lower_bound": ImportedFigure.Exactness.AT_LEAST,
}


class FileError(ValueError):
    """The file as a whole cannot be read (its message says why, in the reader's language)."""


@dataclass
class RowCheck:
    """One data row: its number in the file (the header is row 1), what it said, the
    figure's fields when valid and the messages when not."""

    row: int
    values: dict[str, str]
    fields: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def read_table(*, name: str, content: bytes) -> list[dict[str, str]]:
    """The data rows of a CSV or XLSX file as {column: text}; FileError if it cannot be
    read as either, lacks a column or holds no or too many rows."""
    if len(content) > MAX_BYTES:
        raise FileError(_("The file is larger than 2 MB."))
    if content.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        lines = _xlsx_lines(content)
    else:
        lines = _csv_lines(content)
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise FileError(_("The file holds no rows."))
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileError(_("Missing columns: %(columns)s. The header row must name: "
                          "%(all)s.") % {"columns": ", ".join(missing),
                                         "all": ", ".join(COLUMNS)})
    if len(lines) - 1 > MAX_ROWS:
        raise FileError(_("The file holds more than %(max)s rows.") % {"max": MAX_ROWS})
    if len(lines) == 1:
        raise FileError(_("The file holds a header but no figure."))
    return [{c: (line[header.index(c)] if header.index(c) < len(line) else "").strip()
             for c in COLUMNS} for line in lines[1:]]


def _csv_lines(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(_("The file is neither an XLSX workbook nor a CSV file in UTF-8.")) \
            from None
    if "\x00" in text:
        raise FileError(_("The file is neither an XLSX workbook nor a CSV file in UTF-8."))
    # Spreadsheets set to a European locale save CSV with semicolons.
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [list(line) for line in csv.reader(io.StringIO(text, newline=""),
                                                  delimiter=delimiter)]
    except csv.Error:
        raise FileError(_("The CSV file is malformed.")) from None


def _xlsx_lines(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines = [["" if cell is None else _cell_text(cell) for cell in row]
                 # Bounded, so that a small file that unpacks to a huge sheet is not read
                 # whole: one row more than allowed is enough to refuse it.
                 for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2,
                                            max_col=MAX_COLUMNS)]
        workbook.close()
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise FileError(_("The file is not a readable XLSX workbook.")) from None
    return lines


def _cell_text(cell) -> str:
    # A whole number typed in a spreadsheet comes back as a float (2024.0).
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def check_rows(rows: list[dict[str, str]], *, options: dict[str, set[str]],
               dimensions: set[str], min_n: int, this_year: int) -> list[RowCheck]:
    """Every row checked on its own (with the figures' keys the site knows), then against
    the rows before it: the same figure twice is refused, not silently overwritten."""
    checks, seen = [], {}
    for number, values in enumerate(rows, start=2):
        check = RowCheck(row=number, values=values)
        _check_row(check, options=options, dimensions=dimensions, min_n=min_n,
                   this_year=this_year)
        if check.is_valid:
            fields = check.fields
            key = (fields["kind"], fields["question_key"], fields["option_key"],
                   fields["dimension_key"])
            if key in seen:
                check.errors.append(_("The same figure as row %(row)s.") % {"row": seen[key]})
            seen.setdefault(key, number)
        checks.append(check)
    return checks


def _check_row(check, *, options, dimensions, min_n, this_year):
    values, errors = check.values, check.errors
    kind = values["kind"].lower()
    fields = {"row": check.row, "kind": kind, "question_key": "", "option_key": "",
              "dimension_key": "", "source": values["source"]}
    if kind == ImportedFigure.Kind.OPTION:
        question, option = values["question"], values["option"]
        if question not in options:
            errors.append(_("Question “%(key)s” is not in the questionnaire.") % {
                "key": question})
        elif option not in options[question]:
            errors.append(_("“%(option)s” is not an answer of question “%(question)s”.") % {
                "option": option, "question": question})
        fields.update(question_key=question, option_key=option)
    elif kind == ImportedFigure.Kind.DIMENSION:
        if values["dimension"] not in dimensions:
            errors.append(_("“%(key)s” is not a dimension of the index.") % {
                "key": values["dimension"]})
        fields["dimension_key"] = values["dimension"]
    else:
        errors.append(_("Kind must be “option” or “dimension”."))
    fields["value"] = _number(values["value"])
    if fields["value"] is None or not 0 <= fields["value"] <= 100:
        errors.append(_("Value must be a number from 0 to 100."))
    fields["exactness"] = EXACTNESS.get(values["exactness"].lower())
    if fields["exactness"] is None:
        errors.append(_("Exactness must be exact, approximate, upper bound or lower bound."))
    fields["n"] = _whole(values["n"])
    if fields["n"] is None:
        errors.append(_("n must be a whole number of clusters."))
    elif fields["n"] < min_n:
        # An external figure of fewer clusters would show what the peer figures never do.
        errors.append(_("n must be at least %(min)s, the smallest group shown.") % {
            "min": min_n})
    if not values["source"] or len(values["source"]) > 300:
        errors.append(_("Source is required (at most 300 characters)."))
    fields["year"] = _whole(values["year"])
    if fields["year"] is None or not FIRST_YEAR <= fields["year"] <= this_year:
        errors.append(_("Year must be a year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR, "last": this_year})
    if not errors:
        check.fields = fields


def _decimal(text: str) -> Decimal | None:
    # "12,5" as typed in French or German.
    try:
        value = Decimal(text.replace(",", ".", 1) if "." not in text else text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() and abs(value) <= 10**6 else None


def _number(text: str) -> Decimal | None:
    """One decimal, as the figures are stored."""
    value = _decimal(text)
    return None if value is None else value.quantize(Decimal("0.1"))


def _whole(text: str) -> int | None:
    value = _decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


# --- In words ---------------------------------------------------------------------------------


def value_text(figure: ImportedFigure) -> str:
    """The figure as its exactness says: never more precise than its source."""
    number = f"{float(figure.value):g}"
    if figure.kind == ImportedFigure.Kind.OPTION:
        number += " %"
    words = {ImportedFigure.Exactness.EXACT: "%(value)s",
             ImportedFigure.Exactness.ABOUT: _("about %(value)s"),
             ImportedFigure.Exactness.AT_MOST: _("at most %(value)s"),
             ImportedFigure.Exactness.AT_LEAST: _("at least %(value)s")}[figure.exactness]
    return words % {"value": number}


def source_text(figure: ImportedFigure) -> str:
    return _("%(exactness)s; %(source)s, %(year)s, n = %(n)s") % {
        "exactness": figure.get_exactness_display(), "source": figure.source,
        "year": figure.year, "n": figure.n}
