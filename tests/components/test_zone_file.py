"""Zone-file import: every record of a BIND export, what Cloudflare manages itself left out, errors named."""

import pytest

from components.zone_file import (
    ZoneFileError,
    ZoneRecord,
    load_zone_file,
    names_with_address,
    parse_zone_text,
)

ZONE = """$ORIGIN example.com.vn.
$TTL 3600
@            IN SOA  ns1.host.vn. admin.example.com.vn. 1 7200 3600 1209600 300
@            IN NS   ns1.host.vn.
@            IN NS   ns2.host.vn.
@            IN MX   10 mail.example.com.vn.
@            IN MX   20 backup-mx.example.net.
@            IN TXT  "v=spf1 include:_spf.google.com ~all"
google._domainkey IN TXT "v=DKIM1; k=rsa; " "p=MIIBIjANBgkq"
shop         IN CNAME origin
origin   300 IN A    203.0.113.10
origin       IN AAAA 2001:db8::10
mail         IN A    203.0.113.25
dev          IN NS   ns1.other.vn.
_sip._tcp    IN SRV  10 5 5060 sip.example.com.vn.
@            IN CAA  0 issue "amazon.com"
"""


@pytest.fixture(scope="module")
def records():
    return parse_zone_text(ZONE, "example.com.vn")


def test_every_record_but_the_apex_soa_and_ns_is_imported(records):
    kinds = sorted((r.name, r.type) for r in records)
    assert kinds == sorted([
        ("example.com.vn", "MX"), ("example.com.vn", "MX"), ("example.com.vn", "TXT"),
        ("google._domainkey.example.com.vn", "TXT"), ("shop.example.com.vn", "CNAME"),
        ("origin.example.com.vn", "A"), ("origin.example.com.vn", "AAAA"), ("mail.example.com.vn", "A"),
        ("dev.example.com.vn", "NS"), ("_sip._tcp.example.com.vn", "SRV"), ("example.com.vn", "CAA")])


def test_mail_records_keep_their_priorities_and_spf_its_text(records):
    """Regression: a new zone with one record lost MX and SPF, so the shop's e-mail stopped."""
    mx = sorted((r.priority, r.content) for r in records if r.type == "MX")
    assert mx == [(10, "mail.example.com.vn"), (20, "backup-mx.example.net")]
    (spf,) = [r for r in records if r.type == "TXT" and r.name == "example.com.vn"]
    assert spf.content == '"v=spf1 include:_spf.google.com ~all"'
    (dkim,) = [r for r in records if r.name.startswith("google._domainkey")]
    assert dkim.content == '"v=DKIM1; k=rsa; " "p=MIIBIjANBgkq"'  # multi-string TXT kept as its strings


def test_relative_names_ttls_and_structured_records(records):
    (cname,) = [r for r in records if r.type == "CNAME"]
    assert cname.content == "origin.example.com.vn" and cname.ttl == 3600
    (a,) = [r for r in records if r.type == "A" and r.name.startswith("origin")]
    assert a.ttl == 300 and a.cloudflare_ttl == 300
    (srv,) = [r for r in records if r.type == "SRV"]
    assert srv.data == {"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com.vn"}
    (caa,) = [r for r in records if r.type == "CAA"]
    assert caa.data == {"flags": 0, "tag": "issue", "value": "amazon.com"}


def test_names_with_address_cover_cname_a_and_aaaa(records):
    assert names_with_address(records) == {"shop.example.com.vn", "origin.example.com.vn", "mail.example.com.vn"}


def test_record_keys_are_stable_and_distinct(records):
    assert len({r.key for r in records}) == len(records)
    assert parse_zone_text(ZONE, "example.com.vn")[0].key == records[0].key


@pytest.mark.parametrize(("ttl", "expected"), [(1, 60), (30, 60), (3600, 3600), (604800, 86400)])
def test_ttls_fit_cloudflare_bounds(ttl, expected):
    assert ZoneRecord("a.example.vn", "A", ttl, "203.0.113.1").cloudflare_ttl == expected


@pytest.mark.parametrize(("text", "message"), [
    ("@ IN A 203.0.113.1\nhost IN PTR x.example.com.vn.\n", "PTR: record type not importable"),
    ("@ IN A not-an-address\n", "not a BIND zone file"),
    ("$TTL 60\n@ IN SOA ns1.host.vn. admin.host.vn. 1 2 3 4 5\n", "holds no records"),
])
def test_unimportable_files_are_errors_naming_the_record(text, message):
    with pytest.raises(ZoneFileError, match=message):
        parse_zone_text("$TTL 3600\n" + text if not text.startswith("$") else text, "example.com.vn", "z.zone")


def test_load_reads_a_file_and_names_a_missing_one(tmp_path):
    path = tmp_path / "example.com.vn.zone"
    path.write_text(ZONE)
    assert len(load_zone_file(path, "example.com.vn")) == 11
    with pytest.raises(ZoneFileError, match="zone file not found"):
        load_zone_file(tmp_path / "missing.zone", "example.com.vn")


def test_the_example_stack_zone_file_imports():
    from pathlib import Path

    records = load_zone_file(Path(__file__).resolve().parents[2] / "stacks" / "example.vn.zone", "example.vn")
    assert "origin.shop.example.vn" in names_with_address(records)
    assert {r.type for r in records} >= {"MX", "TXT", "A", "CNAME", "CAA"}
