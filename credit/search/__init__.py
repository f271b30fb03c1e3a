"""The search layer: one query model, one engine interface, two engines."""
