"""Import of dossiers exported by another system (a merged province's old one-stop systems).

``columns`` maps the file's columns (docs/legacy-import.md), ``reader`` reads XLSX or CSV row
by row, ``writer`` checks the whole file and then writes it in one transaction, in batches.
"""
