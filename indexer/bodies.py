"""How the store keeps record bodies: zstd with a dictionary trained on its first records.

A record body is a JSON object of ~760 bytes whose keys and much of whose wording
repeat from record to record; compressed alone it shrinks by a quarter, with a
dictionary learned from the store's own records to a fifth. The dictionary is
trained once, from the first batch with at least `TRAINING_RECORDS` records, and
kept in the store (`body_dictionaries`) in the same transaction as the bodies it
compressed; it never changes afterwards. Until then bodies are kept as JSON text,
and a store may hold both forms: text is read as it is, bytes are decompressed
(the frame names its dictionary).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import zstandard

TRAINING_RECORDS = 2_000
DICTIONARY_BYTES = 32 * 1024
LEVEL = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS body_dictionaries (
    dict_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
"""

Stored = str | bytes


class BodyCodec:
    """Compresses bodies on their way into one store and restores them on the way out."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._compressor: zstandard.ZstdCompressor | None = None
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}
        self._load()

    def reset(self) -> None:
        """Forget what is not in the store (a dictionary trained by a rolled-back batch)."""
        self._compressor = None
        self._decompressors.clear()
        self._load()

    def _load(self) -> None:
        """Read the store's dictionary (another process may have trained it since)."""
        row = self.db.execute("SELECT dict_id, data FROM body_dictionaries LIMIT 1").fetchone()
        if row is None:
            return
        dictionary = zstandard.ZstdCompressionDict(row[1])
        self._compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary)
        self._decompressors[int(row[0])] = zstandard.ZstdDecompressor(dict_data=dictionary)

    def pack(self, bodies: Sequence[object]) -> list[object]:
        """The stored form of a batch's bodies (None for a withdrawal stays None).

        Call inside the batch's transaction: a dictionary trained here is saved by it.
        """
        if self._compressor is None:
            texts: list[bytes | bytearray | memoryview] = [
                body.encode() for body in bodies if isinstance(body, str)
            ]
            if len(texts) >= TRAINING_RECORDS:
                self._train(texts)
        if self._compressor is None:
            return list(bodies)
        compress = self._compressor.compress
        return [compress(body.encode()) if isinstance(body, str) else body for body in bodies]

    def _train(self, samples: list[bytes | bytearray | memoryview]) -> None:
        dictionary = zstandard.train_dictionary(DICTIONARY_BYTES, samples)
        self.db.execute(
            "INSERT INTO body_dictionaries VALUES (?, ?)",
            (dictionary.dict_id(), dictionary.as_bytes()),
        )
        self._load()

    def unpack(self, stored: Stored) -> str:
        """The JSON text of a stored body."""
        if isinstance(stored, str):
            return stored
        dict_id = zstandard.get_frame_parameters(stored).dict_id
        if dict_id not in self._decompressors:
            self._load()
        return self._decompressors[dict_id].decompress(stored).decode()
