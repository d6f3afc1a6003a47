"""What an import of a table tells the person who uploaded it: the rows that stop it, each with its messages, named by
the row's number as the spreadsheet shows it and by the column's own header («Сроки»: …). Nothing is saved while any
row has an error; the template `bilet/imports/row_errors.html` lists them."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowError:
    row: int  # the row's number as the spreadsheet shows it
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"row": self.row, "messages": self.messages}


def column_message(column: str, message: str) -> str:
    """A cell's problem as «Column»: message."""
    return _("«%(column)s»: %(message)s") % {"column": column, "message": message}
