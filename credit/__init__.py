"""ipcredit's shared core: models, validation, the publication rule, text and identifiers."""
