"""One small program per fault class found when running public Pulumi programs offline (written here, not fetched):
unknown outputs under preview, data sources, StackReference, remote components, resource references, offline limits
and secure values."""

from __future__ import annotations

import base64

import pytest

from rollout.errors import OfflineLimitError, ProgramError, UserError
from rollout.model.inventory import UNKNOWN, Secret
from rollout.runtime.synth import synthesize
from tests.rollout.programs import write_program

STACK = "config:\n  aws:region: us-east-1\n"


def run(tmp_path, main: str, stack: str = STACK, name: str = "shopfront"):
    return synthesize(write_program(tmp_path / name, main, name=name, stacks={"dev": stack}), "dev")


def test_an_output_the_mocks_do_not_return_stays_unknown_and_callbacks_on_it_do_not_run(tmp_path) -> None:
    # Under an update every missing output was a known None and this callback crashed on None.data.
    inventory = run(tmp_path, '''
import pulumi, pulumi_aws as aws
role = aws.iam.Role("eks", assume_role_policy="{}")
cluster = aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={"subnet_ids": ["subnet-1", "subnet-2"]})
kubeconfig = cluster.certificate_authority.apply(lambda ca: "ca: " + ca.data)
pulumi.export("kubeconfig", kubeconfig)
pulumi.export("endpoint", cluster.endpoint)
''')
    assert inventory.outputs["kubeconfig"] is UNKNOWN
    assert isinstance(inventory.outputs["endpoint"], str)  # what the mocks return stays known


def test_identifier_outputs_the_class_declares_get_typed_placeholders(tmp_path) -> None:
    inventory = run(tmp_path, '''
import pulumi, pulumi_aws as aws
api = aws.apigateway.RestApi("api")
repo = aws.ecr.Repository("repo")
pulumi.export("invoke", api.execution_arn.apply(lambda arn: arn + "/*/*"))
pulumi.export("image", repo.repository_url.apply(lambda url: url + ":latest"))
''')
    assert inventory.outputs["invoke"].startswith("arn:aws:apigateway:us-east-1:") and \
        inventory.outputs["invoke"].endswith("/*/*")
    assert inventory.outputs["image"].endswith(":latest")


def test_data_sources_answer_their_declared_result_type_with_an_id(tmp_path) -> None:
    inventory = run(tmp_path, '''
import base64, pulumi, pulumi_aws as aws
ami = aws.ec2.get_ami(most_recent="true", owners=["amazon"], filters=[{"name": "name", "values": ["al2023-*"]}])
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
subnet = aws.ec2.get_subnet(id=subnets.ids[0])
group = aws.ec2.get_security_group(name="default", vpc_id=vpc.id)
zone = aws.route53.get_zone(name="example.com")
token = aws.ecr.get_authorization_token()
user, password = base64.b64decode(token.authorization_token).decode().split(":")
pulumi.export("facts", {"mostRecent": ami.most_recent, "vpc": vpc.id, "cidr": vpc.cidr_block,
                        "subnets": subnets.ids, "subnetVpc": subnet.vpc_id, "group": group.id, "zone": zone.zone_id,
                        "zoneName": zone.name, "user": user, "endpoint": token.proxy_endpoint})
''')
    facts = inventory.outputs["facts"]
    assert facts["mostRecent"] is True  # "true" coerced to the declared bool
    assert all(facts[k] for k in ("vpc", "group", "zone", "subnetVpc"))
    assert facts["cidr"] == "172.31.0.0/16" and len(facts["subnets"]) == 2
    assert facts["zoneName"] == "example.com" and facts["user"] == "AWS"
    assert facts["endpoint"] == "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"


def test_stack_reference_outputs_are_unknown_unless_the_stack_file_gives_them(tmp_path) -> None:
    main = '''
import pulumi
network = pulumi.StackReference("acme/network/prod")
pulumi.export("vpc", network.get_output("vpcId"))
pulumi.export("required", network.require_output("vpcId"))
pulumi.export("missing", network.get_output("nothing"))
'''
    unknown = run(tmp_path, main, name="a")
    assert unknown.outputs == {"vpc": UNKNOWN, "required": UNKNOWN, "missing": UNKNOWN}
    given = run(tmp_path, main, STACK + "  rollout:stackReferences:\n    acme/network/prod:\n      vpcId: vpc-0abc\n",
                name="b")
    assert given.outputs == {"vpc": "vpc-0abc", "required": "vpc-0abc", "missing": None}


