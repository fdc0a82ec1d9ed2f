"""Phase 2 on CloudFront: a distribution in front of the current origin, with WAF, HSTS and access logs.

Fixed in code: viewers redirected to HTTPS, TLSv1.2_2021 with SNI and an ACM certificate (us-east-1), HTTP/2 and
HTTP/3, compression, HTTPS-only TLS 1.2 to the origin, a cache policy that honours the origin's Cache-Control
(plus a long-TTL one for static assets), a response-headers policy that overrides HSTS (one year,
includeSubdomains) and sets nosniff/frame/referrer headers, and a WAFv2 web ACL (scope CLOUDFRONT, in us-east-1):
AWS managed rule groups in count mode unless `waf_mode="enforce"`, the body-size rule never blocking the upload
paths, and a per-visitor rate limit (`components/waf.py`). No default root object: `/` goes to the origin as `/`,
so a dynamic site renders its home page (a root object would ask it for /index.html).

Traffic switches (config `switches.*`, never a side effect of the phase):
- `alias` (dnsAuthority): the distribution answers for the domain (aliases and the ACM certificate) and, with a
  Route 53 zone, the A/AAAA alias records point the domain at it (`allow_overwrite`: the records the site has
  today are replaced, which is the switch). Before it, the distribution only answers on its *.cloudfront.net name.
- `serve_static_from_bucket` (staticPath): the static path goes to an origin group, the bucket first and the old
  server when the bucket answers 403/404/5xx (a file not synced yet is still served). Before it, the bucket is an
  origin with origin access control that no behavior uses, so files can be synced and checked first.
- `load_balancer_origin` (originToLoadBalancer): the default behavior goes to the load balancer, with the secret
  origin header the load balancer's listener checks. CloudFront origin groups cannot back a behavior that allows
  POST/PUT/PATCH/DELETE (the API rejects it: "AllowedMethods cannot include POST, PUT, PATCH, or DELETE for a
  cached behavior associated with an origin group"), so the shop's default behavior has no automatic failover: the
  old server stays an origin and the rollback is turning the switch off (docs/journey.md).

Certificate: `certificate_arn` if given; otherwise one is issued in us-east-1. With a Route 53 `hosted_zone_id`
the validation record is created here and the certificate validated in the same update. Without one, the
validation record is exported (`certificate_validation`) at once, the update does not wait for it, and the
distribution keeps its default certificate until the `alias` switch, whose gate is the certificate being ISSUED.

Access logs: CloudFront's legacy `logging_config` needs ACLs on the target bucket, which our buckets disable
(BucketOwnerEnforced). Logs are delivered with CloudFront standard logging v2 (CloudWatch vended-logs delivery to
the log bucket, under AWSLogs/<account>/CloudFront/), which works with ACLs disabled; the `logging_config`
property stays unset (control CFD-06 looks for it; see the report).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import Field, field_validator, model_validator

from components import waf
from components._args import Args, StrInput

HSTS_MAX_AGE = 31_536_000
ORIGIN_REQUEST_ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
"""AWS managed origin request policy AllViewer: cookies, query strings and headers (incl. Host) reach the origin,
so the origin (whose certificate is for the site's domain) keeps working unchanged."""
MANAGED_RULE_GROUPS = waf.MANAGED_RULE_GROUPS
WEB_ORIGIN_ID = "web"
"""The old server: always an origin, the fallback of the static path and the way back from the load balancer."""
STATIC_ORIGIN_ID = "static-assets"
LOAD_BALANCER_ORIGIN_ID = "load-balancer"
STATIC_GROUP_ID = "static-with-fallback"
STATIC_FAILOVER_CODES = [403, 404, 500, 502, 503, 504]
"""A private bucket answers 403 for a missing key (no s3:ListBucket): both mean "not synced yet"."""
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
"""The secret header CloudFront adds on requests to the load balancer, which the listener rules require."""


class CloudFrontCdnArgs(Args):
    """The site's domain and origin, the certificate, and what CloudFront caches."""

    domain: str = Field(description="The site's hostname, e.g. shop.example.com. Required.")
    origin: StrInput = Field(description="Origin hostname (the current server, later the load balancer). "
                                         "It must serve HTTPS with a valid certificate. Required.")
    certificate_arn: str | None = Field(None, description="ACM certificate in us-east-1 for the domain. "
                                                          "Defaults to issuing and DNS-validating one.")
    hosted_zone_id: str | None = Field(None, description="Route 53 zone of the domain: validation and alias "
                                                         "records are created there. Defaults to none.")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        "PriceClass_200", description="Edge locations used. Defaults to PriceClass_200 (includes Asia).")
    default_ttl_seconds: int = Field(3600, ge=0, le=31_536_000, description="TTL for static assets. "
                                                                            "Defaults to 3600.")
    rate_limit_per_minute: int = Field(600, ge=10, le=2_000_000_000, description="Requests per minute per client "
                                                                                 "IP before blocking. Defaults to 600.")
    alias: bool = Field(False, description="The dnsAuthority switch: the domain is the distribution's alias "
                                           "(and Route 53 points it here). Defaults to false.")
    serve_static_from_bucket: bool = Field(False, description="The staticPath switch. Defaults to false.")
    load_balancer_origin: StrInput | None = Field(None, description="The originToLoadBalancer switch: the load "
                                                                    "balancer's DNS name. Defaults to none (the "
                                                                    "old server serves).")
    origin_verify_secret: StrInput | None = Field(None, description="Value of the secret origin header sent to "
                                                                    "the load balancer. Required with "
                                                                    "load_balancer_origin.")
    waf_mode: waf.Mode = Field("count", description="Managed WAF rules count or enforce. Defaults to count.")
    upload_paths: list[str] = Field([], description="Paths the body-size rule never blocks. Defaults to none.")
    log_bucket_arn: StrInput | None = Field(None, description="Bucket for access logs (standard logging v2). "
                                                              "Defaults to none (no access logs).")
    static_bucket_domain_name: StrInput | None = Field(None, description="Regional domain name of the private "
                                                                         "asset bucket (phase 3). Defaults to none.")
    static_path_pattern: str = Field("/static/*", description="Paths served from the asset bucket. "
                                                              "Defaults to /static/*.")
    production: bool = Field(False, description="protect=True on the distribution (deleting it takes the site "
                                                "off the air). Defaults to false.")

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]+", value):
            raise ValueError("must be an ACM certificate ARN in us-east-1 (CloudFront only uses those)")
        return value

    @model_validator(mode="after")
    def _secret_with_load_balancer(self) -> CloudFrontCdnArgs:
        if self.load_balancer_origin is not None and self.origin_verify_secret is None:
            raise ValueError("origin_verify_secret is required with load_balancer_origin (the load balancer "
                             "only answers requests carrying it)")
        return self


