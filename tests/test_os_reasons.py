from __future__ import annotations

import errno
from pathlib import Path

import pytest

from credit.os_reasons import os_reason


def test_a_missing_file_is_told_in_chinese_first(tmp_path: Path) -> None:
    with pytest.raises(OSError) as missing:
        (tmp_path / "missing.csv").open("rb")
    assert os_reason(missing.value) == "文件不存在（No such file or directory）"
    with pytest.raises(OSError) as directory:
        tmp_path.open("rb")
    assert os_reason(directory.value).startswith("这是一个目录，不是文件")


def test_an_error_without_a_chinese_reason_keeps_the_systems_words() -> None:
    assert os_reason(OSError(errno.EIO, "Input/output error")) == "Input/output error"
