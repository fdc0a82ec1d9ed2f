"""The Inventory as data: JSON round trips keep unknowns and secrets (masked), saving is atomic."""

from __future__ import annotations

import json

import pytest

from rollout.model.inventory import UNKNOWN, Inventory, Resource, Secret, encode_value, reveal, save


def sample() -> Inventory:
    db = Resource("urn:db", "aws:rds/instance:Instance", "db", parent="urn:comp", protect=True, phase=3,
                  inputs={"password": Secret("hunter2"), "endpoint": UNKNOWN, "tags": {"a": ["b", Secret(UNKNOWN)]}},
                  dependencies=("urn:sg",), property_dependencies={"vpcSecurityGroupIds": ("urn:sg",)})
    comp = Resource("urn:comp", "x:db:Database", "comp", custom=False)
    return Inventory("p", "s", 3, (comp, db), outputs={"url": "https://x", "token": Secret("t")})


def test_round_trip_masks_secret_values() -> None:
    inventory = sample()
    document = json.loads(json.dumps(inventory.to_json()))
    again = Inventory.from_json(document)
    db = again.by_urn["urn:db"]
    assert db.inputs["password"] == Secret(UNKNOWN)  # the value never reaches the file
    assert db.inputs["endpoint"] is UNKNOWN and db.inputs["tags"]["a"][1] == Secret(UNKNOWN)
    assert (db.protect, db.phase, db.dependencies) == (True, 3, ("urn:sg",))
    assert "hunter2" not in json.dumps(document)
    assert again.outputs["token"] == Secret(UNKNOWN)


def test_reveal_and_encode() -> None:
    assert reveal({"a": Secret("x"), "b": [Secret(1)]}) == {"a": "x", "b": [1]}
    assert encode_value(Secret("x"), reveal_secrets=True) == {"$secret": "x"}
    assert encode_value(UNKNOWN) == {"$unknown": True}


def test_queries() -> None:
    inventory = sample()
    assert [r.name for r in inventory.custom_resources()] == ["db"]
    assert inventory.of_type("x:db:Database")[0].name == "comp"
    assert len(inventory) == 2


def test_unsupported_schema_version() -> None:
    with pytest.raises(ValueError, match="schemaVersion"):
        Inventory.from_json({"schemaVersion": 99})


def test_save_is_atomic(tmp_path, monkeypatch) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("previous")
    monkeypatch.setattr(json, "dumps", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        save([sample()], str(target))
    assert target.read_text() == "previous" and list(tmp_path.iterdir()) == [target]
    monkeypatch.undo()
    save([sample()], str(target))
    assert Inventory.from_json(json.loads(target.read_text())[0]).stack == "s"
