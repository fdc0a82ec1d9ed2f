from policies.apply.ec2 import LAUNCH_TEMPLATE, PREFIX_LIST, SECURITY_GROUP

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
LEGACY = "aws:ec2/securityGroupRule:SecurityGroupRule"


def test_apl_ec2_01_inline_and_separate_rules(res, assert_exact):
    inline = {"ingress": [{"fromPort": 443, "toPort": 443, "protocol": "tcp"}], "id": "sg-1"}
    assert_exact("APL-EC2-01", {
        "pass_inline_only": [res(SECURITY_GROUP, "a", inline)],
        "pass_separate_only": [res(SECURITY_GROUP, "b", {"id": "sg-2"}),
                               res(INGRESS, "b-rule", {"securityGroupId": "sg-2"})],
        "pass_inline_ingress_separate_egress": [res(SECURITY_GROUP, "d", inline),
                                                res(EGRESS, "d-rule", {"securityGroupId": "sg-1"})],
        "fail_both": [res(SECURITY_GROUP, "c", inline), res(INGRESS, "c-rule", {"securityGroupId": "sg-1"})],
        "fail_both_legacy_rule": [res(SECURITY_GROUP, "e", inline),
                                  res(LEGACY, "e-rule", {"securityGroupId": "sg-1", "type": "ingress"})],
    })


def test_apl_ec2_02_group_text(res, assert_exact):
    assert_exact("APL-EC2-02", {
        "pass_plain": res(SECURITY_GROUP, "a", {"description": "cache: port 6379 from app servers"}),
        "fail_unicode": res(SECURITY_GROUP, "b", {"description": "app → cache"}),
        "fail_sg_prefix": res(SECURITY_GROUP, "c", {"name": "sg-web"}),
    })


def test_apl_ec2_03_launch_template_name(res, assert_exact):
    assert_exact("APL-EC2-03", {
        "pass_name": res(LAUNCH_TEMPLATE, "a", {"name": "dev-web-lt"}),
        "fail_space": res(LAUNCH_TEMPLATE, "b", {"name": "web lt"}),
    })


def test_apl_ec2_04_prefix_list(res, assert_exact):
    assert_exact("APL-EC2-04", {
        "pass_fits": res(PREFIX_LIST, "a", {"maxEntries": 1, "entries": [{"cidr": "203.0.113.0/24"}]}),
        "fail_overflow": res(PREFIX_LIST, "b", {"maxEntries": 1, "entries": [{"cidr": "a"}, {"cidr": "b"}]}),
    })
