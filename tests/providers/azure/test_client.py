"""Client safety: a bearer token never travels over plain http except to this machine."""

from __future__ import annotations

import pytest

from providers.azure import AzureProvider
from providers.azure.client import Settings, StaticToken
from scanner.plugins import CollectionFailure
from tests.providers.azure.support import FakeCredential


def test_plain_http_to_another_host_is_refused_before_sending() -> None:
    credential = FakeCredential()
    provider = AzureProvider(Settings(endpoint="http://govscan.invalid", credential=credential, retry_total=0))
    with pytest.raises(CollectionFailure) as caught:
        list(provider.plan({}))
    assert caught.value.operation == "Microsoft.Resources/subscriptions/read"
    assert "fake-token" not in caught.value.reason


def test_anonymous_token_is_a_fixed_dummy(monkeypatch: pytest.MonkeyPatch) -> None:
    from providers.azure.client import credential

    monkeypatch.setenv("GOVSCAN_AZURE_ANONYMOUS", "1")
    chosen = credential(Settings())
    assert isinstance(chosen, StaticToken) and chosen.get_token("x").token == "anonymous"


def test_endpoint_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSCAN_AZURE_ENDPOINT", "http://127.0.0.1:1/")
    assert Settings.from_target({}).endpoint == "http://127.0.0.1:1"
    assert Settings.from_target({"endpoint": "https://management.example"}).endpoint == "https://management.example"
    monkeypatch.delenv("GOVSCAN_AZURE_ENDPOINT")
    assert Settings.from_target({}).endpoint == "https://management.azure.com"


def test_default_credential_gets_the_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    """DefaultAzureCredential itself never runs in a test: a stub records what it would be given."""
    import azure.identity

    from providers.azure.client import credential

    seen: dict[str, object] = {}

    class Stub:
        def __init__(self, **kwargs: object) -> None:
            seen.update(kwargs)

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", Stub)
    monkeypatch.delenv("GOVSCAN_AZURE_ANONYMOUS", raising=False)
    assert isinstance(credential(Settings(tenant="1111")), Stub)
    assert seen["workload_identity_tenant_id"] == "1111" and seen["shared_cache_tenant_id"] == "1111"
