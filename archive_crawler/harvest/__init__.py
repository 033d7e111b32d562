"""Many sites in one harvest, on one machine or many: a sites file, run on Dask.

``sites.py`` reads and checks the sites file, ``crawl.py`` turns one site into the
``scrapy crawl archive`` command that harvests it (the one place that knows the
crawl's command line and files), ``task.py`` is what a Dask worker runs for a site,
``cluster.py`` connects to (or starts) the cluster and checks its workers,
``runner.py`` submits the sites and writes ``harvest.json``, and ``report.py`` makes
the harvest's report page.
"""
