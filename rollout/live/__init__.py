"""What talks to AWS or to a live site: audit, drill, deploy, price refresh, assess and load tests."""
