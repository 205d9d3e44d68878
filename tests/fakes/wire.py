"""Wire-level faults every fake server injects the same way."""

from __future__ import annotations

import socket
import struct
from http.server import BaseHTTPRequestHandler


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection with a TCP RST instead of a FIN (SO_LINGER with a zero timeout, then close)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def truncated(handler: BaseHTTPRequestHandler, body: bytes, content_type: str, missing: int) -> None:
    """Promise `missing` more bytes than are sent, then close: a body cut off mid-transfer."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body) + missing))
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
    handler.close_connection = True
