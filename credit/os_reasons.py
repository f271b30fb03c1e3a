"""Why a file could not be opened, in Chinese first: the system's own words follow."""

from __future__ import annotations

import errno

__all__ = ["os_reason"]

_REASONS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ELOOP: "符号链接循环",
}


def os_reason(error: OSError) -> str:
    """`文件不存在（No such file or directory）` for ENOENT; the system's words alone for
    an error without a Chinese reason here."""
    words = error.strerror or str(error)
    reason = _REASONS.get(error.errno or 0)
    return f"{reason}（{words}）" if reason else words
