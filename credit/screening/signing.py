"""Ed25519 signatures on screening reports, and the site's key pair.

The key pair is created on first use in the data directory (`report-signing-key.pem`,
mode 0600; the public half beside it as `report-signing-key.pub.pem`) and the public
key is what `/.well-known/ipcredit-report-key` serves.

A report file is `content + seal`. The seal is one ASCII line,
`ipcredit-report/1 id=… as_of=… data_version=… rows=… key=… sig=…`, where `sig` is
the Ed25519 signature over `ipcredit-report/1\\n` + the seal's fields (without `sig`)
+ `\\n` + SHA-512(content). It travels as the last row of a CSV report and as the
ZIP comment of an XLSX report (which Excel ignores); `content` is every byte before
it, so changing any byte of the file makes verification fail.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "CSV_SEAL_CELL",
    "FORMAT",
    "KEY_FILE",
    "PUBLIC_KEY_FILE",
    "SealFields",
    "Verification",
    "key_id",
    "load_or_create_key",
    "load_public_key",
    "public_key_pem",
    "seal",
    "split_sealed",
    "verify_report",
]

FORMAT = "ipcredit-report/1"
KEY_FILE = "report-signing-key.pem"
PUBLIC_KEY_FILE = "report-signing-key.pub.pem"
CSV_SEAL_CELL = "签名 signature"
_ZIP_END = b"PK\x05\x06"
_ZIP_END_SIZE = 22
_FIELD = re.compile(r"([a-z_]+)=(\S+)")
_REPORT_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True)
class SealFields:
    """What a seal says about its report (everything but the signature)."""

    report_id: str
    as_of: date
    data_version: int
    rows: int
    key: str

    def text(self) -> str:
        return (
            f"id={self.report_id} as_of={self.as_of.isoformat()}"
            f" data_version={self.data_version} rows={self.rows} key={self.key}"
        )


@dataclass(frozen=True)
class Verification:
    """The answer about a report file: genuine or not, and what it speaks for."""

    genuine: bool
    message: str
    format: str | None = None
    fields: SealFields | None = None


# --- keys ----------------------------------------------------------------------------------------


def load_or_create_key(data_dir: Path) -> Ed25519PrivateKey:
    """The site's signing key, created (0600) on first use; safe when processes race."""
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        temporary = data_dir / f".{KEY_FILE}.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(pem)
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process made one first
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{KEY_FILE} is not an Ed25519 private key")
    public = data_dir / PUBLIC_KEY_FILE
    if not public.exists():
        public.write_bytes(public_key_pem(loaded.public_key()))
    return loaded


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    """The public key as PEM (SubjectPublicKeyInfo), as published."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """A published public key from its PEM; ValueError when it is not Ed25519."""
    loaded = serialization.load_pem_public_key(pem)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


def key_id(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- sealing -------------------------------------------------------------------------------------


def _message(fields: SealFields, digest: bytes) -> bytes:
    return f"{FORMAT}\n{fields.text()}\n".encode() + digest


def seal(fields: SealFields, content_digest: bytes, key: Ed25519PrivateKey) -> str:
    """The seal line for content whose SHA-512 digest is given."""
    signature = key.sign(_message(fields, content_digest))
    return f"{FORMAT} {fields.text()} sig={base64.b64encode(signature).decode()}"


def _parse_seal(text: str) -> tuple[SealFields, bytes] | None:
    if not text.startswith(FORMAT + " "):
        return None
    values = dict(_FIELD.findall(text[len(FORMAT) + 1 :]))
    try:
        fields = SealFields(
            report_id=values["id"],
            as_of=date.fromisoformat(values["as_of"]),
            data_version=int(values["data_version"]),
            rows=int(values["rows"]),
            key=values["key"],
        )
        signature = base64.b64decode(values["sig"], validate=True)
    except (KeyError, ValueError, binascii.Error):
        return None
    if f"{FORMAT} {fields.text()} sig={values['sig']}" != text:
        return None  # anything added, removed or reordered
    if not _REPORT_ID.fullmatch(fields.report_id):
        return None
    return fields, signature


def split_sealed(data: bytes) -> tuple[str, bytes, str] | None:
    """(format, content, seal text) of a report file; None when it carries no seal."""
    if data.startswith(b"PK\x03\x04"):
        end = data.rfind(_ZIP_END)
        if end < 0 or end + _ZIP_END_SIZE > len(data):
            return None
        length = int.from_bytes(data[end + 20 : end + 22], "little")
        if end + _ZIP_END_SIZE + length != len(data) or not length:
            return None
        comment = data[end + _ZIP_END_SIZE :]
        return "xlsx", data[: end + 20], comment.decode("ascii", errors="replace")
    body = data[:-2] if data.endswith(b"\r\n") else data
    start = body.rfind(b"\n") + 1
    last = body[start:].decode("utf-8", errors="replace")
    prefix = CSV_SEAL_CELL + ","
    if not last.startswith(prefix) or not data.endswith(b"\r\n"):
        return None
    return "csv", data[:start], last[len(prefix) :]


def verify_report(data: bytes, public_key: Ed25519PublicKey) -> Verification:
    """Whether a downloaded report file is genuine and unmodified, and what it speaks for."""
    parts = split_sealed(data)
    if parts is None:
        return Verification(
            False,
            "找不到报告签名：这不是 ipcredit 筛查报告，或文件已被修改（例如用 Excel 重新保存）。",
        )
    kind, content, text = parts
    parsed = _parse_seal(text)
    if parsed is None:
        return Verification(False, "报告签名格式不正确：文件已被修改。", kind)
    fields, signature = parsed
    if fields.key != key_id(public_key):
        return Verification(
            False,
            f"报告不是用本站公布的密钥签名的（报告密钥 {fields.key}，本站 {key_id(public_key)}）。",
            kind,
            fields,
        )
    try:
        public_key.verify(signature, _message(fields, hashlib.sha512(content).digest()))
    except InvalidSignature:
        return Verification(
            False, "签名验证失败：报告内容已被修改，或不是本站签发的。", kind, fields
        )
    return Verification(
        True,
        f"报告真实且未被修改：编号 {fields.report_id}，公示日期 {fields.as_of.isoformat()}，"
        f"数据版本 {fields.data_version}，共 {fields.rows} 行。",
        kind,
        fields,
    )
