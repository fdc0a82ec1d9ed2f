"""The lazy provider import: same names, fewer modules, and the package's own import for any unknown layout."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rollout.runtime.lazy_sdk import LazyPackageFinder, plan_package

PROBE = textwrap.dedent('''
    import json, sys
    from rollout.runtime import lazy_sdk
    lazy_sdk.install()
    import pulumi_cloudflare as cf
    before = sum(1 for m in sys.modules if m.startswith("pulumi_cloudflare."))
    names = [cf.Zone.__name__, cf.ZoneSetting.__module__, cf.RulesetRuleArgs.__name__, cf.outputs.__name__,
             cf.config.__name__ if hasattr(cf, "config") else None]
    try:
        cf.NoSuchThing
        missing = None
    except AttributeError as error:
        missing = str(error)
    after = sum(1 for m in sys.modules if m.startswith("pulumi_cloudflare."))
    print(json.dumps({"before": before, "after": after, "names": names, "missing": missing,
                      "zone_module_loaded": "pulumi_cloudflare.zone" in sys.modules}))
''')


def test_the_real_cloudflare_sdk_is_of_the_known_shape() -> None:
    import importlib.util

    spec = importlib.util.find_spec("pulumi_cloudflare")
    plan = plan_package(Path(spec.origin))
    assert plan is not None
    assert plan.names["Zone"] == "zone" and plan.names["ZoneArgs"] == "zone"
    assert plan.names["DnsRecord"] == "dns_record" and plan.names["Ruleset"] == "ruleset"
    assert len(plan.names) > 1000


def test_names_resolve_on_first_use_and_nothing_else_is_imported() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=True)
    probe = json.loads(result.stdout)
    assert probe["names"][:4] == ["Zone", "pulumi_cloudflare.zone_setting", "RulesetRuleArgs",
                                  "pulumi_cloudflare.outputs"]
    assert probe["missing"] == "module 'pulumi_cloudflare' has no attribute 'NoSuchThing'"
    assert probe["before"] < 10, "only _utilities (and the config subpackage's lazy stub) before first use"
    assert probe["zone_module_loaded"] and probe["after"] < 40, probe


def write_package(root: Path, name: str, *, shape: str = "generated") -> Path:
    package = root / name
    package.mkdir(parents=True)
    (package / "_utilities.py").write_text("registered = []\ndef register(**kwargs):\n    registered.append(kwargs)\n")
    modules = [f"thing{i}" for i in range(12)]
    for module in modules:
        (package / f"{module}.py").write_text(
            f"__all__ = ['{module.title()}Args', '{module.title()}']\n"
            f"class {module.title()}Args: pass\nclass {module.title()}: pass\n")
    (package / "outputs.py").write_text("class Out: pass\n")
    (package / "_inputs.py").write_text("class PlainArgs: pass\n")
    stars = "".join(f"from .{m} import *\n" for m in modules)
    if shape == "generated":
        init = f"from . import _utilities\n{stars}from ._inputs import *\nfrom . import outputs\n" \
               "_utilities.register(resource_modules='[]', resource_packages='[]')\n"
    else:
        init = f"{stars}from ._inputs import *\n"  # no register call: not the generated shape
    (package / "__init__.py").write_text(init)
    return package


@pytest.mark.parametrize("shape", ["generated", "other"])
def test_a_package_imports_with_every_name_whatever_its_shape(tmp_path, monkeypatch, shape) -> None:
    name = f"fake_sdk_{shape}"
    write_package(tmp_path, name, shape=shape)
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = LazyPackageFinder(packages=(name,))
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    try:
        module = __import__(name)
        lazy = shape == "generated"
        assert (f"{name}.thing3" not in sys.modules) is lazy
        assert module.Thing3.__module__ == f"{name}.thing3" and module.Thing7Args.__name__ == "Thing7Args"
        assert module.PlainArgs.__name__ == "PlainArgs"
        assert (finder.plans[name] is None) is not lazy
        if lazy:
            assert module._utilities.registered == [{"resource_modules": "[]", "resource_packages": "[]"}]
            assert module.outputs.Out.__name__ == "Out"
            namespace: dict = {}
            exec(f"from {name} import *", namespace)  # noqa: S102
            assert {"Thing0", "Thing11Args"} <= set(namespace)
    finally:
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]
