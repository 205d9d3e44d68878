"""RDS instances and clusters as `database.instance`; DynamoDB tables as `nosql.table`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, arn_region, call, pages, tags_of
from providers.aws.normalize import fact, resource, sorted_unique
from providers.aws.session import Scope
from scanner.model import CollectionError, Resource, Unknown


def collect_databases(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """RDS DB instances (cluster members are judged through their cluster) and Aurora/Multi-AZ clusters."""
    rds = scope.client("rds", region)
    for db in pages(rds, "describe_db_instances", "DBInstances"):
        if db.get("DBClusterIdentifier"):
            continue
        at_rest = scope.at_rest(region, db.get("StorageEncrypted"), db.get("KmsKeyId"))
        yield normalize_db_instance(db, at_rest, scope.account, region)
    for cluster in pages(rds, "describe_db_clusters", "DBClusters"):
        at_rest = scope.at_rest(region, cluster.get("StorageEncrypted"), cluster.get("KmsKeyId"))
        yield normalize_db_cluster(cluster, at_rest, scope.account, region)


def _replica_region(identifier: str, region: str) -> str | Unknown:
    # Same-region replicas are listed by name, cross-region ones by ARN.
    return arn_region(identifier) if identifier.startswith("arn:") else region


def normalize_db_instance(db: Mapping[str, Any], at_rest: str | Unknown, account: str, region: str) -> Resource:
    """Pure: one DescribeDBInstances item."""
    retention = int(db.get("BackupRetentionPeriod") or 0)
    replicas = [_replica_region(i, region) for i in db.get("ReadReplicaDBInstanceIdentifiers", [])]
    backup_copies = [arn_region(r.get("DBInstanceAutomatedBackupsArn", ""))
                     for r in db.get("DBInstanceAutomatedBackupsReplications", [])]
    attrs = {
        "encryption.at_rest": at_rest,
        "public": bool(db.get("PubliclyAccessible")),
        "high_availability": bool(db.get("MultiAZ")),
        "backup.enabled": retention > 0,
        "backup.retention_days": retention,
        "backup.locations": sorted_unique(([region] if retention > 0 else []) + backup_copies),
        "replication.locations": sorted_unique(replicas),
        "deletion_protection": bool(db.get("DeletionProtection")),
        "auto_minor_upgrade": bool(db.get("AutoMinorVersionUpgrade")),
    }
    return resource("database.instance", "AWS::RDS::DBInstance", db["DBInstanceArn"], db["DBInstanceIdentifier"],
                    account, region, attrs, tags_of(db.get("TagList")))


def normalize_db_cluster(cluster: Mapping[str, Any], at_rest: str | Unknown, account: str, region: str) -> Resource:
    """Pure: one DescribeDBClusters item."""
    retention = int(cluster.get("BackupRetentionPeriod") or 0)
    replicas = [_replica_region(i, region) for i in cluster.get("ReadReplicaIdentifiers", [])]
    zones = cluster.get("AvailabilityZones") or []
    attrs: dict[str, Any] = {
        "encryption.at_rest": at_rest,
        "public": any(bool(m.get("PubliclyAccessible")) for m in cluster.get("DBClusterMembers", []) if "PubliclyAccessible" in m)
        if any("PubliclyAccessible" in m for m in cluster.get("DBClusterMembers", []))
        else bool(cluster.get("PubliclyAccessible")),
        "high_availability": bool(cluster.get("MultiAZ")) or (len(cluster.get("DBClusterMembers", [])) > 1 and len(zones) > 1),
        "backup.enabled": retention > 0,
        "backup.retention_days": retention,
        "backup.locations": [region] if retention > 0 else [],
        "replication.locations": sorted_unique(replicas),
        "deletion_protection": bool(cluster.get("DeletionProtection")),
    }
    if "AutoMinorVersionUpgrade" in cluster:
        attrs["auto_minor_upgrade"] = bool(cluster["AutoMinorVersionUpgrade"])
    return resource("database.instance", "AWS::RDS::DBCluster", cluster["DBClusterArn"], cluster["DBClusterIdentifier"],
                    account, region, attrs, tags_of(cluster.get("TagList")))


def collect_tables(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """DynamoDB tables with encryption, PITR and global-table replicas."""
    ddb = scope.client("dynamodb", region)
    for name in pages(ddb, "list_tables", "TableNames"):
        table = call(ddb, "describe_table", TableName=name)
        backups = call(ddb, "describe_continuous_backups", TableName=name)
        for reply in (table, backups):
            if isinstance(reply, Failed):
                yield scope.error("dynamodb", region, reply, ("nosql.table",))
        at_rest: str | Unknown = _table_at_rest(scope, region, table)
        yield normalize_table(name, table, backups, at_rest, scope.account, region)


def _table_at_rest(scope: Scope, region: str, table: Reply | Failed) -> str | Unknown:
    if isinstance(table, Failed):
        return table.unknown()
    sse = table["Table"].get("SSEDescription")
    if not sse or sse.get("Status") not in ("ENABLED", "UPDATING"):
        return "provider_key"  # no SSEDescription: encrypted with an AWS-owned key
    key = sse.get("KMSMasterKeyArn")
    return scope.at_rest(region, True, key) if key else "provider_key"


def normalize_table(name: str, table: Reply | Failed, backups: Reply | Failed, at_rest: str | Unknown, account: str,
                    region: str) -> Resource:
    """Pure: DescribeTable and DescribeContinuousBackups replies."""
    arn = table["Table"]["TableArn"] if not isinstance(table, Failed) else f"arn:aws:dynamodb:{region}:{account}:table/{name}"
    attrs = {
        "encryption.at_rest": at_rest,
        "backup.pitr": fact(backups, lambda r: r["ContinuousBackupsDescription"].get("PointInTimeRecoveryDescription", {})
                            .get("PointInTimeRecoveryStatus") == "ENABLED"),
        "replication.locations": fact(table, lambda r: sorted_unique(
            [x["RegionName"] for x in r["Table"].get("Replicas", []) if x.get("RegionName") and x["RegionName"] != region])),
    }
    return resource("nosql.table", "AWS::DynamoDB::Table", arn, name, account, region, attrs)
