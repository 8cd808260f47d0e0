"""Cohort analytics: loaders, metrics and dashboards."""
