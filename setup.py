"""Packaging for deployment to scrapyd (``scrapyd-deploy`` or ``python setup.py bdist_egg``)."""

from setuptools import find_packages, setup

setup(
    name="archive-crawler",
    version="1.0.0",
    packages=find_packages(exclude=["tests", "tests.*", "benchmarks"]),
    package_data={"archive_crawler": ["schema/*.json", "sites/*.toml"]},
    entry_points={"scrapy": ["settings = archive_crawler.settings"]},
    zip_safe=False,
)
