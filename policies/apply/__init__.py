"""The `apply` rule family: what the AWS and Cloudflare APIs reject at `pulumi up`, or what the providers document as
broken, found offline in any Pulumi program. One module per service, one pure function per rule, severity "error":
`rollout check` fails on an apply error whatever the enforcement config says (mocks accept anything; these do not).
Every rule names its source (API reference, provider docs or issue) in `sources`."""
