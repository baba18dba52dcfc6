"""CSV cells that spreadsheets open safely: text starting with = + - @ would run as a formula."""


def spreadsheet_text(value) -> str:
    """Text from public records or citizens, kept as text when Excel or LibreOffice opens it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
