"""Runs a Pulumi program offline: stack files and projects, the recording mock monitor. The only layer that imports pulumi."""
