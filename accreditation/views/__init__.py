"""Thin pages for the pathway, one module per kind of user: parse, check the rule, call one service or selector,
render."""
