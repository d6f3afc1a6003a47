"""Form widgets every app uses: the browser's own date and month pickers, in the ISO formats they submit."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    """`<input type="month">`: a browser without it shows a text box, which takes the same «2026-09»."""

    input_type = "month"
    FORMAT = "%Y-%m"

    def __init__(self, **kwargs):
        super().__init__(format=self.FORMAT, **kwargs)
