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
