"""The VPC the data stores (and later the web tier) live in.

Public and private subnets over 2–3 AZs (layout from `sizing.subnet_cidrs`, stable when an AZ is added), an
internet gateway, one shared NAT gateway (cheapest) or one per AZ (an AZ outage leaves the others online) once
something in the private subnets needs the internet (`internet_egress`; until then the private route tables have
no default route and no NAT gateway is billed), an S3 gateway endpoint (S3 traffic bypasses the NAT: free and
private), the default security group stripped of all rules, and VPC flow logs into a KMS-encrypted log group with
a year of retention.

Routing: one public route table and one private table per AZ, none with inline `routes`. Every route is its own
aws.ec2.Route (`<name>-public-default` to the internet gateway, `<name>-private-<i>-default` to a NAT gateway), so
that routes added by others (the old server's peering routes, VPN route propagation: components/old_server.py)
live beside ours: pulumi-aws forbids mixing inline routes with Route resources on one table ("Doing so will cause
a conflict of rule settings and will overwrite rules", aws.ec2.RouteTable; control VPC-04). A table without
`routes` manages none inline ("omitting this argument is interpreted as ignoring any existing routes").

The tables are named `<name>-public-routes` and `<name>-private-routes-<i>`: stacks applied before held their routes
inline on tables named `<name>-public` / `<name>-private-<i>`, and a separate route to the same destination on
those would fail (RouteAlreadyExists). So their next `pulumi up` creates the new tables with every route (a new S3
endpoint `<name>-s3-gateway` on them: see `_create_s3_endpoint`), moves each subnet with an in-place update of its
RouteTableAssociation (same names as before; EC2 ReplaceRouteTableAssociation switches the subnet from one table to
the other in one call, never leaving it without one), and deletes the old tables and the old endpoint `<name>-s3`
last (Pulumi deletes what left the program after every create and update).

A subnet must not move onto a table before that table holds every route: each association depends on its table's
default route and the S3 endpoint. A caller that adds routes of its own passes `defer_associations=True` and calls
`associate_subnets(after=[those routes])` once it has created them (phase 2 does, after the old server's link);
otherwise the constructor associates the subnets itself.

It also creates the `app` security group: what the application's servers carry. The cache and the database
allow ingress only from it (their own groups live in their components); the web tier adds ingress from its load
balancer. Nothing else is open.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
from pydantic import Field, ValidationInfo, field_validator

from components import sizing
from components._args import Args, StrInput

LOG_RETENTION_DAYS = frozenset({1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                                2557, 2922, 3288, 3653})


class NetworkArgs(Args):
    """The VPC's address space, AZ spread and NAT layout."""

    cidr: str = Field("10.40.0.0/16", description="VPC CIDR block (/16 to /24). Defaults to 10.40.0.0/16.")
    availability_zones: int = Field(2, ge=2, le=3, description="AZs to spread subnets over. Defaults to 2.")
    nat_gateways: int = Field(1, ge=1, le=3, description="NAT gateways: 1 shared, or one per AZ. Defaults to 1.")
    internet_egress: bool = Field(
        True, description="Build the NAT gateways and the private subnets' 0.0.0.0/0 route (false while nothing "
                          "in the private subnets needs the internet: no NAT is billed). Defaults to true.")
    flow_log_kms_key_arn: StrInput | None = Field(
        None, description="KMS key for the flow log group (its policy must allow logs.<region>.amazonaws.com). "
                          "Defaults to none (CloudWatch's own encryption).")
    flow_log_retention_days: int = Field(365, description="Flow log retention in days (a CloudWatch retention "
                                                          "value). Defaults to 365.")
    defer_associations: bool = Field(
        False, description="Leave the subnets' route table associations to `Network.associate_subnets(after=[...])`, "
                           "for a caller that adds routes of its own to `route_table_ids` (a peering or VPN route): "
                           "a subnet then moves onto its table only once those routes exist. Defaults to false "
                           "(associated in the constructor).")

    @field_validator("flow_log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(f"must be one of CloudWatch's retention values: {sorted(LOG_RETENTION_DAYS)}")
        return value

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        sizing.subnet_cidrs(value, 2)  # raises on a malformed block
        import ipaddress

        network = ipaddress.ip_network(value)
        if not network.is_private or not 16 <= network.prefixlen <= 24:
            raise ValueError("must be a private IPv4 block between /16 and /24")
        return value

    @field_validator("nat_gateways")
    @classmethod
    def _nat(cls, value: int, info: ValidationInfo) -> int:
        azs = info.data.get("availability_zones", 2)
        if value not in (1, azs):
            raise ValueError(f"must be 1 (shared) or {azs} (one per AZ)")
        return value


class Network(pulumi.ComponentResource):
    """VPC, subnets, routing, NAT, flow logs and the application security group."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    app_security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:network:Network", name, None, opts)
        self._name = name
        self._args = args
        public_cidrs, private_cidrs = sizing.subnet_cidrs(args.cidr, args.availability_zones)
        self._zones = aws.get_availability_zones_output(state="available",
                                                        opts=pulumi.InvokeOutputOptions(parent=self)).names

        self.vpc = self._create_vpc()
        self._create_default_security_group()
        self.public_subnets = [self._create_subnet("public", i, cidr) for i, cidr in enumerate(public_cidrs)]
        self.private_subnets = [self._create_subnet("private", i, cidr) for i, cidr in enumerate(private_cidrs)]
        self.internet_gateway = self._create_internet_gateway()
        self.public_route_table = self._create_route_table(f"{self._name}-public-routes")
        self.public_default_route = self._create_default_route(
            f"{self._name}-public-default", self.public_route_table, gateway_id=self.internet_gateway.id)
        self.nat_gateways = self._create_nat_gateways()
        self.nat_public_ips = [gateway.public_ip for gateway in self.nat_gateways]  # what outside firewalls admit
        """The NAT gateways' public addresses (empty while there is no internet egress)."""
        self.private_route_tables = [self._create_route_table(f"{self._name}-private-routes-{i + 1}")
                                     for i in range(len(self.private_subnets))]
        self.private_default_routes = self._create_private_default_routes(self.nat_gateways)
        """One 0.0.0.0/0 route per private table to its NAT gateway (none without internet egress)."""
        self.s3_endpoint = self._create_s3_endpoint(self.private_route_tables)
        self._create_flow_logs()
        self.app_security_group = self._create_app_security_group()

        self.vpc_id = self.vpc.id
        self.public_subnet_ids = [s.id for s in self.public_subnets]
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.app_security_group_id = self.app_security_group.id
        self.cidr = args.cidr
        self.route_table_ids = [self.public_route_table.id, *(t.id for t in self.private_route_tables)]
        """Every route table of the VPC: a peering or VPN route must reach the subnets of every tier."""
        self.route_table_associations: list[aws.ec2.RouteTableAssociation] = []
        """The subnets' associations, once `associate_subnets` has run (public first, then private)."""
        if not args.defer_associations:
            self.associate_subnets()
        self.register_outputs({"vpcId": self.vpc_id, "privateSubnetIds": self.private_subnet_ids,
                               "publicSubnetIds": self.public_subnet_ids,
                               "appSecurityGroupId": self.app_security_group_id})

    def associate_subnets(self, after: Sequence[pulumi.Resource] = ()) -> list[aws.ec2.RouteTableAssociation]:
        """Associate every subnet with its route table, after the table's own routes (the default route, the S3
        endpoint for the private tables) and after `after`: the routes a caller added to these tables (peering
        routes, VPN propagations). Once per Network; with `defer_associations` the caller must call it, or the
        subnets stay on the VPC's main route table (only the local route)."""
        if self.route_table_associations:
            raise RuntimeError(f"{self._name}: the subnets are already associated with their route tables")
        extra = list(after)
        associations = [
            aws.ec2.RouteTableAssociation(
                f"{self._name}-public-{i + 1}", subnet_id=subnet.id, route_table_id=self.public_route_table.id,
                opts=self._child(depends_on=[self.public_default_route, *extra]))
            for i, subnet in enumerate(self.public_subnets)]
        for i, subnet in enumerate(self.private_subnets):
            table_routes: list[pulumi.Resource] = [self.s3_endpoint, *self.private_default_routes[i:i + 1]]
            associations.append(aws.ec2.RouteTableAssociation(
                f"{self._name}-private-{i + 1}", subnet_id=subnet.id, route_table_id=self.private_route_tables[i].id,
                opts=self._child(depends_on=[*table_routes, *extra])))
        self.route_table_associations = associations
        return associations

    def _child(self, **options) -> pulumi.ResourceOptions:  # type: ignore[no-untyped-def]
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_vpc(self) -> aws.ec2.Vpc:
        return aws.ec2.Vpc(self._name, cidr_block=self._args.cidr, enable_dns_hostnames=True, enable_dns_support=True,
                           tags={"Name": self._name}, opts=self._child())

    def _create_default_security_group(self) -> aws.ec2.DefaultSecurityGroup:
        """Adopt the VPC's default group and remove its rules (CIS: nothing may use it by accident)."""
        return aws.ec2.DefaultSecurityGroup(f"{self._name}-default", vpc_id=self.vpc.id, ingress=[], egress=[],
                                            opts=self._child())

    def _create_subnet(self, tier: str, index: int, cidr: str) -> aws.ec2.Subnet:
        return aws.ec2.Subnet(
            f"{self._name}-{tier}-{index + 1}", vpc_id=self.vpc.id, cidr_block=cidr,
            availability_zone=self._zones.apply(lambda names, i=index: names[i]),
            map_public_ip_on_launch=False, tags={"Name": f"{self._name}-{tier}-{index + 1}", "Tier": tier},
            opts=self._child())

    def _create_internet_gateway(self) -> aws.ec2.InternetGateway:
        return aws.ec2.InternetGateway(f"{self._name}-igw", vpc_id=self.vpc.id, opts=self._child())

    def _create_route_table(self, name: str) -> aws.ec2.RouteTable:
        # No `routes` argument: the table manages no routes inline, so the Route resources on it (ours and a
        # peering's or VPN's) are never overwritten (pulumi-aws aws.ec2.RouteTable, and control VPC-04).
        return aws.ec2.RouteTable(name, vpc_id=self.vpc.id, tags={"Name": name}, opts=self._child())

    def _create_default_route(self, name: str, table: aws.ec2.RouteTable, **target: pulumi.Input[str]
                              ) -> aws.ec2.Route:
        return aws.ec2.Route(name, route_table_id=table.id, destination_cidr_block="0.0.0.0/0", **target,
                             opts=self._child())

    def _create_nat_gateways(self) -> list[aws.ec2.NatGateway]:
        """The NAT gateways and their Elastic IPs, only with internet egress (same names either way: turning egress
        on later creates them where they would always have been)."""
        gateways: list[aws.ec2.NatGateway] = []
        if not self._args.internet_egress:
            return gateways
        for i in range(self._args.nat_gateways):
            eip = aws.ec2.Eip(f"{self._name}-nat-{i + 1}", domain="vpc", opts=self._child())
            gateways.append(aws.ec2.NatGateway(f"{self._name}-nat-{i + 1}", allocation_id=eip.id,
                                               subnet_id=self.public_subnets[i].id, opts=self._child()))
        return gateways

    def _create_private_default_routes(self, nat_gateways: list[aws.ec2.NatGateway]) -> list[aws.ec2.Route]:
        """Each private table's 0.0.0.0/0 route to its AZ's NAT gateway (or the shared one). Without internet
        egress there is none: when egress is turned off, Pulumi deletes these routes with their NAT gateways, so
        no route is left pointing at a deleted gateway (a blackhole route)."""
        if not nat_gateways:
            return []
        return [self._create_default_route(f"{self._name}-private-{i + 1}-default", table,
                                           nat_gateway_id=nat_gateways[i % len(nat_gateways)].id)
                for i, table in enumerate(self.private_route_tables)]

    def _create_s3_endpoint(self, route_tables: list[aws.ec2.RouteTable]) -> aws.ec2.VpcEndpoint:
        """The S3 gateway endpoint on the private tables. Named `<name>-s3-gateway`, not `<name>-s3` as on stacks
        applied with the inline-route tables: moving that endpoint's route_table_ids would be one ModifyVpcEndpoint
        call that adds the new tables AND removes the old ones (terraform-provider-aws vpc_endpoint.go), before the
        subnets leave the old tables. A second gateway endpoint for the same service on other route tables is
        allowed (Amazon VPC User Guide, gateway endpoints: "You can also create multiple endpoints for a single
        service, and use different route tables"), so the old one keeps serving the old tables until Pulumi
        deletes it with them, after every subnet has moved."""
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        return aws.ec2.VpcEndpoint(f"{self._name}-s3-gateway", vpc_id=self.vpc.id, vpc_endpoint_type="Gateway",
                                   service_name=region.apply(lambda r: f"com.amazonaws.{r}.s3"),
                                   route_table_ids=[t.id for t in route_tables], opts=self._child())

    def _create_flow_logs(self) -> aws.ec2.FlowLog:
        log_group = aws.cloudwatch.LogGroup(f"{self._name}-flow-logs",
                                            retention_in_days=self._args.flow_log_retention_days,
                                            kms_key_id=self._args.flow_log_kms_key_arn, opts=self._child())
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        role = aws.iam.Role(
            f"{self._name}-flow-logs",
            assume_role_policy=account_id.apply(lambda account: json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})),
            opts=self._child())
        aws.iam.RolePolicy(
            f"{self._name}-flow-logs", role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [arn, f"{arn}:*"]}]})),
            opts=self._child())
        return aws.ec2.FlowLog(f"{self._name}-flow-logs", vpc_id=self.vpc.id, traffic_type="ALL",
                               log_destination_type="cloud-watch-logs", log_destination=log_group.arn,
                               iam_role_arn=role.arn, max_aggregation_interval=60, opts=self._child())

    def _create_app_security_group(self) -> aws.ec2.SecurityGroup:
        """Carried by the application servers: no ingress here, outbound HTTPS/any through the NAT."""
        group = aws.ec2.SecurityGroup(f"{self._name}-app", vpc_id=self.vpc.id,
                                      description="Application servers (clients of the cache and database)",
                                      opts=self._child())
        aws.vpc.SecurityGroupEgressRule(f"{self._name}-app-egress", security_group_id=group.id, ip_protocol="-1",
                                        cidr_ipv4="0.0.0.0/0", description="Outbound through the NAT gateway",
                                        opts=self._child())
        return group
