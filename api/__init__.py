"""The GraphQL API over the search layer (not built yet)."""
