"""IN_MEMORY_ANALYTICAL: the in-memory store without undo deltas, MVCC or WAL (Memgraph's
analytical storage mode, for fast imports and analytics)."""

__version__ = "0.1.0"
