"""ON_DISK_TRANSACTIONAL's settings, declared through the ``mg_add_config`` hook (this module is
the distribution's ``mgcore.plugins`` entry point), and their parsing from
``EngineContext.settings``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mgcore import SettingSpec, hookimpl

MIB = 1 << 20

SETTINGS = (
    SettingSpec(
        "storage_on_disk_block_cache_mib", int, 64,
        "ON_DISK_TRANSACTIONAL: RocksDB's block cache (data read from disk) in MiB, shared by "
        "every column family, index and filter blocks included.", minimum=1,
    ),
    SettingSpec(
        "storage_on_disk_write_buffer_mib", int, 64,
        "ON_DISK_TRANSACTIONAL: memory for RocksDB's memtables (writes not yet flushed to "
        "disk) in MiB, over all column families.", minimum=2,
    ),
    SettingSpec(
        "storage_on_disk_transaction_memory_mib", int, 1024,
        "ON_DISK_TRANSACTIONAL: the most memory one transaction's writes may hold before it "
        "commits, in MiB (an estimate); a transaction that needs more fails with 'Memory limit "
        "exceeded'. 0 means no limit.", minimum=0,
    ),
)


@hookimpl
def mg_add_config() -> list[SettingSpec]:
    """The engine's settings (called once at start-up)."""
    return list(SETTINGS)


def setting(settings: Mapping[str, Any], name: str) -> Any:
    """A setting's value: what ``settings`` says, else its declared default (an engine opened
    without the plugin's hook having run, as by the conformance suite)."""
    value = settings.get(name)
    if value is None or value == "":
        for spec in SETTINGS:
            if spec.name == name:
                return spec.default
        raise KeyError(name)
    return value
