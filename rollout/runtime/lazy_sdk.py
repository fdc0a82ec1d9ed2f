"""Import a provider SDK's resource modules on first use instead of all at once, inside the offline runtime only.

`pulumi_cloudflare`'s generated `__init__` star-imports each of its ~780 resource modules, which costs about half
of the package's import time (several seconds on a 2-core machine) for a program that uses five of them. Its
`__init__` is a fixed shape: `from .<module> import *` lines, `from ._inputs import *`, `from . import outputs`, a
lazily imported `config` subpackage and one `_utilities.register(...)` call. For a package of that shape this
finder runs everything in `__init__` except the star imports and the `outputs` import, and answers a name the
first time it is asked for from the module whose `__all__` declares it (read from the first lines of each file,
without importing). Anything of another shape (a new SDK layout, a name no module declares) falls back to the
package's own `__init__` or to importing everything, so a program never sees a missing name.

Real `pulumi up` runs are untouched: this is installed only by the offline runtime, around a program run.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

LAZY_PACKAGES = ("pulumi_cloudflare",)
_HEAD_BYTES = 4096
_ALL = re.compile(r"^__all__ = (\[.*?\])$", re.M | re.S)


class _Plan:
    """What a package's `__init__` does, split into the part to run now and the names to resolve later."""

    def __init__(self, code: Any, names: dict[str, str], eager: list[str]) -> None:
        self.code = code
        self.names = names
        self.eager = eager


def plan_package(init: Path) -> _Plan | None:
    """The lazy plan for a generated `__init__.py`, or None when it is not of the known shape."""
    try:
        tree = ast.parse(init.read_text(encoding="utf-8"), filename=str(init))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    kept: list[ast.stmt] = []
    star_modules: list[str] = []
    eager: list[str] = []
    registered = False
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.level == 1 and statement.module \
                and [a.name for a in statement.names] == ["*"]:
            star_modules.append(statement.module)
        elif isinstance(statement, ast.ImportFrom) and statement.level == 1 and statement.module is None \
                and [a.name for a in statement.names] == ["outputs"]:
            continue  # resolved on first use, like the resource modules
        else:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
                    and getattr(statement.value.func, "attr", None) == "register":
                registered = True
            kept.append(statement)
    if not registered or len(star_modules) < 10:
        return None
    names: dict[str, str] = {}
    for module in star_modules:
        declared = _declared_names(init.parent / f"{module}.py")
        if declared is None:
            if module == "_inputs":
                eager.append(module)  # its names are many and plain; resolved by importing it when asked for
                continue
            return None
        for name in declared:
            names.setdefault(name, module)
    body = ast.Module(body=kept, type_ignores=[])
    return _Plan(compile(body, str(init), "exec"), names, eager)


def _declared_names(path: Path) -> list[str] | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    match = _ALL.search(head)
    if match is None:
        return None
    try:
        value = ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return None
    return [n for n in value if isinstance(n, str)] if isinstance(value, list) else None


class _LazyLoader(importlib.abc.Loader):
    def __init__(self, plan: _Plan) -> None:
        self.plan = plan

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        plan = self.plan
        package = module.__name__

        def __getattr__(name: str) -> Any:  # noqa: N807 - the module-level hook of PEP 562
            source = plan.names.get(name)
            if source is not None:
                value = getattr(importlib.import_module(f"{package}.{source}"), name)
            elif name == "outputs" or (Path(module.__file__).parent / f"{name}.py").exists() \
                    or (Path(module.__file__).parent / name / "__init__.py").exists():
                value = importlib.import_module(f"{package}.{name}")
            else:
                inputs = importlib.import_module(f"{package}._inputs") if "_inputs" in plan.eager else None
                if inputs is None or not hasattr(inputs, name):
                    raise AttributeError(f"module {package!r} has no attribute {name!r}")
                value = getattr(inputs, name)
            setattr(module, name, value)
            return value

        module.__getattr__ = __getattr__  # type: ignore[attr-defined]
        module.__all__ = sorted(plan.names)  # type: ignore[attr-defined]  # `from pkg import *` still gets all
        exec(plan.code, module.__dict__)  # noqa: S102 - the package's own __init__, minus its star imports


class LazyPackageFinder(importlib.abc.MetaPathFinder):
    """Finds the packages of LAZY_PACKAGES as usual and swaps in the lazy loader when the layout is known."""

    def __init__(self, packages: tuple[str, ...] = LAZY_PACKAGES) -> None:
        self.packages = packages
        self.plans: dict[str, _Plan | None] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.packages:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.submodule_search_locations:
            return None
        if fullname not in self.plans:
            self.plans[fullname] = plan_package(Path(spec.origin))
        plan = self.plans[fullname]
        if plan is None:
            return spec  # unknown layout: the package's own __init__
        spec.loader = _LazyLoader(plan)
        return spec


_FINDER = LazyPackageFinder()


def install() -> None:
    """Put the finder first on sys.meta_path (idempotent). Already imported packages are left as they are."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
