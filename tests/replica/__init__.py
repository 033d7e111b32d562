"""Local replicas of news sites, served on 127.0.0.1 for the end-to-end tests and the benchmarks.

``build_site(n_stories, seed, variant)`` makes the ASHARQ AL-AWSAT English Archive 2005 -2017
(WordPress + Divi) in one of its markup variants, ``build_ledger_site(n_stories, seed)`` The Harbour
Ledger (a small news site that is not WordPress); ``ReplicaServer`` serves either, and
``expected_records()`` tells what a correct crawler must output.
"""
from .ledger import LedgerSite, build_ledger_site
from .server import ReplicaServer
from .site import Site, build_site

__all__ = ["LedgerSite", "ReplicaServer", "Site", "build_ledger_site", "build_site"]
