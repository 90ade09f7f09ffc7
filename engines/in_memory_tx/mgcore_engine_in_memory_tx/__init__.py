"""IN_MEMORY_TRANSACTIONAL: mgcore's default storage engine (MVCC with undo deltas)."""

__version__ = "0.1.0"
