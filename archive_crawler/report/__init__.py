"""The harvest's report: ``scrapy report`` answers "did I get everything?".

``records.py`` tallies the JSON Lines output one line at a time, ``figures.py`` adds the
rejects file and the state and gives every figure as one dictionary (what ``--json``
prints), ``charts.py`` draws them with matplotlib as inline SVG, and ``page.py`` writes
them into one self-contained HTML page. Only the report imports matplotlib.
"""
