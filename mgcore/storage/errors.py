"""Errors raised by storage engines through the engine contract.

Engines raise these (never their own exception types) so that the kernel, the Bolt server and the
drivers see the same codes whatever engine runs.
"""

from __future__ import annotations

from typing import Any

from mgcore.errors import ClientError, ConfigurationError, DatabaseError, TransientError
from mgcore.storage.records import ConstraintSpec
from mgcore.values.types import type_name

SERIALIZATION_MESSAGE = (
    "Cannot resolve conflicting transactions. You can retry this transaction when the "
    "conflicting transaction is finished"
)


class StorageError(DatabaseError):
    """An engine failed in a way that is not the user's fault (I/O, corruption)."""


class SerializationError(TransientError):
    """A write-write conflict with a concurrent transaction; the transaction is aborted and may
    be retried (drivers retry it because it is a TransientError)."""

    def __init__(self, message: str = SERIALIZATION_MESSAGE) -> None:
        super().__init__(message)


class ConstraintViolation(ClientError):
    """A commit or a constraint creation would break an existence, uniqueness or data type
    constraint."""

    code = "Neo.ClientError.Schema.ConstraintValidationFailed"
    tck_type = "ConstraintValidationFailed"


def type_violation(spec: ConstraintSpec) -> ConstraintViolation:
    """A commit breaking a data type constraint, in Memgraph's words: ``IS TYPED INTEGER
    violation on Person(age)`` (``src/storage/v2/vertex_accessor.cpp``)."""
    assert spec.data_type is not None
    return ConstraintViolation(
        f"IS TYPED {spec.data_type.display} violation on {spec.label}({spec.properties[0]})"
    )


def type_creation_violation(spec: ConstraintSpec, gid: int, value: Any) -> ConstraintViolation:
    """Creating a data type constraint over a node violating it: Memgraph's message, then which
    node and what it holds (as the other constraints' creation messages name the node)."""
    assert spec.data_type is not None
    prop = spec.properties[0]
    return ConstraintViolation(
        f"Unable to create IS TYPED {spec.data_type.display} constraint on :{spec.label}({prop}), "
        f"because an existing node violates it. Node {gid} has a {type_name(value)} {prop}."
    )


class DeletedObjectError(ClientError):
    """A node or relationship deleted by this transaction was read or written."""

    code = "Neo.ClientError.Statement.EntityNotFound"
    tck_type = "EntityNotFound"


class NodeHasRelationshipsError(ClientError):
    """A node with relationships was deleted without DETACH."""

    code = "Neo.ClientError.Schema.ConstraintValidationFailed"
    tck_type = "ConstraintValidationFailed"

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Cannot delete node that has relationships; use DETACH DELETE to delete them too."
        )


class PropertiesOnEdgesDisabled(ClientError):
    """A property was set on a relationship while --storage-properties-on-edges is false."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "Can't set property because properties on edges are disabled.")


class TransactionClosedError(ClientError):
    """The transaction was already committed or rolled back."""

    tck_type = "TransactionError"


class ReadOnlyTransactionError(ClientError):
    """A write was attempted in a read-only transaction."""


class UnsupportedOperation(ClientError):
    """The engine does not declare the capability this operation needs."""


class EngineNotFound(ConfigurationError):
    """The configured storage mode has no installed engine; the message names the installed ones."""


class EngineIncompatible(ConfigurationError):
    """An installed engine does not implement this kernel's engine contract (api_version or a
    missing method), or a data directory belongs to another engine or format."""
