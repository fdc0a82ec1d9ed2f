"""One pricing module per service, like Infracost's one file per resource: each exports `PRICERS`, a map from the
Pulumi type token to a function (resource, revealed inputs, PricingContext) -> Priced. `registry` collects them."""
