from policies.acm import CERTIFICATE
from policies.core import UNKNOWN_STRING_VALUE as U


def cert(res, name, **props):
    return res(CERTIFICATE, name, {"domainName": "shop.example", "validationMethod": "DNS", **props})


def test_acm01_transparency_logging(res, assert_exact):
    assert_exact("ACM-01", {
        "pass_default": cert(res, "a"),
        "pass_enabled": cert(res, "a2", options={"certificateTransparencyLoggingPreference": "ENABLED"}),
        "fail_disabled": cert(res, "b", options={"certificateTransparencyLoggingPreference": "DISABLED"}),
        "unknown_preference": cert(res, "c", options={"certificateTransparencyLoggingPreference": U}),
    })


def test_acm02_strong_key(res, assert_exact):
    fixtures = {
        "pass_default_rsa_2048": cert(res, "a"),
        "pass_ecdsa": cert(res, "a2", keyAlgorithm="EC_prime256v1"),
        "pass_imported": res(
            CERTIFICATE, "a3", {"privateKey": "k", "certificateBody": "c", "keyAlgorithm": "RSA_1024"}
        ),
        "fail_rsa_1024": cert(res, "b", keyAlgorithm="RSA_1024"),
        "unknown_algorithm": cert(res, "c", keyAlgorithm=U),
    }
    assert_exact("ACM-02", fixtures)
    assert_exact(
        "ACM-02",
        {"pass_ecdsa_only": fixtures["pass_ecdsa"], "fail_rsa_not_allowed": fixtures["pass_default_rsa_2048"]},
        {"allowedKeyAlgorithms": ["EC_prime256v1"]},
    )


def test_acm03_no_wildcard(res, assert_exact):
    assert_exact("ACM-03", {
        "pass_exact_names": cert(res, "a", subjectAlternativeNames=["www.shop.example"]),
        "pass_no_alternative_names": cert(res, "a2"),
        "fail_wildcard_domain": cert(res, "b", domainName="*.shop.example"),
        "fail_wildcard_alternative": cert(res, "c", subjectAlternativeNames=["shop.example", "*.shop.example"]),
        "unknown_domain": cert(res, "d", domainName=U),
    })


def test_acm04_create_before_replace(res, assert_exact):
    def with_options(name, options, **props):
        return res(CERTIFICATE, name, {"domainName": "shop.example", "validationMethod": "DNS", **props}, None, options)

    assert_exact("ACM-04", {
        "pass_default": cert(res, "a"),
        "pass_option_not_set": with_options("a2", {}),
        "fail_delete_before_replace": with_options("b", {"deleteBeforeReplace": True}),
        "pass_with_unknown_inputs": with_options("c", {}, domainName=U),
    })
