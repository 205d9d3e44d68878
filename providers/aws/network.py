"""Security groups, VPCs with their flow logs, and ELBv2 load balancers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages, tags_of
from providers.aws.normalize import fact, resource
from providers.aws.session import Scope
from scanner.kinds import FirewallRule
from scanner.model import CollectionError, Resource, Unknown

# Minimum TLS version of the ELB security policies (AWS documents the protocols of each policy).
SSL_POLICY_MIN_TLS = {
    "ELBSecurityPolicy-2016-08": "1.0",
    "ELBSecurityPolicy-2015-05": "1.0",
    "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
    "ELBSecurityPolicy-FS-2018-06": "1.0",
    "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1",
    "ELBSecurityPolicy-FS-1-1-2019-08": "1.1",
    "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2",
    "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08": "1.2",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06": "1.2",
    "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3",
}


def collect_security_groups(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Security groups as `network.firewall`."""
    ec2 = scope.client("ec2", region)
    for group in pages(ec2, "describe_security_groups", "SecurityGroups"):
        yield normalize_security_group(group, scope.account, region)


def normalize_security_group(group: Mapping[str, Any], account: str, region: str) -> Resource:
    """Pure: one DescribeSecurityGroups item with its ingress as FirewallRule records."""
    gid = group["GroupId"]
    return resource("network.firewall", "AWS::EC2::SecurityGroup",
                    f"arn:aws:ec2:{region}:{account}:security-group/{gid}", group.get("GroupName", gid), account, region,
                    {"ingress": ingress_rules(group.get("IpPermissions", [])), "is_default": group.get("GroupName") == "default",
                     "default_action": "deny"}, tags_of(group.get("Tags")))


def ingress_rules(permissions: list[Mapping[str, Any]]) -> list[FirewallRule]:
    """IpPermissions as FirewallRule records (one per permission, all its sources)."""
    rules = []
    for perm in permissions:
        protocol = str(perm.get("IpProtocol", "-1"))
        protocol = "all" if protocol == "-1" else protocol
        sources = [r["CidrIp"] for r in perm.get("IpRanges", []) if "CidrIp" in r]
        sources += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []) if "CidrIpv6" in r]
        sources += [p["GroupId"] for p in perm.get("UserIdGroupPairs", []) if "GroupId" in p]
        sources += [p["PrefixListId"] for p in perm.get("PrefixListIds", []) if "PrefixListId" in p]
        low = perm.get("FromPort")
        high = perm.get("ToPort")
        if protocol == "all" or low in (None, -1):
            low, high = None, None
        label = f"{protocol}:{'all' if low is None else low}-{'all' if high is None else high} from {','.join(sources)}"
        rules.append(FirewallRule(protocol, low, high, tuple(sources), True, label))
    return rules


def collect_vpcs(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """VPCs as `network.vpc`, with flow logs."""
    ec2 = scope.client("ec2", region)
    vpcs = list(pages(ec2, "describe_vpcs", "Vpcs"))
    if not vpcs:
        return
    logs = call(ec2, "describe_flow_logs")
    if isinstance(logs, Failed):
        yield scope.error("ec2", region, logs, ("network.vpc",))
    for vpc in vpcs:
        yield normalize_vpc(vpc, logs, scope.account, region)


def normalize_vpc(vpc: Mapping[str, Any], flow_logs: Reply | Failed, account: str, region: str) -> Resource:
    """Pure: a DescribeVpcs item and the region's DescribeFlowLogs reply."""
    vid = vpc["VpcId"]
    tags = tags_of(vpc.get("Tags"))
    active = fact(flow_logs, lambda r: any(f.get("ResourceId") == vid and f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"
                                           for f in r.get("FlowLogs", [])))
    return resource("network.vpc", "AWS::EC2::VPC", f"arn:aws:ec2:{region}:{account}:vpc/{vid}", tags.get("Name", vid),
                    account, region, {"flow_logs": active, "is_default": bool(vpc.get("IsDefault"))}, tags)


def collect_load_balancers(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """ELBv2 load balancers as `network.loadbalancer`."""
    elb = scope.client("elbv2", region)
    for lb in pages(elb, "describe_load_balancers", "LoadBalancers"):
        arn = lb["LoadBalancerArn"]
        listeners = call(elb, "describe_listeners", LoadBalancerArn=arn)
        attributes = call(elb, "describe_load_balancer_attributes", LoadBalancerArn=arn)
        waf: Reply | Failed = Failed("wafv2:GetWebACLForResource", "NotApplicable")
        if lb.get("Type") == "application":
            waf = call(scope.client("wafv2", region), "get_web_acl_for_resource", ResourceArn=arn)
        for reply in (listeners, attributes, waf):
            if isinstance(reply, Failed) and reply.denied:
                yield scope.error("elbv2", region, reply, ("network.loadbalancer",))
        yield normalize_load_balancer(lb, listeners, attributes, waf, scope.account, region)


def normalize_load_balancer(lb: Mapping[str, Any], listeners: Reply | Failed, attributes: Reply | Failed,
                            waf: Reply | Failed, account: str, region: str) -> Resource:
    """Pure: a load balancer with its listeners, attributes and WAF association."""
    attrs: dict[str, Any] = {
        "public": lb.get("Scheme") == "internet-facing",
        "https_only": fact(listeners, lambda r: all(_listener_secure(x) for x in r.get("Listeners", []))),
        "access_logging": fact(attributes, lambda r: any(
            a.get("Key") == "access_logs.s3.enabled" and a.get("Value") == "true" for a in r.get("Attributes", []))),
    }
    if isinstance(listeners, Failed):
        attrs["tls.min_version"] = listeners.unknown()
    else:
        versions = [_min_tls(x["SslPolicy"]) for x in listeners.get("Listeners", [])
                    if x.get("SslPolicy") and x.get("Protocol") in ("HTTPS", "TLS")]
        if versions:
            unknown = next((v for v in versions if isinstance(v, Unknown)), None)
            attrs["tls.min_version"] = unknown if unknown is not None else min(v for v in versions if isinstance(v, str))
    if not (isinstance(waf, Failed) and waf.code == "NotApplicable"):
        attrs["waf"] = fact(waf, lambda r: bool(r.get("WebACL")))
    return resource("network.loadbalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", lb["LoadBalancerArn"],
                    lb.get("LoadBalancerName", ""), account, region, attrs)


def _listener_secure(listener: Mapping[str, Any]) -> bool:
    if listener.get("Protocol") in ("HTTPS", "TLS"):
        return True
    return any(a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
               for a in listener.get("DefaultActions", []))


def _min_tls(policy: str) -> str | Unknown:
    return SSL_POLICY_MIN_TLS.get(policy) or Unknown(f"unrecognised SSL policy {policy}")
