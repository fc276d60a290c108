"""Organisations, customers and their channel identities, products, purchases."""
