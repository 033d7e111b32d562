"""A local replica of the ASHARQ AL-AWSAT English Archive 2005 -2017 (WordPress + Divi).

``build_site()`` makes the content deterministically, ``ReplicaServer`` serves it on
127.0.0.1 and ``Site.expected_records()`` tells what a correct crawler must output.
"""
from .server import ReplicaServer
from .site import Site, build_site

__all__ = ["ReplicaServer", "Site", "build_site"]
