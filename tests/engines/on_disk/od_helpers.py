"""Helpers shared by the ON_DISK_TRANSACTIONAL engine-internal tests."""

from __future__ import annotations

from pathlib import Path

from rocksdict import BottommostLevelCompaction, CompactOptions

from mgcore_engine_on_disk.engine import OnDiskEngine


def store_size(engine: OnDiskEngine) -> int:
    """Bytes of the .sst files in the engine's RocksDB directory."""
    path = Path(engine._store.path)  # type: ignore[union-attr]
    return sum(p.stat().st_size for p in path.glob("*.sst"))


def compact(engine: OnDiskEngine) -> None:
    """Flush and fully compact every column family (rocksdict ``compact_range(None, None)``),
    forcing the bottommost level to be rewritten: by default RocksDB may move a freshly
    flushed file to the last level unchanged, deletion tombstones and all."""
    store = engine._store
    assert store is not None
    opts = CompactOptions()
    opts.set_bottommost_level_compaction(BottommostLevelCompaction.force())
    for family in store.cf.values():
        family.flush()
        family.compact_range(None, None, opts)


def cf_keys(engine: OnDiskEngine, family: str) -> list[bytes]:
    """Every key now stored in a column family (live data, in key order)."""
    return list(engine._store.cf[family].keys())  # type: ignore[union-attr]
