"""import-site: move an existing 政府信息公开 site, saved with wget --mirror, into the catalogue.

Not a pipeline stage: a staff tool like import-docx. Modules, in the order they run:
  pages     walk the mirror, decode every file, classify it (item, listing, attachment, asset, unreadable)
  fields    the item's fields from the metadata grid, then the page meta tags, then a catalogue export
  body      the article body without the site's chrome, as Markdown; links and attachments
  columns   old columns → the site's 栏目 (mapping file, starter mapping, holding column)
  annual    年报 tables → report data (catalogue/reports/<年份>.yml)
  identity  old URLs, duplicates, 索引号 kept or assigned
  writer    item files, attachments, the import state (re-runs, staff edits)
  report    the import report (Markdown and HTML)
  command   make import-site
"""
