"""Providers: one package per source of resources. They collect and normalize; they never judge."""
