"""Turns analysis results into tables, Markdown, SARIF and JSON documents."""
