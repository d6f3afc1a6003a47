"""A report's files: the PDF (WeasyPrint), the XLSX (openpyxl, write-only) and the charts they and the pages share."""
