"""Queries the ORM writes once per process, then runs with each request's values.

Django builds and compiles a queryset's SQL anew every time it is evaluated. For a query with
nested subqueries, such as the person of every request read with their organization's contracts
and their due disable requests (access.selectors), that is several milliseconds of Python: more
than the database takes to answer. A `PreparedQuery` builds its queryset once per database with
stand-in values, finds where each stand-in went among the compiled SQL's parameters, and from then
on runs that same SQL with the real values in their places. The ORM still writes the query, and
still reads its rows into models (with their select_related objects and annotations): the query
has one definition, its queryset.

A value must never change the query's shape, only fill a parameter: no None (`IS NULL`), no list
(`IN (...)` has as many parameters as the list); each value must be of its stand-in's type. The
stand-ins are values no real query uses, so that each is found only where its value goes;
compiling refuses a stand-in it cannot find, or two that look alike. The rows are read as a plain
queryset of models reads them, on the database named (no router is asked): a queryset that
prefetches, or asks for values() instead of models, is not one to prepare.
"""

import copy
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler


class _Compiled:
    """What a queryset evaluated from compiled SQL asks of its query: the compiler, nothing more."""

    def __init__(self, compiler: SQLCompiler):
        self.compiler = compiler

    def get_compiler(
        self, using: str | None = None, connection: Any = None, elide_empty: bool = True
    ) -> SQLCompiler:
        return self.compiler


class PreparedQuery[M: Model]:
    """`build(**values)` compiled once per database with `stand_ins`; `all(**values)` runs it."""

    def __init__(self, build: Callable[..., QuerySet[M]], **stand_ins: Any):
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: dict[
            str, tuple[QuerySet[M], SQLCompiler, str, tuple[Any, ...], dict[int, str]]
        ] = {}

    def _compile(
        self, using: str
    ) -> tuple[QuerySet[M], SQLCompiler, str, tuple[Any, ...], dict[int, str]]:
        if using not in self._compiled:
            queryset = self.build(**self.stand_ins).using(using)
            compiler = queryset.query.get_compiler(using=using)
            # Also fills the compiler's reading of the rows: the columns, the related objects.
            sql, params = compiler.as_sql()
            adapt = connections[using].ops.adapt_unknown_value
            slots: dict[int, str] = {}
            for name, stand_in in self.stand_ins.items():
                adapted = adapt(stand_in)
                found = [n for n, param in enumerate(params) if _same(param, adapted)]
                if not found:
                    raise ImproperlyConfigured(
                        f"{self.build.__qualname__}: the value of {name!r} is not a parameter of its query"
                    )
                if taken := [n for n in found if n in slots]:
                    raise ImproperlyConfigured(
                        f"{self.build.__qualname__}: {name!r} and {slots[taken[0]]!r} have the same stand-in"
                    )
                slots |= dict.fromkeys(found, name)
            self._compiled[using] = (queryset, compiler, sql, tuple(params), slots)
        return self._compiled[using]

    def all(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        if values.keys() != self.stand_ins.keys():
            raise TypeError(
                f"expected the values of {sorted(self.stand_ins)}, got {sorted(values)}"
            )
        # Of the stand-in's own type: None or a list would need another query, not other values.
        for name, value in values.items():
            if type(value) is not type(self.stand_ins[name]):
                raise TypeError(f"{name!r} must be of type {type(self.stand_ins[name]).__name__}")
        queryset, compiler, sql, fixed, slots = self._compile(using)
        adapt = connections[using].ops.adapt_unknown_value
        params = tuple(
            adapt(values[slots[n]]) if n in slots else param for n, param in enumerate(fixed)
        )
        # A copy per run, so that a run never sees another's values; it shares the compiled reading.
        run = copy.copy(compiler)
        run.connection = connections[using]  # this thread's own: connections are not shared
        run.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
        compiled: Any = _Compiled(run)  # stands in for the queryset's Query
        return list(QuerySet(model=queryset.model, query=compiled, using=using))

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> M | None:
        found = self.all(using, **values)
        return found[0] if found else None


def _same(param: object, stand_in: object) -> bool:
    # By type as well: a stand-in int must not be found in a boolean parameter (True == 1).
    return type(param) is type(stand_in) and param == stand_in
