"""Packaging: the metadata is in setup.cfg; here only the package list, because the
templates stay at the top level (the project's layout) yet ship inside the package as
kb.templates."""
from setuptools import find_namespace_packages, setup

CODE = find_namespace_packages(include=["kb", "kb.*"], exclude=["*.__pycache__"])
TEMPLATES = ["kb.templates", *(f"kb.templates.{name}" for name in
                               find_namespace_packages("templates",
                                                       exclude=["*__pycache__*"]))]

setup(packages=CODE + TEMPLATES, package_dir={"kb.templates": "templates"})
