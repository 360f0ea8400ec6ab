"""Catalog blueprint: product list and product pages."""
