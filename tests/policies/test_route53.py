from policies.core import UNKNOWN_STRING_VALUE as U
from policies.route53 import RECORD

LB = "aws:lb/loadBalancer:LoadBalancer"
EIP = "aws:ec2/eip:Eip"


def test_r5301_records_attached(res, assert_exact):
    lb = res(LB, "alb", {"internal": False})
    eip = res(EIP, "ip", {"domain": "vpc"})
    alias = {"name": U, "zoneId": U, "evaluateTargetHealth": True}
    assert_exact(
        "R53-01",
        {
            "pass_alias_to_load_balancer": [
                res(RECORD, "a", {"type": "A", "name": "shop", "alias": alias}, {"alias": [lb.urn]}),
                lb,
            ],
            "pass_records_from_eip": [
                res(RECORD, "a2", {"type": "A", "name": "old", "records": [U], "ttl": 300}, {"records": [eip.urn]}),
                eip,
            ],
            "pass_cname": res(RECORD, "a3", {"type": "CNAME", "name": "www", "records": ["shop.example.vn"]}),
            "fail_literal_address": res(RECORD, "b", {"type": "A", "name": "old", "records": ["203.0.113.10"]}),
            "fail_literal_ipv6": res(RECORD, "b2", {"type": "AAAA", "name": "old", "records": ["2001:db8::1"]}),
            "fail_literal_alias": res(
                RECORD,
                "b3",
                {
                    "type": "A",
                    "name": "shop",
                    "alias": {
                        "name": "dualstack.web-1.ap-southeast-1.elb.amazonaws.com",
                        "zoneId": "Z1",
                        "evaluateTargetHealth": True,
                    },
                },
            ),
            "unknown_type": res(RECORD, "c", {"type": U, "name": "x", "records": ["203.0.113.10"]}),
        },
    )
