"""Azure Resource Graph: one KQL query over a batch of subscriptions, paged with $skipToken."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from providers.azure.client import Clients
from providers.azure.errors import is_forbidden, reason
from scanner.model import CollectionError
from scanner.plugins import CollectionFailure

OPERATION = "Microsoft.ResourceGraph/resources/read"
TABLE_OPERATIONS = {
    "resources": "Microsoft.ResourceGraph/resources/read",
    "securityresources": "Microsoft.ResourceGraph/resources/read",
    "policyresources": "Microsoft.ResourceGraph/resources/read",
    "resourcecontainers": "Microsoft.ResourceGraph/resources/read",
}
PROJECTION = "project id, name, type, location, subscriptionId, resourceGroup, sku, kind, properties, tags, zones"


def kql(table: str, types: Sequence[str], projection: str = PROJECTION) -> str:
    """A query for the given resource types of one table (types compared case-insensitively)."""
    listed = ",".join(f"'{t}'" for t in types)
    return f"{table} | where type in~ ({listed}) | {projection} | order by id asc"


def pages(clients: Clients, subscriptions: Sequence[str], query: str, service: str) -> Iterator[list[dict[str, Any]]]:
    """Yield each page of rows; stop on a repeated or endless skip token with a CollectionFailure."""
    from azure.core.exceptions import AzureError
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    settings = clients.settings
    token: str | None = None
    seen: set[str] = set()
    last = ""  # queries are ordered by id: a page that does not move past the last id is a stuck token
    for number in range(1, settings.max_pages + 1):
        request = QueryRequest(
            subscriptions=list(subscriptions),
            query=query,
            options=QueryRequestOptions(result_format="objectArray", top=settings.page_size, skip_token=token),
        )
        try:
            reply = clients.graph.resources(request)
        except AzureError as exc:
            exc.govscan_page = number  # type: ignore[attr-defined]
            raise
        page = list(reply.data or [])
        first = str(page[0].get("id") or "").lower() if page and isinstance(page[0], dict) else ""
        if number > 1 and first and first <= last:
            raise CollectionFailure(OPERATION, f"{service}: page {number} repeats earlier rows (the skip token does not advance)")
        if page and isinstance(page[-1], dict):
            last = str(page[-1].get("id") or "").lower() or last
        yield page
        token = reply.skip_token
        if not token:
            return
        if token in seen:
            raise CollectionFailure(OPERATION, f"{service}: the skip token repeated on page {number} (paging stopped)")
        seen.add(token)
    raise CollectionFailure(OPERATION, f"{service}: more than {settings.max_pages} pages (paging stopped)")


def rows(
    clients: Clients, subscriptions: Sequence[str], query: str, service: str
) -> Iterator[dict[str, Any] | CollectionError]:
    """Every row of a query over a batch. A permission error on the batch is narrowed down to the
    subscriptions that cause it: the others are still read, each refused one becomes an error."""
    from azure.core.exceptions import AzureError

    try:
        for page in pages(clients, subscriptions, query, service):
            yield from page
        return
    except AzureError as exc:
        first_page = getattr(exc, "govscan_page", 1) == 1  # rows already yielded must not come twice
        if not (is_forbidden(exc) and first_page):
            raise CollectionFailure(OPERATION, f"{service}: {reason(exc)}") from None
        if len(subscriptions) == 1:
            yield CollectionError("azure", subscriptions[0], service, "global", OPERATION, reason(exc))
            return
    half = len(subscriptions) // 2
    for part in (subscriptions[:half], subscriptions[half:]):
        yield from rows(clients, part, query, service)
