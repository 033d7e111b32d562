"""Test tools for harvesting from web archives: a real pywb, WARC captures as data, WACZ validation.

- ``env``: the separate venv holding pywb and wacz (created on first use, pinned, locked).
- ``captures``: ``Capture`` values and ``write_warc`` to turn them into WARC files.
- ``pywb``: ``PywbArchive``, pywb serving those files on 127.0.0.1 for one test module.
- ``front``: the recording front that logs every request reaching the archive.
- ``wacz``: ``validate_wacz`` with the independent ``wacz validate`` checker.
"""
