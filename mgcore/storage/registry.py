"""The engine registry: installed engines by storage-mode name, imported lazily.

Entry points in the ``mgcore.engines`` group name engine classes (``"pkg.module:Class"``); plugins
may add more in-process through the ``mg_register_engines`` hook. Only the engine actually used is
imported, so a broken third-party engine cannot break start-up of another one. Loading checks the
api_version and that the class has every method of the contract.
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import importlib.util
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgcore.storage.errors import EngineIncompatible, EngineNotFound
from mgcore.storage.protocol import API_VERSION, ENGINE_METHODS, missing_members

ENTRY_POINT_GROUP = "mgcore.engines"


@dataclass
class EngineEntry:
    """What is known about an engine without importing it."""

    name: str
    target: str | type
    """``"module:Class"`` or the class itself (in-process registration)."""
    distribution: str | None = None
    version: str | None = None
    _loaded: type | None = field(default=None, repr=False)

    @property
    def module(self) -> str:
        if isinstance(self.target, str):
            return self.target.partition(":")[0]
        return self.target.__module__

    def capabilities(self) -> dict[str, Any] | None:
        """The ``[capabilities]`` table of the engine package's capabilities.toml, read without
        importing the engine (``find_spec`` of a top-level package locates without executing)."""
        if not isinstance(self.target, str):
            caps = getattr(self.target, "capabilities", None)
            return caps.as_dict() if caps is not None else None
        top = self.module.split(".")[0]
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        for location in spec.submodule_search_locations:
            path = Path(location) / "capabilities.toml"
            if path.is_file():
                data = tomllib.loads(path.read_text("utf-8"))
                caps = data.get("capabilities")
                return dict(caps) if isinstance(caps, dict) else None
        return None


class EngineRegistry:
    """Engines by storage-mode name; entry points are discovered from metadata on first use."""

    def __init__(self, discover: bool = True) -> None:
        self._entries: dict[str, EngineEntry] = {}
        self._discovered = not discover

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        for ep in md.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            self._entries.setdefault(
                ep.name,
                EngineEntry(
                    name=ep.name,
                    target=ep.value,
                    distribution=dist.name if dist is not None else None,
                    version=dist.version if dist is not None else None,
                ),
            )

    def register(self, name: str, target: str | type, *, replace: bool = False) -> None:
        """Add an engine in-process (a plugin's ``mg_register_engines`` or a test)."""
        self._discover()
        if name in self._entries and not replace:
            raise ValueError(f"engine {name!r} is already registered")
        version = getattr(target, "__version__", None) if not isinstance(target, str) else None
        self._entries[name] = EngineEntry(name=name, target=target, version=version)

    def names(self) -> list[str]:
        self._discover()
        return sorted(self._entries)

    def entries(self) -> Iterator[EngineEntry]:
        self._discover()
        for name in sorted(self._entries):
            yield self._entries[name]

    def entry(self, name: str) -> EngineEntry:
        self._discover()
        try:
            return self._entries[name]
        except KeyError:
            installed = ", ".join(sorted(self._entries)) or "none"
            raise EngineNotFound(
                f"No storage engine named {name!r} is installed (installed engines: {installed}). "
                f"Install one, e.g. `pip install mgcore-engine-in-memory-tx`, or choose another "
                f"--storage-mode."
            ) from None

    def load(self, name: str) -> type:
        """Import the engine class and check it against the contract."""
        entry = self.entry(name)
        if entry._loaded is not None:
            return entry._loaded
        if isinstance(entry.target, str):
            module_name, _, attr = entry.target.partition(":")
            try:
                obj: Any = importlib.import_module(module_name)
                for part in attr.split("."):
                    obj = getattr(obj, part)
            except Exception as exc:  # a broken engine must fail clearly, not crash the kernel
                raise EngineIncompatible(
                    f"Storage engine {name!r} ({entry.target}) failed to load: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        else:
            obj = entry.target
        check_engine_class(name, obj)
        entry._loaded = obj
        return obj


def check_engine_class(name: str, cls: Any) -> None:
    """Raise ``EngineIncompatible`` unless ``cls`` looks like a StorageEngine of this API."""
    if not isinstance(cls, type):
        raise EngineIncompatible(f"Storage engine {name!r} is not a class: {cls!r}")
    version = getattr(cls, "api_version", None)
    if version != API_VERSION:
        raise EngineIncompatible(
            f"Storage engine {name!r} implements engine API version {version}, but this mgcore "
            f"requires version {API_VERSION}; install a matching version of the engine."
        )
    missing = missing_members(cls, ENGINE_METHODS)
    if not hasattr(cls, "schema"):
        missing.append("schema")
    if getattr(cls, "capabilities", None) is None:
        missing.append("capabilities")
    if missing:
        raise EngineIncompatible(
            f"Storage engine {name!r} does not implement the engine contract; missing: "
            f"{', '.join(missing)}"
        )
    declared = getattr(cls, "name", None)
    if declared != name:
        raise EngineIncompatible(
            f"Storage engine registered as {name!r} declares the name {declared!r}"
        )
