"""The bundled demo: seeds without network, yields the scan job, and leaves the process as it found it."""

from __future__ import annotations

import os
import time

from botocore import handlers

from providers.aws.demo import REGIONS, environment


def test_demo_environment_seeds_fast_and_restores_everything(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_PROFILE", "someone-else")
    started = time.monotonic()
    with environment() as jobs:
        seconds = time.monotonic() - started
        assert jobs == [("aws", {"regions": ",".join(REGIONS), "max_attempts": 2})]
        assert "AWS_PROFILE" not in os.environ  # fake keys only (moto sets its own inside mock_aws)
        import boto3

        names = {b["Name"] for b in boto3.client("s3", region_name="ap-northeast-1").list_buckets()["Buckets"]}
        assert {"gov-data", "repl-abroad", "overseas-copy", "eu-archive", "open-data"} <= names
    assert os.environ["AWS_PROFILE"] == "someone-else"
    assert not [h for h in handlers.BUILTIN_HANDLERS if h[0] == "before-send.accessanalyzer.ListAnalyzers"]
    assert seconds < 60  # a few seconds on an idle machine; generous for a loaded CI runner
