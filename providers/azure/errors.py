"""Azure SDK errors as short, structured reasons (status and error code; never a credential)."""

from __future__ import annotations

from typing import Any

FORBIDDEN = {"AuthorizationFailed", "Forbidden", "AuthorizationPermissionMismatch", "InsufficientAccountPermissions"}


def status_and_code(exc: BaseException) -> tuple[int | None, str]:
    """The HTTP status and the ARM error code of an SDK exception, read structurally."""
    status = getattr(exc, "status_code", None)
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) or ""
    return status, str(code)


def is_forbidden(exc: BaseException) -> bool:
    """True for a permission error (403, or an ARM authorization error code)."""
    status, code = status_and_code(exc)
    return status == 403 or code in FORBIDDEN


def reason(exc: BaseException) -> str:
    """`HTTP 403 AuthorizationFailed` or `ServiceResponseError` and the first line of its message."""
    status, code = status_and_code(exc)
    if status is not None:
        return f"HTTP {status} {code}".strip()
    message: Any = getattr(exc, "message", None) or str(exc)
    first = str(message).splitlines()[0][:200] if message else ""
    return f"{type(exc).__name__}: {first}".rstrip(": ")
