"""Imports a module `autogen codegen --lang sqlalchemy` wrote, configures its mappers and, given a URL,
runs Base.metadata.create_all() there. Any SQLAlchemy warning fails it.

Usage: create_all.py MODULE.py [SQLALCHEMY_URL]
"""

import importlib.util
import sys
import warnings

warnings.simplefilter("error")

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

spec = importlib.util.spec_from_file_location("generated", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["generated"] = module  # SQLAlchemy resolves the annotations in the module's namespace
spec.loader.exec_module(module)
orm.configure_mappers()
if len(sys.argv) > 2:
    engine = sa.create_engine(sys.argv[2])
    module.Base.metadata.create_all(engine)
    engine.dispose()
print("ok", len(module.Base.metadata.tables), "tables")
