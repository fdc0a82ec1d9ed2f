"""The sme-rollout Pulumi program: read the stack config, build phases 1..N, export what applications need."""

import pulumi

from phases import build
from phases.config import load_config

context = build(load_config())
for name, value in context.outputs.items():
    pulumi.export(name, value)
