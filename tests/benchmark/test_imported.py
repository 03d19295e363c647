"""Reading and checking an imported benchmark set, without a database."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from benchmark import imported
from benchmark.imported_models import ImportedFigure

HEADER = ",".join(imported.COLUMNS) + "\n"
OPTIONS = {"expected_barriers": {"q3_trust", "q3_other"}}
DIMENSIONS = {"strategy", "funding"}


def _check(text: str, *, name: str = "set.csv") -> list[imported.RowCheck]:
    rows = imported.read_table(name=name, content=text.encode())
    return imported.check_rows(rows, options=OPTIONS, dimensions=DIMENSIONS, min_n=5,
                               this_year=2026)


def test_a_good_csv_gives_one_figure_per_row():
    checks = _check(HEADER + "option,expected_barriers,q3_trust,,22.5,approximate,40,"
                    "Programme X,2024\ndimension,,,strategy,61,exact,12,Programme X,2025\n")

    assert [c.errors for c in checks] == [[], []]
    assert checks[0].fields == {
        "row": 2, "kind": "option", "question_key": "expected_barriers",
        "option_key": "q3_trust", "dimension_key": "", "value": Decimal("22.5"),
        "exactness": "about", "n": 40, "source": "Programme X", "year": 2024}
    assert checks[1].fields["dimension_key"] == "strategy"
    assert checks[1].fields["exactness"] == "exact"


def test_semicolons_and_decimal_commas_as_saved_by_a_french_spreadsheet():
    text = HEADER.replace(",", ";") + \
        "option;expected_barriers;q3_other;;12,5;upper bound;8;Programme Y;2023\n"

    checks = _check(text)

    assert checks[0].errors == []
    assert checks[0].fields["value"] == Decimal("12.5")
    assert checks[0].fields["exactness"] == "at_most"


@pytest.mark.parametrize("row, message", [
    ("option,nope,q3_trust,,10,exact,5,S,2024", "Question “nope” is not in the questionnaire."),
    ("option,expected_barriers,nope,,10,exact,5,S,2024",
     "“nope” is not an answer of question “expected_barriers”."),
    ("dimension,,,nope,10,exact,5,S,2024", "“nope” is not a dimension of the index."),
    ("share,,,strategy,10,exact,5,S,2024", "Kind must be “option” or “dimension”."),
    ("dimension,,,strategy,101,exact,5,S,2024", "Value must be a number from 0 to 100."),
    ("dimension,,,strategy,ten,exact,5,S,2024", "Value must be a number from 0 to 100."),
    ("dimension,,,strategy,NaN,exact,5,S,2024", "Value must be a number from 0 to 100."),
    ("dimension,,,strategy,10,roughly,5,S,2024",
     "Exactness must be exact, approximate, upper bound or lower bound."),
    ("dimension,,,strategy,10,exact,4,S,2024",
     "n must be at least 5, the smallest group shown."),
    ("dimension,,,strategy,10,exact,4.5,S,2024", "n must be a whole number of clusters."),
    ("dimension,,,strategy,10,exact,5,,2024", "Source is required (at most 300 characters)."),
    ("dimension,,,strategy,10,exact,5,S,2027", "Year must be a year from 1950 to 2026."),
])
def test_each_bad_row_gets_its_own_message(row, message):
    checks = _check(HEADER + "dimension,,,funding,50,exact,9,S,2024\n" + row + "\n")

    assert checks[0].errors == []
    assert checks[1].row == 3
    assert checks[1].errors == [message]
    assert checks[1].fields == {}


def test_the_same_figure_twice_is_refused():
    row = "dimension,,,strategy,10,exact,5,S,2024\n"

    checks = _check(HEADER + row + row)

    assert checks[1].errors == ["The same figure as row 2."]


@pytest.mark.parametrize("content, message", [
    (b"", "The file holds no rows."),
    (HEADER.encode(), "The file holds a header but no figure."),
    (b"kind,value\noption,1\n", "Missing columns: question, option, dimension, exactness, "
     "n, source, year. The header row must name: kind, question, option, dimension, value, "
     "exactness, n, source, year."),
    (b"\xff\xfe\x00k", "The file is neither an XLSX workbook nor a CSV file in UTF-8."),
    (b"PK\x03\x04 not really a workbook", "The file is not a readable XLSX workbook."),
])
def test_a_file_that_cannot_be_read_says_why(content, message):
    with pytest.raises(imported.FileError) as error:
        imported.read_table(name="set.csv", content=content)

    assert str(error.value) == message


def test_an_xlsx_workbook_is_read_like_a_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["option", "expected_barriers", "q3_trust", None, 30, "lower bound", 25,
                  "Programme Z", 2022])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = imported.read_table(name="set.xlsx", content=buffer.getvalue())
    checks = imported.check_rows(rows, options=OPTIONS, dimensions=DIMENSIONS, min_n=5,
                                 this_year=2026)

    assert checks[0].errors == []
    assert checks[0].fields["year"] == 2022
    assert checks[0].fields["exactness"] == "at_least"


@pytest.mark.parametrize("exactness, kind, english, french", [
    ("exact", "option", "30 %", "30 %"),
    ("about", "option", "about 30 %", "environ 30 %"),
    ("at_most", "option", "at most 30 %", "au plus 30 %"),
    ("at_least", "dimension", "at least 30", "au moins 30"),
])
def test_a_figure_reads_as_its_exactness_says(exactness, kind, english, french):
    figure = ImportedFigure(kind=kind, value=Decimal("30.0"), exactness=exactness, n=12,
                            source="Programme X", year=2024)

    with translation.override("fr"):
        in_french = imported.value_text(figure)

    assert imported.value_text(figure) == english
    assert in_french == french
    assert imported.source_text(figure).endswith("Programme X, 2024, n = 12")
