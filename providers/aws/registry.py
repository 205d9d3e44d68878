"""ECR repositories as `container.registry`, with the registry's replication destinations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages
from providers.aws.normalize import fact, resource, sorted_unique
from providers.aws.session import Scope
from scanner.model import CollectionError, Resource, Unknown


def collect_repositories(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Repositories in `region`; replication comes from the region's registry settings."""
    ecr = scope.client("ecr", region)
    repos = list(pages(ecr, "describe_repositories", "repositories"))
    if not repos:
        return
    registry = call(ecr, "describe_registry")
    if isinstance(registry, Failed):
        yield scope.error("ecr", region, registry, ("container.registry",))
    for repo in repos:
        encryption = repo.get("encryptionConfiguration") or {}
        at_rest: str | Unknown = "provider_key"
        if encryption.get("encryptionType", "AES256") != "AES256":
            at_rest = scope.at_rest(region, True, encryption.get("kmsKey")) if encryption.get("kmsKey") else "provider_key"
        yield normalize_repository(repo, registry, at_rest, scope.account, region)


def normalize_repository(repo: Mapping[str, Any], registry: Reply | Failed, at_rest: str | Unknown, account: str,
                         region: str) -> Resource:
    """Pure: a DescribeRepositories item plus the region's DescribeRegistry reply."""
    name = repo["repositoryName"]
    return resource("container.registry", "AWS::ECR::Repository", repo["repositoryArn"], name, account, region, {
        "replication.locations": fact(registry, lambda r: replication_regions(r, name)),
        "scan_on_push": bool((repo.get("imageScanningConfiguration") or {}).get("scanOnPush")),
        "immutable_tags": repo.get("imageTagMutability") == "IMMUTABLE",
        "encryption.at_rest": at_rest,
    })


def replication_regions(registry: Reply, repository: str) -> list[Any]:
    """Pure: destination regions of the registry replication rules that match `repository`."""
    out = []
    for rule in (registry.get("replicationConfiguration") or {}).get("rules", []):
        filters = rule.get("repositoryFilters") or []
        if filters and not any(repository.startswith(f.get("filter", "")) for f in filters):
            continue
        out += [d["region"] for d in rule.get("destinations", []) if d.get("region")]
    return sorted_unique(out)
