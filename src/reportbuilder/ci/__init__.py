"""Continuous-integration files `reportbuilder init --ci` writes."""
