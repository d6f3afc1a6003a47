"""A report's files: the PDF (WeasyPrint, through `bilet/pdf.py`), the XLSX (openpyxl, write-only) and the charts
they and the pages share."""
