"""Bolt's message framing: messages split into chunks of at most 65,535 bytes, each preceded by
its big-endian u16 size, and ended by an empty chunk (``00 00``). An empty chunk between
messages is a NOOP keep-alive."""

from __future__ import annotations

MAX_CHUNK = 0xFFFF
END = b"\x00\x00"


class FramingError(ValueError):
    """The byte stream is not valid Bolt framing (or a message is over the size limit)."""


def frame(message: bytes | bytearray | memoryview, out: bytearray) -> None:
    """Append ``message`` to ``out`` as chunks and the end marker."""
    n = len(message)
    if n <= MAX_CHUNK:
        out += n.to_bytes(2, "big")
        out += message
    else:
        view = memoryview(message)
        for start in range(0, n, MAX_CHUNK):
            piece = view[start : start + MAX_CHUNK]
            out += len(piece).to_bytes(2, "big")
            out += piece
    out += END


class Dechunker:
    """Reassembles messages from chunks fed in arbitrary pieces.

    ``feed(data)`` returns the messages completed by ``data``, in order; NOOPs are dropped. A
    message growing past ``max_message_size`` raises FramingError, so a client cannot make the
    server buffer without bound.
    """

    def __init__(self, max_message_size: int) -> None:
        self.max_message_size = max_message_size
        self._buffer = bytearray()
        self._message = bytearray()
        self._in_message = False

    @property
    def idle(self) -> bool:
        """Whether no partial message or chunk is buffered."""
        return not self._buffer and not self._in_message

    def feed(self, data: bytes) -> list[bytes]:
        buffer = self._buffer
        buffer += data
        messages: list[bytes] = []
        pos = 0
        end = len(buffer)
        while end - pos >= 2:
            size = (buffer[pos] << 8) | buffer[pos + 1]
            if size == 0:
                pos += 2
                if self._in_message:
                    messages.append(bytes(self._message))
                    self._message.clear()
                    self._in_message = False
                continue
            if end - pos - 2 < size:
                if len(self._message) + size > self.max_message_size:
                    raise FramingError(
                        f"message larger than the limit of {self.max_message_size} bytes"
                    )
                break
            if len(self._message) + size > self.max_message_size:
                raise FramingError(
                    f"message larger than the limit of {self.max_message_size} bytes"
                )
            self._message += buffer[pos + 2 : pos + 2 + size]
            self._in_message = True
            pos += 2 + size
        if pos:
            del buffer[:pos]
        return messages
