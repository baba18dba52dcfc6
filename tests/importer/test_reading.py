from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from portal.importer.reading import (
    ENCODING_SAMPLE_BYTES,
    PERU_BBOX,
    SourceFileError,
    map_columns,
    normalize_name,
    open_csv_table,
    parse_coordinates,
    parse_date,
    parse_decimal,
    parse_flag,
    parse_infobras_amount,
    parse_int,
    parse_period,
    parse_progress,
    parse_situation_note,
    parse_ubigeo,
)
from portal.importer.xlsx import open_xlsx_table

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reading"
CUI = "Código Único de Inversión"


def write(tmp_path, content: bytes, name="file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_all(path):
    with open_csv_table(path) as table:
        return table, list(table.rows())


# CSV files


def test_mef_export_with_bom_and_crlf_reads_header_and_rows():
    table, rows = read_all(FIXTURES / "detalle_bom_crlf.csv")
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert table.header[:2] == ["NIVEL", "CODIGO_UNICO"]
    assert [line for line, _ in rows] == [2, 3, 6]
    assert rows[0][1][2].startswith("CREACIÓN DEL CAMINO")
    assert rows[1][1][2] == "MEJORAMIENTO DEL SERVICIO\r\nDE AGUA POTABLE\r\nEN CAJAMARCA"


def test_latin1_semicolon_export_reads_accents(tmp_path):
    content = (
        '"CODIGO_UNICO";"PIM_AÑO_ACTUAL";"NOMBRE"\r\n"2100002";"10,5";"CAÑAFISTO – CASERÍO"\r\n'
    )
    table, rows = read_all(write(tmp_path, content.encode("cp1252")))
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.header == ["CODIGO_UNICO", "PIM_AÑO_ACTUAL", "NOMBRE"]
    assert rows == [(2, ["2100002", "10,5", "CAÑAFISTO – CASERÍO"])]


def test_utf8_without_bom_is_detected(tmp_path):
    table, rows = read_all(write(tmp_path, "CUI,NOMBRE\n1,CAÑARIS\n".encode()))
    assert table.encoding == "utf-8"
    assert rows == [(2, ["1", "CAÑARIS"])]


def test_bad_byte_after_the_first_megabyte_does_not_stop_the_read(tmp_path):
    filler = "1,CAÑARIS\n".encode() * (ENCODING_SAMPLE_BYTES // 10 + 1)
    table, rows = read_all(write(tmp_path, b"CUI,NOMBRE\n" + filler + b"2,CA\xd1ARIS\n"))
    assert table.encoding == "utf-8"
    assert rows[-1][1] == ["2", "CA\ufffdARIS"]


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [('"MONTO; S/","CUI","NOMBRE"', ","), ('"MONTO, S/";"CUI";"NOMBRE"', ";")],
)
def test_quoted_delimiters_in_header_do_not_fool_detection(tmp_path, header, delimiter):
    table, _ = read_all(write(tmp_path, header.encode() + b"\n"))
    assert table.delimiter == delimiter
    assert len(table.header) == 3


def test_quoted_newline_keeps_line_numbers(tmp_path):
    content = b'CUI,NOTA\r\n1,"uno\r\ndos\r\ntres"\r\n2,corta\r\n'
    _, rows = read_all(write(tmp_path, content))
    assert [(line, fields[0]) for line, fields in rows] == [(2, "1"), (5, "2")]


def test_blank_lines_are_skipped_but_still_counted(tmp_path):
    _, rows = read_all(write(tmp_path, b"\r\nCUI,NOMBRE\r\n\r\n1,A\r\n"))
    assert rows == [(4, ["1", "A"])]


def test_short_and_long_rows_are_kept_as_read(tmp_path):
    _, rows = read_all(write(tmp_path, b"A,B,C\n1\n1,2,3,4\n"))
    assert [fields for _, fields in rows] == [["1"], ["1", "2", "3", "4"]]


def test_transfer_stopped_inside_a_quote_yields_the_partial_row(tmp_path):
    _, rows = read_all(write(tmp_path, b'"CUI","NOMBRE"\r\n"1","A"\r\n"2","CORTA'))
    assert rows[-1] == (3, ["2", "CORTA"])


def test_very_long_field_is_read(tmp_path):
    long_text = "X" * 500_000
    _, rows = read_all(write(tmp_path, f'CUI,NOTA\n1,"{long_text}"\n'.encode()))
    assert rows[0][1][1] == long_text


@pytest.mark.parametrize("content", [b"", b" \r\n\t\r\n", b"\xef\xbb\xbf\r\n"])
def test_empty_file_is_rejected(tmp_path, content):
    with pytest.raises(SourceFileError, match="^the file is empty$"):
        open_csv_table(write(tmp_path, content))


def test_html_error_page_saved_as_csv_is_rejected():
    with pytest.raises(SourceFileError, match="HTML page, not a CSV: the download probably failed"):
        open_csv_table(FIXTURES / "error_page.csv")


def test_xml_error_saved_as_csv_is_rejected(tmp_path):
    content = b'\xef\xbb\xbf<?XML version="1.0"?><Error><Code>NoSuchKey</Code></Error>'
    with pytest.raises(SourceFileError, match="XML document, not a CSV"):
        open_csv_table(write(tmp_path, content))


def test_single_column_text_is_rejected(tmp_path):
    with pytest.raises(SourceFileError, match="fewer than two columns"):
        open_csv_table(write(tmp_path, b"Service temporarily unavailable\n"))


def test_binary_garbage_is_rejected(tmp_path):
    with pytest.raises(SourceFileError, match="binary data"):
        open_csv_table(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR garbage"))


def test_leaving_the_with_block_closes_the_file():
    with open_csv_table(FIXTURES / "detalle_bom_crlf.csv") as table:
        rows = table.rows()
        next(rows)
    with pytest.raises(ValueError, match="closed file"):
        next(rows)


# Header names


def test_header_drift_ano_matches_anio():
    columns = {"cui": ("CODIGO_UNICO",), "pim_current": ("PIM_ANIO_ACTUAL", "PIM_AÑO_ACTUAL")}
    assert map_columns(["PIM_AÑO_ACTUAL", "CODIGO_UNICO"], columns, ["cui"]) == {
        "cui": 1,
        "pim_current": 0,
    }
    assert map_columns(["PIM_ANO_ACTUAL"], {"pim": ("PIM_AÑO_ACTUAL",)}, []) == {"pim": 0}


def test_header_names_match_ignoring_bom_case_accents_and_spacing():
    assert normalize_name(" Monto del contrato  en soles ") == "MONTO DEL CONTRATO EN SOLES"
    assert normalize_name("PIM_AÑO_ACTUAL") == "PIM_ANO_ACTUAL"
    assert normalize_name("\ufeffcódigo único de inversión") == "CODIGO UNICO DE INVERSION"


def test_extra_columns_and_missing_optional_ones_are_ignored():
    columns = {"cui": ("CODIGO_UNICO",), "beneficiaries": ("BENEFICIARIO", "NUM_HABITANTES_BENEF")}
    header = ["NUEVA_COLUMNA", "NUM_HABITANTES_BENEF", "CODIGO_UNICO"]
    assert map_columns(header, columns, ["cui"]) == {"cui": 2, "beneficiaries": 1}
    assert map_columns(["CODIGO_UNICO", "X"], columns, ["cui"]) == {"cui": 0}


def test_missing_required_columns_are_all_named_by_first_alias():
    columns = {"cui": ("CODIGO_UNICO",), "ubigeo": ("UBIGEO",), "name": ("NOMBRE_INVERSION",)}
    with pytest.raises(SourceFileError, match="^missing required columns: CODIGO_UNICO, UBIGEO$"):
        map_columns(["NOMBRE_INVERSION"], columns, ["cui", "ubigeo", "name"])


# INFObras workbooks


def save_workbook(tmp_path, rows, name="obras.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_title_rows_above_xlsx_header_are_skipped(tmp_path):
    path = save_workbook(
        tmp_path,
        {
            1: ["CONTRALORÍA GENERAL DE LA REPÚBLICA"],
            2: ["DataSet de Obras Públicas"],
            4: ["Código INFOBRAS", CUI, "Monto del contrato  en soles"],
            5: ["500000", "2100002", "23459809 05"],
            7: ["500013", "2100011"],
        },
    )
    with open_xlsx_table(path, [CUI]) as table:
        assert table.header == ["Código INFOBRAS", CUI, "Monto del contrato  en soles"]
        assert (table.encoding, table.delimiter) == ("", "")
        assert list(table.rows()) == [
            (5, ["500000", "2100002", "23459809 05"]),
            (7, ["500013", "2100011", ""]),
        ]


def test_xlsx_cells_become_text_the_parsers_understand(tmp_path):
    values = [None, 2100002, 3195.0, 49.63, datetime(2020, 7, 27, 10, 30), date(2039, 1, 5)]
    path = save_workbook(tmp_path, {1: [CUI, "B", "C", "D", "E", "F"], 2: values})
    with open_xlsx_table(path, [CUI]) as table:
        [(_, fields)] = table.rows()
    assert fields == ["", "2100002", "3195", "49.63", "27/07/2020", "05/01/2039"]


def test_downloaded_workbook_without_xlsx_extension_opens(tmp_path):
    path = save_workbook(tmp_path, {1: [CUI, "B"], 2: ["1", "2"]}, name="download.part")
    with open_xlsx_table(path, [CUI]) as table:
        assert list(table.rows()) == [(2, ["1", "2"])]


def test_xlsx_without_header_row_is_rejected(tmp_path):
    rows = {number: [f"título {number}"] for number in range(1, 31)} | {31: [CUI, "B"]}
    with pytest.raises(
        SourceFileError, match=f"^no header row with {CUI} found in the first 30 rows of any sheet$"
    ):
        open_xlsx_table(save_workbook(tmp_path, rows), [CUI])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\r\n<html><body>503</body></html>", "HTML page, not an Excel workbook"),
        (b"CUI,NOMBRE\r\n1,A\r\n", "not a valid Excel workbook"),
    ],
)
def test_file_that_is_not_a_workbook_is_rejected(tmp_path, content, reason):
    with pytest.raises(SourceFileError, match=reason):
        open_xlsx_table(write(tmp_path, content, "obras.xlsx"), [CUI])


# Values


def test_amounts_parse_as_exact_decimals():
    assert parse_decimal("140250.0") == Decimal("140250.0")
    assert parse_decimal("18144054.37") == Decimal("18144054.37")
    assert parse_decimal(" 1,234,567.89 ") == Decimal("1234567.89")
    assert parse_decimal("1,234.5") == Decimal("1234.5")
    assert parse_decimal("-0.5") == Decimal("-0.5")


@pytest.mark.parametrize("text", ["", "  ", "NaN", "-"])
def test_empty_amount_means_unknown_not_zero(text):
    assert parse_decimal(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("140250,5", "140250.5"),
        ("1.234.567,89", "1234567.89"),
        ("-12,75", "-12.75"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
    ],
)
def test_amounts_from_spanish_spreadsheets_read_with_decimal_comma(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,234", "1,2,3", "1.2,3.4", "1_000", "Infinity"])
def test_garbage_or_ambiguous_amount_is_rejected_with_a_reason(text):
    with pytest.raises(ValueError, match=f"^not a number: '{text}'$"):
        parse_decimal(text)


def test_infobras_amount_with_space_before_cents():
    assert parse_infobras_amount("1205287 56") == Decimal("1205287.56")
    assert parse_infobras_amount("1205287.56") == Decimal("1205287.56")
    assert parse_infobras_amount("1205287") == Decimal("1205287")
    assert parse_infobras_amount("") is None
    with pytest.raises(ValueError, match="not an amount"):
        parse_infobras_amount("1205 287 56")


def test_whole_numbers_accept_float_exports():
    assert parse_int("3195") == 3195
    assert parse_int("3195.0") == 3195
    assert parse_int("") is None
    with pytest.raises(ValueError, match="not a whole number: '3.5'"):
        parse_int("3.5")


def test_dates_in_mef_and_infobras_formats():
    assert parse_date("2025-05-10 02:22:26") == date(2025, 5, 10)
    assert parse_date("2025-05-10") == date(2025, 5, 10)
    assert parse_date("27/07/2020") == date(2020, 7, 27)
    assert parse_date("27/07/2020 14:05:00") == date(2020, 7, 27)
    assert parse_date("07/04/2039") == date(2039, 4, 7)
    assert parse_date("") is None


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "ayer"])
def test_impossible_date_is_rejected(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(text)


def test_period_is_the_first_day_of_its_month():
    assert parse_period("202007") == date(2020, 7, 1)
    assert parse_period("202007.0") == date(2020, 7, 1)
    assert parse_period("") is None
    with pytest.raises(ValueError, match="not a period"):
        parse_period("202013")


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("SI", True),
        ("Sí", True),
        ("s", True),
        ("1", True),
        ("true", True),
        ("NO", False),
        ("No", False),
        ("N", False),
        ("0", False),
        ("FALSE", False),
        ("", None),
    ],
)
def test_flags_ignore_case_and_accents(text, flag):
    assert parse_flag(text) is flag