def test_remote_components_return_no_outputs_and_are_counted(tmp_path) -> None:
    inventory = run(tmp_path, '''
import pulumi
class Vpc(pulumi.ComponentResource):
    def __init__(self, name, nat_gateways):
        super().__init__("awsx:ec2:Vpc", name, {"natGateways": nat_gateways, "vpcId": None}, None, remote=True)
vpc = Vpc("vpc", {"strategy": "Single"})
pulumi.export("natGateways", vpc.natGateways)
pulumi.export("vpcId", vpc.vpcId)
''')
    assert inventory.outputs == {"natGateways": UNKNOWN, "vpcId": UNKNOWN}  # not the inputs echoed back
    component = next(r for r in inventory if r.type == "awsx:ec2:Vpc")
    assert component.remote and component.inputs["natGateways"] == {"strategy": "Single"}
    assert inventory.remote_components() == {"awsx": 1}
    assert inventory.remote_note().startswith("1 remote component (1 of awsx): the resources they create")


@pytest.mark.parametrize("attempt", range(3))
def test_resource_objects_passed_as_inputs_are_recorded_as_urns(tmp_path, attempt: int) -> None:
    # Deserializing resource references on the mock monitor's executor thread failed now and then with
    # "Future attached to a different loop" (pulumi/pulumi#6561); they reach the mocks as URNs now.
    inventory = run(tmp_path, '''
import pulumi, pulumi_aws as aws
bucket = aws.s3.Bucket("assets")
class Site(pulumi.ComponentResource):
    def __init__(self, name, bucket):
        super().__init__("shop:web:Site", name, {"bucket": bucket})
        self.register_outputs({})
Site("site", bucket)
thing = pulumi.CustomResource("acme:index:Thing", "thing", {"target": bucket, "targets": [bucket]})
pulumi.export("target", thing.target)
''', name=f"refs{attempt}")
    bucket = next(r for r in inventory if r.name == "assets")
    thing = next(r for r in inventory if r.name == "thing")
    assert thing.inputs == {"target": bucket.urn, "targets": [bucket.urn]}
    assert next(r for r in inventory if r.name == "site").inputs["bucket"] == bucket.urn
    assert inventory.outputs["target"] == bucket.urn


def test_a_data_source_no_sdk_declares_is_an_offline_limit_naming_it(tmp_path) -> None:
    with pytest.raises(OfflineLimitError) as error:
        run(tmp_path, '''
import pulumi
answer = pulumi.runtime.invoke("acme:index/getEndpoint:getEndpoint", {"name": "shop"})
endpoint = answer.value["endpoint"]
''')
    message = str(error.value)
    assert "data source acme:index/getEndpoint:getEndpoint" in message and "KeyError" in message
    assert error.value.exit_code == 3 and ProgramError.exit_code == 2


SECURE_STACK = STACK + "  shopfront:dbPassword:\n    secure: v1:AAAA\n  shopfront:sshKey:\n    secure: v1:BBBB\n"
SECURE_MAIN = '''
import base64, pulumi, pulumi_aws as aws
config = pulumi.Config()
key = base64.b64decode(config.require("sshKey")).decode()
aws.rds.Instance("db", instance_class="db.t4g.micro", engine="postgres", allocated_storage=20,
                 password=config.require_secret("dbPassword"))
pulumi.export("keyLength", len(key))
'''


def test_secure_values_take_offline_stand_ins_and_stay_secret(tmp_path) -> None:
    stand_in = base64.b64encode(b"ssh-ed25519 AAAA offline").decode()
    inventory = run(tmp_path, SECURE_MAIN, SECURE_STACK + f"  rollout:offlineValues:\n    sshKey: {stand_in}\n"
                    "    shopfront:dbPassword: not-the-real-one\n")
    db = next(r for r in inventory if r.name == "db")
    assert db.inputs["password"] == Secret("not-the-real-one")
    assert inventory.outputs["keyLength"] == len("ssh-ed25519 AAAA offline")


def test_a_secure_value_without_a_stand_in_is_named_when_the_program_fails(tmp_path) -> None:
    with pytest.raises(ProgramError) as error:
        run(tmp_path, SECURE_MAIN, SECURE_STACK)
    assert "shopfront:dbPassword, shopfront:sshKey" in str(error.value)
    assert "rollout:offlineValues" in str(error.value)


def test_a_stand_in_for_a_key_that_is_not_secure_is_bad_input(tmp_path) -> None:
    with pytest.raises(UserError, match=r"rollout:offlineValues.region: not a secure value of this stack"):
        run(tmp_path, SECURE_MAIN, SECURE_STACK + "  rollout:offlineValues:\n    region: x\n")
