"""Name checks shared by the apply rules: explicit names, prefixes and Pulumi auto-names (+8 characters)."""

from policies.apply._rule import name_problems, stack_of
from tests.policies.conftest import make_subject

PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"


def _problems(name, props):
    subject = make_subject("aws:lb/targetGroup:TargetGroup", name, props)
    return list(name_problems(subject, limit=32, pattern=PATTERN, what="x", prefix_limit=6))


def test_auto_names_count_the_random_suffix():
    assert _problems("a" * 24, {}) == []
    assert _problems("a" * 25, {}) == ["auto-name 'aaaaaaaaaaaaaaaaaaaaaaaaa' + 8 random characters is 33 characters; "
                                       "x allows at most 32"]


def test_explicit_names_and_prefixes():
    assert _problems("r", {"name": "a" * 32}) == []
    assert len(_problems("r", {"name": "a" * 33})) == 1
    assert _problems("r", {"namePrefix": "abcdef"}) == []
    assert len(_problems("r", {"namePrefix": "abcdefg"})) == 1
    assert len(_problems("r", {"name": "-a"})) == 1


def test_stack_of_reads_the_urn():
    assert stack_of(make_subject("aws:sqs/queue:Queue", "q", {})) == "test"