def test_unknown_flag_is_rejected():
    with pytest.raises(ValueError, match="not a yes/no value: 'QUIZÁS'"):
        parse_flag("QUIZÁS")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("60101", "060101"),
        ("60101.0", "060101"),
        ("060101", "060101"),
        ("601", "0601"),
        ("6", "06"),
        ("", None),
        ("210000", "21"),  # department-wide: PROVINCIA and DISTRITO '- TODOS -'
        ("60100", "0601"),  # a whole province
        ("0", None),
    ],
)
def test_ubigeo_published_as_a_number_gets_its_leading_zero(text, code):
    assert parse_ubigeo(text) == code


@pytest.mark.parametrize("text", ["-MUL.DEP-", "0601011"])
def test_ubigeo_that_is_not_a_code_is_rejected(text):
    with pytest.raises(ValueError, match="not a ubigeo code"):
        parse_ubigeo(text)


def test_progress_above_100_is_kept_and_negative_rejected():
    assert parse_progress("119.8") == Decimal("119.8")
    assert parse_progress("45.5%") == Decimal("45.5")
    assert parse_progress("") is None
    with pytest.raises(ValueError, match="negative progress"):
        parse_progress("-3")


def test_situation_note_date_prefix_is_split():
    assert parse_situation_note("15/10/2026: EN EJECUCIÓN") == (date(2026, 10, 15), "EN EJECUCIÓN")
    assert parse_situation_note("OBRA PARALIZADA") == (None, "OBRA PARALIZADA")
    assert parse_situation_note("31/02/2026: X") == (None, "31/02/2026: X")
    assert parse_situation_note("") == (None, "")


