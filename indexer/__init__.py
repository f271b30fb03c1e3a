"""The indexer: reads feeds, keeps the store of record, writes the search engine."""
