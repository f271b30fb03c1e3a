"""The server-rendered public portal (not built yet)."""
