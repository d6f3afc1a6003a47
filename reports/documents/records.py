"""Sheets of the records a coordinator keeps (promotion, team training, training needs)."""


def record_sheets(records: dict) -> list:
    return []
