"""CloudFront distributions as `cdn.distribution` (location `global`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import pages
from providers.aws.normalize import resource
from providers.aws.session import GLOBAL, Scope
from scanner.model import CollectionError, Resource

SECURE_VIEWER = ("redirect-to-https", "https-only")


def collect_distributions(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Every distribution of the account."""
    cf = scope.client("cloudfront", "us-east-1")
    for dist in pages(cf, "list_distributions", "DistributionList.Items"):
        yield normalize_distribution(dist, scope.account)


def normalize_distribution(dist: Mapping[str, Any], account: str) -> Resource:
    """Pure: one ListDistributions item ."""
    behaviors = [dist.get("DefaultCacheBehavior", {}), *list((dist.get("CacheBehaviors") or {}).get("Items") or [])]
    cert = dist.get("ViewerCertificate") or {}
    if cert.get("CloudFrontDefaultCertificate"):
        min_tls = "1.0"  # the *.cloudfront.net certificate accepts TLSv1
    else:
        protocol = str(cert.get("MinimumProtocolVersion", "TLSv1"))
        min_tls = protocol.removeprefix("TLSv").split("_")[0] or "1.0"
        min_tls = "1.0" if min_tls in ("1", "SSLv3") else min_tls
    return resource("cdn.distribution", "AWS::CloudFront::Distribution", dist["ARN"], dist.get("DomainName", dist["Id"]),
                    account, GLOBAL, {
                        "https_only": all(b.get("ViewerProtocolPolicy") in SECURE_VIEWER for b in behaviors),
                        "tls.min_version": min_tls,
                        "waf": bool(dist.get("WebACLId")),
                    })
