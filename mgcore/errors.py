"""The error hierarchy of mgcore, with the status codes Memgraph sends over Bolt.

Every error a user can see is an ``MgError``. Its ``code`` is the Bolt status code, ``tck_type``
names the openCypher TCK error kind (``SyntaxError``, ``TypeError``, ...) so the conformance suite
can check it, and ``retryable`` says whether a driver may retry the transaction.

Status codes. Memgraph sends four generic codes (design/memgraph.md section 5); mgcore sends the
same ones, except where Neo4j has a more specific code of the same class: syntax, semantic, type,
argument and arithmetic errors, missing entities and parameters, unknown procedures and databases
and constraint violations get ``Neo.ClientError.<Category>.<Title>``. The neo4j drivers then raise
their specific subclasses (``CypherSyntaxError``, ``CypherTypeError``, ``ConstraintError``), which
are still ``ClientError``s, so code written for Memgraph's generic code keeps working; pymgclient
and gqlalchemy look only at the class (``ClientError``) and raise exactly what they raise for
Memgraph. Conflicts and timeouts keep Memgraph's ``TransientError`` code, so drivers retry them.
"""

from __future__ import annotations

CLIENT_ERROR = "Memgraph.ClientError.MemgraphError.MemgraphError"
TRANSIENT_ERROR = "Memgraph.TransientError.MemgraphError.MemgraphError"
DATABASE_ERROR = "Memgraph.DatabaseError.MemgraphError.MemgraphError"
UNAUTHENTICATED = "Memgraph.ClientError.Security.Unauthenticated"


def _neo4j(category: str, title: str) -> str:
    return f"Neo.ClientError.{category}.{title}"


class MgError(Exception):
    """Base of every error mgcore reports; unknown failures are DatabaseErrors."""

    code: str = DATABASE_ERROR
    tck_type: str = "DatabaseError"
    tck_detail: str | None = None
    """The TCK's error detail (``ProcedureNotFound``, ...) where a subclass names one; None
    when the error does not say (a conformance runner then checks only ``tck_type``)."""
    retryable: bool = False

    def __init__(self, message: str = "", *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if detail is not None:
            self.tck_detail = detail

    def __str__(self) -> str:
        return self.message


class ClientError(MgError):
    """The query or request is wrong; retrying it unchanged fails again."""

    code = CLIENT_ERROR
    tck_type = "ClientError"


class TransientError(MgError):
    """A failure that may succeed when retried (conflicts, timeouts, termination)."""

    code = TRANSIENT_ERROR
    tck_type = "TransientError"
    retryable = True


class DatabaseError(MgError):
    """An internal failure of the database (a bug, an I/O error)."""


class ConfigurationError(ClientError):
    """A setting is unknown, mistyped or has an invalid value."""

    tck_type = "ConfigurationError"


class AuthenticationError(ClientError):
    """Wrong or missing credentials."""

    code = UNAUTHENTICATED
    tck_type = "Unauthenticated"


class CypherSyntaxError(ClientError):
    """The query text does not parse; the message names line, column and what was expected."""

    code = _neo4j("Statement", "SyntaxError")
    tck_type = "SyntaxError"


class CypherSemanticError(ClientError):
    """The query parses but is invalid (unbound variable, misplaced aggregation, ...)."""

    code = _neo4j("Statement", "SemanticError")
    tck_type = "SemanticError"


class CypherTypeError(ClientError):
    """A value has the wrong type for an operation, at compile time or at run time."""

    code = _neo4j("Statement", "TypeError")
    tck_type = "TypeError"


class CypherArgumentError(ClientError):
    """A function or clause got an argument of the right type but an invalid value."""

    code = _neo4j("Statement", "ArgumentError")
    tck_type = "ArgumentError"


class CypherArithmeticError(ClientError):
    """Integer overflow, division by zero and similar arithmetic failures."""

    code = _neo4j("Statement", "ArithmeticError")
    tck_type = "ArithmeticError"


class EntityNotFound(ClientError):
    """A node or relationship used by the query no longer exists."""

    code = _neo4j("Statement", "EntityNotFound")
    tck_type = "EntityNotFound"


class ParameterMissing(ClientError):
    """The query uses a parameter that was not supplied."""

    code = _neo4j("Statement", "ParameterMissing")
    tck_type = "ParameterMissing"


class ProcedureError(ClientError):
    """A procedure is unknown, called with a wrong signature, or failed."""

    code = _neo4j("Procedure", "ProcedureCallFailed")
    tck_type = "ProcedureError"


class ProcedureNotFound(ProcedureError):
    """``CALL`` names a procedure that is not registered (at compile time)."""

    code = _neo4j("Procedure", "ProcedureNotFound")
    tck_detail = "ProcedureNotFound"


class IntegerOverflow(CypherSyntaxError):
    """An integer literal does not fit in 64 bits."""

    tck_detail = "IntegerOverflow"


class UnknownFunction(CypherSyntaxError):
    """A function call names no registered function (``Function 'x' doesn't exist.``)."""

    tck_detail = "UnknownFunction"


class InvalidNumberOfArguments(CypherSyntaxError):
    """A procedure is called with too few or too many arguments (at compile time)."""

    tck_detail = "InvalidNumberOfArguments"


class InvalidArgumentType(CypherSyntaxError):
    """An argument's type, known at compile time, does not fit the parameter's type."""

    tck_detail = "InvalidArgumentType"


class DatabaseNotFound(ClientError):
    """A request names a database the server does not have (the neo4j driver fails fast on
    this code when it fetches a routing table, instead of trying other routers)."""

    code = "Neo.ClientError.Database.DatabaseNotFound"


class TransactionError(ClientError):
    """A transaction was used in a state that does not allow the operation."""

    tck_type = "TransactionError"


class QueryTimeout(TransientError):
    """The query ran longer than the configured execution timeout."""

    tck_type = "TransientError"


class MemoryLimitExceeded(TransientError):
    """A query would take the process past ``--memory-limit``; its transaction is rolled back.
    Memgraph reports this as a TransientError with "Memory limit exceeded! ..."."""

    tck_type = "TransientError"
