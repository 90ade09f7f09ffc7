"""ON_DISK_TRANSACTIONAL: the graph in RocksDB, snapshot isolation with optimistic conflict
detection at commit (Memgraph's on-disk storage mode)."""

__version__ = "0.1.0"