def test_coordinates_inside_peru_are_rounded():
    assert parse_coordinates("-6.8702541", "-78.8421384", PERU_BBOX) == (
        -6.870254,
        -78.842138,
        "ok",
    )


def test_swapped_coordinates_are_fixed():
    assert parse_coordinates("-78.842138", "-6.770363", PERU_BBOX) == (
        -6.770363,
        -78.842138,
        "swapped",
    )


@pytest.mark.parametrize(
    ("lat", "lon", "status"),
    [
        ("", "-78.8", "missing"),
        ("-6.8", "abc", "missing"),
        ("nan", "-78.8", "missing"),
        ("0", "0", "zero"),
        ("-6.8", "0.0", "zero"),
        ("40.4", "-3.7", "outside"),
    ],
)
def test_unusable_coordinates_are_dropped_with_a_status(lat, lon, status):
    assert parse_coordinates(lat, lon, PERU_BBOX) == (None, None, status)


def test_tab_separated_export_is_read_by_name(tmp_path):
    path = tmp_path / "detalle.txt"
    text = "CODIGO_UNICO\tNOMBRE_INVERSION\r\n2100002\tCAMINO VECINAL, LLAPA\r\n"
    path.write_text(text, encoding="utf-8")

    with open_csv_table(path) as table:
        assert table.delimiter == "\t"
        assert list(table.rows()) == [(2, ["2100002", "CAMINO VECINAL, LLAPA"])]


def test_xlsx_header_is_found_behind_a_leading_notes_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notas"
    workbook.active.append(["Fuente: Contraloría General de la República"])
    data = workbook.create_sheet("Obras")
    data.append(["Código INFOBRAS", "Código Único de Inversión"])
    data.append(["500000", "2100002"])
    path = tmp_path / "obras.xlsx"
    workbook.save(path)

    with open_xlsx_table(path, ["Código INFOBRAS", "Código Único de Inversión"]) as table:
        assert list(table.rows()) == [(2, ["500000", "2100002"])]


def test_coordinates_with_decimal_commas_are_read():
    assert parse_coordinates("-6,330452", "-78,85", PERU_BBOX) == (-6.330452, -78.85, "ok")


def test_a_zipped_or_gzipped_csv_is_named_as_an_archive(tmp_path):
    import gzip

    path = tmp_path / "DETALLE_INVERSIONES.csv"
    path.write_bytes(gzip.compress(b"CODIGO_UNICO,UBIGEO\r\n2100002,60101\r\n"))

    with pytest.raises(SourceFileError, match="compressed archive"):
        open_csv_table(path)
