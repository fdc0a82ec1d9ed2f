"""Generate the benchmark's workload: a Pulumi Python program of N resources of mixed types, and an equivalent
Terraform file of the same N resources, both with the same known set of deliberate misconfigurations.

The resources come in units of ten (an SQS queue; an S3 bucket with its public access block, encryption,
versioning and policy; an RDS instance; a security group; an IAM role and its role policy). Which unit carries
which misconfiguration is a pure function of the unit's number, so the output is deterministic and the expected
findings are known (`expected.json`). Usage:

    .venv/bin/python bench/generate.py 1000 /tmp/bench-1000      # writes Pulumi.yaml, stack, __main__.py, main.tf
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

STACK = "bench"
REGION = "ap-southeast-1"
KINDS = ("queue", "bucket", "public_access_block", "encryption", "versioning", "bucket_policy", "database",
         "security_group", "role", "role_policy")

# Each deliberate misconfiguration: the resource kind that carries it, which units carry it, and what detects it.
# `rollout` lists control ids of policies/ (docs/controls.md); `checkov` lists Checkov check ids.
MISCONFIGURATIONS: dict[str, dict] = {
    "queue_unencrypted": {"kind": "queue", "every": 4, "offset": 1,
                          "rollout": ["SQS-01"], "checkov": ["CKV_AWS_27"]},
    "bucket_public_access_open": {"kind": "public_access_block", "every": 5, "offset": 2,
                                  "rollout": ["S3-01"], "checkov": ["CKV_AWS_54", "CKV_AWS_56"]},
    "bucket_not_kms": {"kind": "encryption", "every": 3, "offset": 0,
                       "rollout": ["S3-04"], "checkov": ["CKV_AWS_145"]},
    "bucket_unversioned": {"kind": "versioning", "every": 6, "offset": 3,
                           "rollout": ["S3-05"], "checkov": ["CKV_AWS_21"]},
    "bucket_policy_public": {"kind": "bucket_policy", "every": 7, "offset": 4,
                             "rollout": ["S3-02", "S3-03"], "checkov": ["CKV_AWS_70"]},
    "database_unencrypted": {"kind": "database", "every": 4, "offset": 2,
                             "rollout": ["RDS-01"], "checkov": ["CKV_AWS_16"]},
    "database_public": {"kind": "database", "every": 5, "offset": 0,
                        "rollout": ["RDS-02"], "checkov": ["CKV_AWS_17"]},
    "database_no_backups": {"kind": "database", "every": 6, "offset": 5,
                            "rollout": ["RDS-04"], "checkov": ["CKV_AWS_133"]},
    "ssh_open_to_world": {"kind": "security_group", "every": 3, "offset": 1,
                          "rollout": [], "checkov": ["CKV_AWS_24"]},
    "role_policy_admin": {"kind": "role_policy", "every": 5, "offset": 3,
                          "rollout": ["IAM-01", "IAM-03"], "checkov": ["CKV_AWS_63", "CKV_AWS_355", "CKV_AWS_62",
                                                                        "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288",
                                                                        "CKV_AWS_289", "CKV_AWS_290"]},
    "role_trust_open": {"kind": "role", "every": 8, "offset": 6,
                        "rollout": ["IAM-04"], "checkov": ["CKV_AWS_60"]},
}


@dataclass(frozen=True)
class Spec:
    """One resource of the workload: its kind, unit number, and the misconfigurations it carries."""

    kind: str
    unit: int
    flaws: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.kind.replace('_', '-')}-{self.unit:04d}"

    @property
    def tf_name(self) -> str:
        return f"{self.kind}_{self.unit:04d}"


def flaws_of(kind: str, unit: int) -> frozenset[str]:
    """The misconfigurations a resource of `kind` in `unit` carries (pure: the same for every run)."""
    return frozenset(name for name, m in MISCONFIGURATIONS.items()
                     if m["kind"] == kind and unit % m["every"] == m["offset"])


def specs(n: int) -> list[Spec]:
    """The first `n` resources, unit after unit, in the order of KINDS (the last unit may be partial)."""
    return [Spec(KINDS[i % len(KINDS)], i // len(KINDS), flaws_of(KINDS[i % len(KINDS)], i // len(KINDS)))
            for i in range(n)]


def expected(n: int) -> list[dict]:
    """Every deliberate misconfiguration of the workload: resource names in both languages and who detects it."""
    return [{"misconfiguration": flaw, "kind": s.kind, "pulumi_names": _subjects(s, lambda x: x.name),
             "tf_addresses": _subjects(s, lambda x: f"{_TF_TYPES[x.kind]}.{x.tf_name}"),
             "rollout": MISCONFIGURATIONS[flaw]["rollout"], "checkov": MISCONFIGURATIONS[flaw]["checkov"]}
            for s in specs(n) for flaw in sorted(s.flaws)]


def _subjects(spec: Spec, name) -> list[str]:
    """Where a tool may report the flaw: the resource itself, or (for bucket settings) the bucket it configures,
    since both rollout's S3 controls and Checkov's graph checks report on the bucket."""
    names = [name(spec)]
    if spec.kind in _BUCKET_SETTINGS:
        names.append(name(Spec("bucket", spec.unit, frozenset())))
    return names


_BUCKET_SETTINGS = {"public_access_block", "encryption", "versioning", "bucket_policy"}


# ---------------------------------------------------------------------------------------------------------------
# The Pulumi program: a few helper functions, then one call per resource (as a team would write it by hand).

_PROGRAM_HEAD = '''"""Generated benchmark program ({n} resources): see bench/generate.py. Do not edit."""

import json

import pulumi
import pulumi_aws as aws

from pulumi_aws import ec2, iam, rds, s3, sqs

buckets, roles, groups = {{}}, {{}}, {{}}


def queue(name, encrypted):
    sqs.Queue(name, name=name, sqs_managed_sse_enabled=encrypted, message_retention_seconds=345600)


def bucket(name):
    buckets[name] = s3.Bucket(name, bucket=name, force_destroy=False, tags={{"Benchmark": "yes"}})


def public_access_block(name, bucket, strict):
    s3.BucketPublicAccessBlock(name, bucket=buckets[bucket].id, block_public_acls=True, ignore_public_acls=True,
                               block_public_policy=strict, restrict_public_buckets=strict)


def encryption(name, bucket, algorithm):
    default = s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
        sse_algorithm=algorithm)
    s3.BucketServerSideEncryptionConfiguration(name, bucket=buckets[bucket].id, rules=[
        s3.BucketServerSideEncryptionConfigurationRuleArgs(apply_server_side_encryption_by_default=default,
                                                           bucket_key_enabled=True)])


def versioning(name, bucket, status):
    s3.BucketVersioning(name, bucket=buckets[bucket].id,
                        versioning_configuration=s3.BucketVersioningVersioningConfigurationArgs(status=status))


def bucket_policy(name, bucket, public):
    def document(arn):
        statements = [{{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                        "Resource": [arn, f"{{arn}}/*"], "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}]
        if public:
            statements = [{{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                            "Resource": f"{{arn}}/*"}}]
        return json.dumps({{"Version": "2012-10-17", "Statement": statements}})

    s3.BucketPolicy(name, bucket=buckets[bucket].id, policy=buckets[bucket].arn.apply(document))


def security_group(name, ssh_open):
    cidr = "0.0.0.0/0" if ssh_open else "10.0.0.0/16"
    groups[name] = ec2.SecurityGroup(name, name=name, description="benchmark database access", vpc_id="vpc-0bench",
        ingress=[ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=22, to_port=22, cidr_blocks=[cidr],
                                              description="ssh"),
                 ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5432, to_port=5432,
                                              cidr_blocks=["10.0.0.0/16"], description="postgres")],
        egress=[ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["10.0.0.0/16"],
                                            description="vpc")])


def database(name, group, encrypted, public, retention):
    rds.Instance(name, identifier=name, engine="postgres", engine_version="16.4", instance_class="db.t4g.micro",
                 allocated_storage=20, storage_type="gp3", db_name="app", username="app",
                 manage_master_user_password=True, storage_encrypted=encrypted, publicly_accessible=public,
                 backup_retention_period=retention, multi_az=True, deletion_protection=True,
                 skip_final_snapshot=False, final_snapshot_identifier=f"{{name}}-final",
                 iam_database_authentication_enabled=True, auto_minor_version_upgrade=True,
                 vpc_security_group_ids=[groups[group].id] if group in groups else [])


def role(name, open_trust):
    principal = {{"AWS": "*"}} if open_trust else {{"Service": "ec2.amazonaws.com"}}
    roles[name] = iam.Role(name, name=name, assume_role_policy=json.dumps({{"Version": "2012-10-17", "Statement": [
        {{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}}]}}))


def role_policy(name, role, admin):
    statement = ({{"Effect": "Allow", "Action": "*", "Resource": "*"}} if admin else
                 {{"Effect": "Allow", "Action": ["sqs:SendMessage"],
                   "Resource": "arn:aws:sqs:{region}:123456789012:{{}}".format(name)}})
    iam.RolePolicy(name, role=roles[role].id if role in roles else role,
                   policy=json.dumps({{"Version": "2012-10-17", "Statement": [statement]}}))


'''


def _python_call(spec: Spec, unit_names: dict[str, str]) -> str:
    f, name = spec.flaws, repr(spec.name)
    bucket, group, role = repr(unit_names["bucket"]), repr(unit_names["security_group"]), repr(unit_names["role"])
    return {
        "queue": f"queue({name}, encrypted={'queue_unencrypted' not in f})",
        "bucket": f"bucket({name})",
        "public_access_block": f"public_access_block({name}, {bucket}, strict={'bucket_public_access_open' not in f})",
        "encryption": f"encryption({name}, {bucket}, {'AES256' if 'bucket_not_kms' in f else 'aws:kms'!r})",
        "versioning": f"versioning({name}, {bucket}, {'Suspended' if 'bucket_unversioned' in f else 'Enabled'!r})",
        "bucket_policy": f"bucket_policy({name}, {bucket}, public={'bucket_policy_public' in f})",
        "database": (f"database({name}, {group}, encrypted={'database_unencrypted' not in f}, "
                     f"public={'database_public' in f}, retention={0 if 'database_no_backups' in f else 7})"),
        "security_group": f"security_group({name}, ssh_open={'ssh_open_to_world' in f})",
        "role": f"role({name}, open_trust={'role_trust_open' in f})",
        "role_policy": f"role_policy({name}, {role}, admin={'role_policy_admin' in f})",
    }[spec.kind]


def _unit_names(unit: int) -> dict[str, str]:
    return {kind: Spec(kind, unit, frozenset()).name for kind in KINDS}


def pulumi_program(n: int) -> str:
    """__main__.py of the N-resource program (security groups are declared before the databases that use them)."""
    ordered = sorted(specs(n), key=lambda s: (s.unit, s.kind != "security_group"))
    calls = [_python_call(s, _unit_names(s.unit)) for s in ordered]
    return _PROGRAM_HEAD.format(n=n, region=REGION) + "\n".join(calls) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# The equivalent Terraform (AWS provider v5+ split bucket resources, as pulumi-aws v7 does).

_TF_TYPES = {
    "queue": "aws_sqs_queue", "bucket": "aws_s3_bucket", "public_access_block": "aws_s3_bucket_public_access_block",
    "encryption": "aws_s3_bucket_server_side_encryption_configuration", "versioning": "aws_s3_bucket_versioning",
    "bucket_policy": "aws_s3_bucket_policy", "database": "aws_db_instance", "security_group": "aws_security_group",
    "role": "aws_iam_role", "role_policy": "aws_iam_role_policy",
}


def _tf_block(spec: Spec) -> str:
    f, unit = spec.flaws, spec.unit
    names = {kind: Spec(kind, unit, frozenset()) for kind in KINDS}
    bucket = f"aws_s3_bucket.{names['bucket'].tf_name}"
    head = f'resource "{_TF_TYPES[spec.kind]}" "{spec.tf_name}" {{\n'
    body = {
        "queue": f'  name                      = "{spec.name}"\n'
                 f'  sqs_managed_sse_enabled   = {_tf_bool("queue_unencrypted" not in f)}\n'
                 f'  message_retention_seconds = 345600\n',
        "bucket": f'  bucket        = "{spec.name}"\n  force_destroy = false\n  tags = {{ Benchmark = "yes" }}\n',
        "public_access_block": f'  bucket                  = {bucket}.id\n  block_public_acls       = true\n'
                               f'  ignore_public_acls      = true\n'
                               f'  block_public_policy     = {_tf_bool("bucket_public_access_open" not in f)}\n'
                               f'  restrict_public_buckets = {_tf_bool("bucket_public_access_open" not in f)}\n',
        "encryption": f'  bucket = {bucket}.id\n  rule {{\n    apply_server_side_encryption_by_default {{\n'
                      f'      sse_algorithm = "{"AES256" if "bucket_not_kms" in f else "aws:kms"}"\n    }}\n'
                      f'    bucket_key_enabled = true\n  }}\n',
        "versioning": f'  bucket = {bucket}.id\n  versioning_configuration {{\n'
                      f'    status = "{"Suspended" if "bucket_unversioned" in f else "Enabled"}"\n  }}\n',
        "bucket_policy": f'  bucket = {bucket}.id\n  policy = jsonencode({{\n    Version = "2012-10-17"\n'
                         f'    Statement = [{_tf_bucket_statement(bucket, "bucket_policy_public" in f)}]\n  }})\n',
        "database": f'  identifier                          = "{spec.name}"\n  engine = "postgres"\n'
                    f'  engine_version = "16.4"\n  instance_class = "db.t4g.micro"\n  allocated_storage = 20\n'
                    f'  storage_type = "gp3"\n  db_name = "app"\n  username = "app"\n'
                    f'  manage_master_user_password = true\n'
                    f'  storage_encrypted = {_tf_bool("database_unencrypted" not in f)}\n'
                    f'  publicly_accessible = {_tf_bool("database_public" in f)}\n'
                    f'  backup_retention_period = {0 if "database_no_backups" in f else 7}\n'
                    f'  multi_az = true\n  deletion_protection = true\n  skip_final_snapshot = false\n'
                    f'  final_snapshot_identifier = "{spec.name}-final"\n'
                    f'  iam_database_authentication_enabled = true\n  auto_minor_version_upgrade = true\n'
                    f'  vpc_security_group_ids = [aws_security_group.{names["security_group"].tf_name}.id]\n',
        "security_group": f'  name        = "{spec.name}"\n  description = "benchmark database access"\n'
                          f'  vpc_id      = "vpc-0bench"\n'
                          f'  ingress {{\n    protocol = "tcp"\n    from_port = 22\n    to_port = 22\n'
                          f'    cidr_blocks = ["{"0.0.0.0/0" if "ssh_open_to_world" in f else "10.0.0.0/16"}"]\n'
                          f'    description = "ssh"\n  }}\n'
                          f'  ingress {{\n    protocol = "tcp"\n    from_port = 5432\n    to_port = 5432\n'
                          f'    cidr_blocks = ["10.0.0.0/16"]\n    description = "postgres"\n  }}\n'
                          f'  egress {{\n    protocol = "-1"\n    from_port = 0\n    to_port = 0\n'
                          f'    cidr_blocks = ["10.0.0.0/16"]\n    description = "vpc"\n  }}\n',
        "role": f'  name = "{spec.name}"\n  assume_role_policy = jsonencode({{\n    Version = "2012-10-17"\n'
                f'    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = '
                f'{_OPEN_TRUST if "role_trust_open" in f else _EC2_TRUST} }}]\n'
                f'  }})\n',
        "role_policy": f'  name = "{spec.name}"\n  role = aws_iam_role.{names["role"].tf_name}.id\n'
                       f'  policy = jsonencode({{\n    Version = "2012-10-17"\n    Statement = [{{ Effect = "Allow", '
                       + ('Action = "*", Resource = "*"' if "role_policy_admin" in f else
                          f'Action = ["sqs:SendMessage"], Resource = "arn:aws:sqs:{REGION}:123456789012:{spec.name}"')
                       + ' }]\n  })\n',
    }[spec.kind]
    return head + body + "}\n"


_OPEN_TRUST = '{ AWS = "*" }'
_EC2_TRUST = '{ Service = "ec2.amazonaws.com" }'


def _tf_bool(value: bool) -> str:
    return "true" if value else "false"


def _tf_bucket_statement(bucket: str, public: bool) -> str:
    if public:
        return ('{ Sid = "PublicRead", Effect = "Allow", Principal = "*", Action = "s3:GetObject", '
                f'Resource = "${{{bucket}.arn}}/*" }}')
    return ('{ Sid = "DenyInsecureTransport", Effect = "Deny", Principal = "*", Action = "s3:*", '
            f'Resource = [{bucket}.arn, "${{{bucket}.arn}}/*"], '
            'Condition = { Bool = { "aws:SecureTransport" = "false" } } }')


def terraform(n: int) -> str:
    return (f'# Generated benchmark workload ({n} resources): see bench/generate.py. Do not edit.\n'
            f'provider "aws" {{\n  region = "{REGION}"\n}}\n\n' + "\n".join(_tf_block(s) for s in specs(n)))


# ---------------------------------------------------------------------------------------------------------------


def write(n: int, directory: Path | str) -> Path:
    """Write the Pulumi project (program + stack file), main.tf (in terraform/) and expected.json."""
    directory = Path(directory)
    (directory / "terraform").mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(
        f"name: bench\ndescription: generated benchmark program of {n} resources\nruntime: python\n")
    (directory / f"Pulumi.{STACK}.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
    (directory / "__main__.py").write_text(pulumi_program(n))
    (directory / "terraform" / "main.tf").write_text(terraform(n))
    (directory / "expected.json").write_text(json.dumps(expected(n), indent=1))
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("resources", type=int, help="number of resources (e.g. 1000)")
    parser.add_argument("directory", type=Path, help="output directory (created)")
    args = parser.parse_args()
    path = write(args.resources, args.directory)
    print(f"{path}: {args.resources} resources, {len(expected(args.resources))} deliberate misconfigurations")


if __name__ == "__main__":
    main()
