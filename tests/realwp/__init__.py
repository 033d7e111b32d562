"""Real WordPress sites for the tests: Debian's WordPress 6.1 and its packaged themes, one MariaDB
per session, PHP's built-in server per site, content written through WordPress's own functions.

>>> with Lab(INSTANCES) as lab:
...     harvests = lab.map(lambda site: harvest(site, workdir / site.instance.name))  # doctest: +SKIP

``site.truth`` is what WordPress holds once filled; :mod:`tests.realwp.truth` turns it into the
records a perfect harvest writes, and ``python -m tests.realwp.measure`` prints how near a harvest
comes, field by field.
"""
from .lab import INSTANCES, Harvest, Lab, harvest
from .wordpress import Instance, WordPressSite, missing_software

__all__ = ["INSTANCES", "Harvest", "Instance", "Lab", "WordPressSite", "harvest", "missing_software"]
