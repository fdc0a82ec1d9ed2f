"""rollout: offline plan, check, cost and diff of Pulumi programs, and the sme-rollout phases."""

# The one place the version is written: pyproject.toml reads it (`[tool.setuptools.dynamic]`), and the CLI, SARIF
# and the assess user agent use it. policies/PulumiPolicy.yaml repeats it (YAML cannot import); a test keeps both equal.
__version__ = "0.1.0"


def repository_url() -> str | None:
    """The project's repository URL from the installed package metadata (`[project.urls] Repository` of
    pyproject.toml), or None when the package is not installed or names none."""
    from importlib import metadata

    try:
        entries = metadata.metadata("sme-rollout").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return url.strip()
    return None
