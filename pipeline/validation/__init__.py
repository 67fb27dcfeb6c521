"""Validation: the grant's rules as Great Expectations suites, with a severity each.

An *error* keeps the offending return report out of the tables (quarantine) and blocks
publication while it concerns a current report; a *warning* is published in the report's
quality section. Every failure names the file, row, column, value and rule.
"""