def waf_rules(rate_limit_per_minute: int, mode: waf.Mode = "count", upload_paths: list[str] | None = None
              ) -> list[dict[str, Any]]:
    """Managed rule groups (count unless enforced) and the body-size rule, then a per-visitor rate limit over
    60 s: at the edge WAF sees the viewer's own address, so the key is the connecting IP."""
    rules = waf.managed_rules(mode, upload_paths or [])
    rules.append(waf.rate_limit_rule(rate_limit_per_minute, 60, len(rules)))
    return rules


def validated_certificate_needed(args: CloudFrontCdnArgs) -> bool:
    """Whether this update must wait for the certificate: only when its validation record is ours (Route 53) or
    the alias switch is on (its gate checked that the certificate is issued)."""
    return bool(args.hosted_zone_id) or args.alias


class CloudFrontCdn(pulumi.ComponentResource):
    """CloudFront distribution, certificate, cache/headers policies, WAF web ACL and access-log delivery."""

    distribution_arn: pulumi.Output[str]
    distribution_domain_name: pulumi.Output[str]
    url: str

    def __init__(self, name: str, args: CloudFrontCdnArgs, us_east_1: aws.Provider,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:cdn:CloudFrontCdn", name, None, opts)
        self._name = name
        self._args = args
        self._us_east_1 = us_east_1
        self.certificate_validation: pulumi.Output[str] | None = None

        self.certificate_arn = self._create_certificate()
        self.dynamic_cache_policy = self._create_cache_policy("dynamic", default_ttl=0)
        self.static_cache_policy = self._create_cache_policy("static", default_ttl=args.default_ttl_seconds)
        self.headers_policy = self._create_response_headers_policy()
        self.web_acl = self._create_web_acl()
        self.origin_access_control = self._create_origin_access_control()
        self.distribution = self._create_distribution()
        self._create_access_logs()
        self._create_additional_metrics()
        self._create_alias_records()

        self.distribution_arn = self.distribution.arn
        self.distribution_domain_name = self.distribution.domain_name
        self.url = f"https://{args.domain}"
        self.register_outputs({"distributionArn": self.distribution_arn, "url": self.url,
                               "distributionDomainName": self.distribution_domain_name})

    def _child(self, us_east_1: bool = False, **options: Any) -> pulumi.ResourceOptions:
        if us_east_1:
            options["provider"] = self._us_east_1
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_certificate(self) -> pulumi.Input[str] | None:
        if self._args.certificate_arn:
            return self._args.certificate_arn
        certificate = aws.acm.Certificate(f"{self._name}-certificate", domain_name=self._args.domain,
                                          validation_method="DNS", key_algorithm="EC_prime256v1",
                                          opts=self._child(us_east_1=True))
        option = certificate.domain_validation_options.apply(lambda options: options[0] if options else None)
        record = {"name": option.apply(lambda o: o.resource_record_name if o else None),
                  "type": option.apply(lambda o: o.resource_record_type if o else None),
                  "value": option.apply(lambda o: o.resource_record_value if o else None)}
        self.certificate_validation = pulumi.Output.all(record["name"], record["type"], record["value"]).apply(
            lambda v: json.dumps({"name": v[0], "type": v[1], "value": v[2]}))
        fqdns: list[pulumi.Input[str]] = []
        if self._args.hosted_zone_id:
            validation_record = aws.route53.Record(
                f"{self._name}-certificate-validation", zone_id=self._args.hosted_zone_id, name=record["name"],
                type=record["type"], records=[record["value"]], ttl=300, allow_overwrite=True, opts=self._child())
            fqdns.append(validation_record.fqdn)
        if not validated_certificate_needed(self._args):
            return None  # the record is exported now; the distribution keeps its default certificate meanwhile
        validation = aws.acm.CertificateValidation(f"{self._name}-certificate", certificate_arn=certificate.arn,
                                                   validation_record_fqdns=fqdns or None,
                                                   opts=self._child(us_east_1=True))
        return validation.certificate_arn

    def _create_cache_policy(self, kind: str, *, default_ttl: int) -> aws.cloudfront.CachePolicy:
        """Cache key: path and query string (+ compression); the origin's Cache-Control decides, `default_ttl`
        applies when it sends none. Cookies and headers reach the origin (origin request policy), unkeyed."""
        return aws.cloudfront.CachePolicy(
            f"{self._name}-{kind}", comment=f"sme-rollout {kind} content",
            min_ttl=0, default_ttl=default_ttl, max_ttl=31_536_000,
            parameters_in_cache_key_and_forwarded_to_origin={
                "cookies_config": {"cookie_behavior": "none"},
                "headers_config": {"header_behavior": "none"},
                "query_strings_config": {"query_string_behavior": "all"},
                "enable_accept_encoding_brotli": True,
                "enable_accept_encoding_gzip": True},
            opts=self._child())

    def _create_response_headers_policy(self) -> aws.cloudfront.ResponseHeadersPolicy:
        return aws.cloudfront.ResponseHeadersPolicy(
            f"{self._name}-security-headers", comment="HSTS and browser security headers",
            security_headers_config={
                "strict_transport_security": {"access_control_max_age_sec": HSTS_MAX_AGE, "include_subdomains": True,
                                              "override": True, "preload": False},
                "content_type_options": {"override": True},
                "frame_options": {"frame_option": "SAMEORIGIN", "override": True},
                "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": False},
            },
            opts=self._child())

    def _create_web_acl(self) -> aws.wafv2.WebAcl:
        return aws.wafv2.WebAcl(
            f"{self._name}-waf", scope="CLOUDFRONT", default_action={"allow": {}},
            description="sme-rollout: AWS managed rules and a per-visitor rate limit",
            rules=waf_rules(self._args.rate_limit_per_minute, self._args.waf_mode, self._args.upload_paths),
            visibility_config={"cloudwatch_metrics_enabled": True, "metric_name": f"{self._name}-waf",
                               "sampled_requests_enabled": True},
            opts=self._child(us_east_1=True))

    def _create_origin_access_control(self) -> aws.cloudfront.OriginAccessControl | None:
        if self._args.static_bucket_domain_name is None:
            return None
        return aws.cloudfront.OriginAccessControl(
            f"{self._name}-static", origin_access_control_origin_type="s3", signing_behavior="always",
            signing_protocol="sigv4", description="Signed requests to the private asset bucket",
            opts=self._child())

    def _origins(self) -> list[dict[str, Any]]:
        custom = {"http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only",
                  "origin_ssl_protocols": ["TLSv1.2"], "origin_read_timeout": 30, "origin_keepalive_timeout": 5}
        origins: list[dict[str, Any]] = [{"origin_id": WEB_ORIGIN_ID, "domain_name": self._args.origin,
                                          "custom_origin_config": custom}]
        if self.origin_access_control is not None:
            origins.append({"origin_id": STATIC_ORIGIN_ID, "domain_name": self._args.static_bucket_domain_name,
                            "origin_access_control_id": self.origin_access_control.id})
        if self._args.load_balancer_origin is not None:
            origins.append({"origin_id": LOAD_BALANCER_ORIGIN_ID, "domain_name": self._args.load_balancer_origin,
                            "custom_origin_config": custom,
                            "custom_headers": [{"name": ORIGIN_VERIFY_HEADER,
                                                "value": self._args.origin_verify_secret}]})
        return origins

    def _origin_groups(self) -> list[dict[str, Any]]:
        if not self._static_switched():
            return []
        return [{"origin_id": STATIC_GROUP_ID,
                 "failover_criteria": {"status_codes": STATIC_FAILOVER_CODES},
                 "members": [{"origin_id": STATIC_ORIGIN_ID}, {"origin_id": WEB_ORIGIN_ID}]}]

    def _static_switched(self) -> bool:
        return self.origin_access_control is not None and self._args.serve_static_from_bucket

    def _behavior(self, origin_id: str, cache_policy: aws.cloudfront.CachePolicy, methods: list[str],
                  **extra: Any) -> dict[str, Any]:
        return {"target_origin_id": origin_id, "viewer_protocol_policy": "redirect-to-https", "compress": True,
                "allowed_methods": methods, "cached_methods": ["GET", "HEAD"],
                "cache_policy_id": cache_policy.id, "response_headers_policy_id": self.headers_policy.id, **extra}

    def _create_additional_metrics(self) -> aws.cloudfront.MonitoringSubscription:
        """OriginLatency (the edge's p95 SLO signal) and the per-status error rates are published only with
        CloudFront's additional metrics (billed as CloudWatch custom metrics, about $2.40/month per distribution)."""
        return aws.cloudfront.MonitoringSubscription(
            f"{self._name}-metrics", distribution_id=self.distribution.id,
            monitoring_subscription={"realtime_metrics_subscription_config": {
                "realtime_metrics_subscription_status": "Enabled"}},
            opts=self._child())

    def _create_distribution(self) -> aws.cloudfront.Distribution:
        args = self._args
        all_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
        ordered = []
        if self._static_switched():
            ordered.append(self._behavior(STATIC_GROUP_ID, self.static_cache_policy, ["GET", "HEAD"],
                                          path_pattern=args.static_path_pattern))
        default_origin = LOAD_BALANCER_ORIGIN_ID if args.load_balancer_origin is not None else WEB_ORIGIN_ID
        if self.certificate_arn is not None:
            aliases: list[str] = [args.domain]
            viewer_certificate: dict[str, Any] = {"acm_certificate_arn": self.certificate_arn,
                                                  "ssl_support_method": "sni-only",
                                                  "minimum_protocol_version": "TLSv1.2_2021"}
        else:  # until the certificate is issued: reachable only on *.cloudfront.net, nobody's traffic yet
            aliases, viewer_certificate = [], {"cloudfront_default_certificate": True}
        return aws.cloudfront.Distribution(
            f"{self._name}-distribution",
            enabled=True,
            comment=f"sme-rollout: {args.domain}",
            aliases=aliases,
            http_version="http2and3",
            is_ipv6_enabled=True,
            price_class=args.price_class,
            origins=self._origins(),
            origin_groups=self._origin_groups(),
            default_cache_behavior=self._behavior(default_origin, self.dynamic_cache_policy, all_methods,
                                                  origin_request_policy_id=ORIGIN_REQUEST_ALL_VIEWER),
            ordered_cache_behaviors=ordered,
            viewer_certificate=viewer_certificate,
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            web_acl_id=self.web_acl.arn,
            opts=self._child(protect=args.production))

    def _create_access_logs(self) -> None:
        """CloudFront standard logging v2 into the log bucket (sources and destinations live in us-east-1)."""
        if self._args.log_bucket_arn is None:
            return
        # Delivery source and destination names are unique per account and region (us-east-1 for CloudFront):
        # scoped to the stack, or two stacks in one account collide. CloudWatch Logs PutDeliverySource and
        # PutDeliveryDestination: name 1-60 characters, [\w-]*.
        physical = re.sub(r"[^\w-]", "-", f"{pulumi.get_stack()}-{self._name}-access-logs")[:60]
        source = aws.cloudwatch.LogDeliverySource(
            f"{self._name}-access-logs", name=physical, log_type="ACCESS_LOGS",
            resource_arn=self.distribution.arn, opts=self._child(us_east_1=True))
        destination = aws.cloudwatch.LogDeliveryDestination(
            f"{self._name}-access-logs", name=physical, output_format="parquet",
            delivery_destination_configuration={"destination_resource_arn": self._args.log_bucket_arn},
            opts=self._child(us_east_1=True))
        aws.cloudwatch.LogDelivery(f"{self._name}-access-logs", delivery_source_name=source.name,
                                   delivery_destination_arn=destination.arn, opts=self._child(us_east_1=True))

    def _create_alias_records(self) -> None:
        """The dnsAuthority switch with Route 53: the domain's A/AAAA records become aliases of the distribution.
        `allow_overwrite`: the domain already has records (the live site's); replacing them is the switch.
        `retain_on_delete`: turning the switch off must never leave the domain without an answer (Pulumi would
        delete the records, not restore the old ones); the distribution still serves the old server, and pointing
        the name back is a manual step (docs/journey.md)."""
        if not self._args.hosted_zone_id or not self._args.alias:
            return
        for record_type in ("A", "AAAA"):
            aws.route53.Record(
                f"{self._name}-alias-{record_type.lower()}", zone_id=self._args.hosted_zone_id,
                name=self._args.domain, type=record_type, allow_overwrite=True,
                aliases=[{"name": self.distribution.domain_name, "zone_id": self.distribution.hosted_zone_id,
                          "evaluate_target_health": False}],
                opts=self._child(retain_on_delete=True))

