"""The report: numbers, tables, charts and workbook computed before the render; the render
itself (Quarto when installed, else pandoc + Typst from PyPI wheels) only places them."""
