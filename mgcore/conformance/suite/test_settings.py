"""Settings the engine must honour: ``storage_properties_on_edges``.

Every engine must refuse relationship properties when the setting is off (whatever it declares),
and an engine that does not declare ``properties_on_edges`` refuses them even when it is on.
"""

from __future__ import annotations

from typing import Any

import pytest

from mgcore.storage.errors import PropertiesOnEdgesDisabled

OFF = {"storage_properties_on_edges": False}


@pytest.mark.parametrize("engine_settings", [OFF], ids=["properties-on-edges-off"])
def test_properties_on_edges_off_refuses_relationship_properties(engine: Any) -> None:
    """With the setting off, properties at creation or later raise PropertiesOnEdgesDisabled,
    while relationships without properties and node properties still work."""
    tx = engine.begin()
    a, b = tx.create_node(), tx.create_node(["L"], {"k": 1})
    with pytest.raises(PropertiesOnEdgesDisabled):
        tx.create_relationship(a, b, "R", {"w": 1})
    tx.rollback()

    tx = engine.begin()
    a, b = tx.create_node(), tx.create_node()
    rel = tx.create_relationship(a, b, "R")
    with pytest.raises(PropertiesOnEdgesDisabled):
        tx.set_relationship_property(rel, "w", 1)
    tx.rollback()

    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R")
    assert tx.relationship_properties(rel) == {}
    assert tx.relationship_property(rel, "w") is None
    tx.commit()
    tx = engine.begin()
    assert tx.relationship_properties(tx.relationship(rel.gid)) == {}
    tx.rollback()


@pytest.mark.requires("!properties_on_edges")
def test_engine_without_properties_on_edges_refuses_them(engine: Any) -> None:
    """An engine that does not declare the capability refuses relationship properties even with
    the setting on."""
    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R")
    with pytest.raises(PropertiesOnEdgesDisabled):
        tx.set_relationship_property(rel, "w", 1)
    tx.rollback()


@pytest.mark.requires("properties_on_edges")
def test_properties_on_edges_on_stores_them(engine: Any, engine_settings: dict[str, Any]) -> None:
    """With the setting on (the suite's default), relationship properties are stored."""
    assert engine_settings["storage_properties_on_edges"] is True
    tx = engine.begin()
    rel = tx.create_relationship(tx.create_node(), tx.create_node(), "R", {"w": 1})
    tx.set_relationship_property(rel, "v", 2)
    tx.commit()
    tx = engine.begin()
    assert tx.relationship_properties(tx.relationship(rel.gid)) == {"w": 1, "v": 2}
    tx.rollback()
