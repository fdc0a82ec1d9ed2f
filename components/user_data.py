"""The boot script of a web tier instance (Amazon Linux 2023): a pure function from a `BootSpec` to bash.

What it does, in order: install docker and jq (dnf), enable docker; read the service's environment from its SSM
parameter (a JSON object of plain values: endpoints, ports, names) and resolve the secrets it names from Secrets
Manager, both through the instance role, into a root-only env file (so no value, secret or not, is ever written
into the user data, which anyone with ec2:DescribeInstanceAttribute can read); log in to the service's ECR
registry; pull the pinned image (a tag or a digest, never `latest`); run it with `--restart always`, the port
published, the env file, and the awslogs driver writing to the app log group (stream `<service>/<instance id>`);
then wait (bounded) until the health check path answers on localhost, failing the boot if it never does, so that an
instance that cannot serve is replaced by the ELB health check instead of counted.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

HEALTH_WAIT_SECONDS = 300
"""How long the boot waits for the health check path (the group's grace period covers it)."""
ENV_FILE = "/etc/sme-rollout/app.env"


@dataclass(frozen=True)
class BootSpec:
    service: str
    region: str
    registry: str
    """<account>.dkr.ecr.<region>.amazonaws.com"""
    repository: str
    """The repository's name in that registry."""
    image: str
    """A tag (1.4.2) or a digest (sha256:...)."""
    port: int
    health_check_path: str
    env_parameter: str
    """SSM parameter holding {"env": {NAME: value}, "secrets": {NAME: secret ARN}} as JSON."""
    log_group: str | None
    """The app log group (phase 5 creates it); before it exists, logs go to the instance's journal."""

    def __post_init__(self) -> None:
        if self.image == "latest" or not re.fullmatch(r"sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}",
                                                       self.image):
            raise ValueError(f"{self.service}: image {self.image!r} must be a pinned tag or a sha256 digest")
        if not self.health_check_path.startswith("/"):
            raise ValueError(f"{self.service}: health check path must start with /")

    @property
    def image_ref(self) -> str:
        separator = "@" if self.image.startswith("sha256:") else ":"
        return f"{self.registry}/{self.repository}{separator}{self.image}"


def render(spec: BootSpec) -> str:
    """The bash script (cloud-init runs user data that starts with #! as a script, as root)."""
    q = shlex.quote
    port = int(spec.port)
    health = f"http://127.0.0.1:{port}{spec.health_check_path}"
    if spec.log_group:
        logging = (f"--log-driver awslogs --log-opt awslogs-region={q(spec.region)} \\\n"
                   f"  --log-opt awslogs-group={q(spec.log_group)} --log-opt awslogs-stream=\"{spec.service}/$instance_id\"")
        identity = ("token=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token "
                    "-H 'X-aws-ec2-metadata-token-ttl-seconds: 60')\n"
                    "instance_id=$(curl -fsS -H \"X-aws-ec2-metadata-token: $token\" "
                    "http://169.254.169.254/latest/meta-data/instance-id)\n\n")
    else:
        logging = f"--log-driver journald --log-opt tag={q(spec.service)}"
        identity = ""
    return f"""#!/bin/bash
# sme-rollout boot script for service {spec.service} (generated; values come from SSM and Secrets Manager at boot).
set -euo pipefail
export AWS_DEFAULT_REGION={q(spec.region)}

dnf install -y docker jq
systemctl enable --now docker

install -d -m 700 /etc/sme-rollout
umask 077
parameter=$(aws ssm get-parameter --name {q(spec.env_parameter)} --query Parameter.Value --output text)
printf '%s' "$parameter" | jq -r '.env // {{}} | to_entries[] | "\\(.key)=\\(.value)"' > {ENV_FILE}
printf '%s' "$parameter" | jq -r '.secrets // {{}} | to_entries[] | "\\(.key) \\(.value)"' |
  while read -r name arn; do
    value=$(aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text)
    printf '%s=%s\\n' "$name" "$value" >> {ENV_FILE}
  done

{identity}aws ecr get-login-password | docker login --username AWS --password-stdin {q(spec.registry)}
docker pull {q(spec.image_ref)}
docker rm -f app 2>/dev/null || true
docker run -d --name app --restart always \\
  -p {port}:{port} -e PORT={port} --env-file {ENV_FILE} \\
  {logging} \\
  {q(spec.image_ref)}

for _ in $(seq 1 {HEALTH_WAIT_SECONDS // 5}); do
  if curl -fsS -o /dev/null {q(health)}; then
    exit 0
  fi
  sleep 5
done
echo "{spec.service}: {spec.health_check_path} did not answer within {HEALTH_WAIT_SECONDS}s" >&2
exit 1
"""
