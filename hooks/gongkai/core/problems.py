"""Problems found in staff input: what, where, and how to fix it, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    code: str                 # stable machine code, e.g. "date-format"
    file: str                 # path relative to the project root
    message: str              # what is wrong (Chinese)
    hint: str = ""            # how to fix it (Chinese)
    line: int | None = None
    field: str | None = None  # front-matter key (Chinese)
    severity: str = ERROR

    def format(self) -> str:
        where = self.file + (f" 第{self.line}行" if self.line else "")
        label = "错误" if self.severity == ERROR else "提醒"
        what = (f"字段“{self.field}”：" if self.field else "") + self.message
        text = f"[{label}] {where}：{what}"
        return text + (f" 修改方法：{self.hint}" if self.hint else "")


class InputError(Exception):
    """Raised when staff input has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{sum(p.severity == ERROR for p in problems)} 个错误")


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]


def report(problems: list[Problem]) -> str:
    """All problems, errors first, then a count line."""
    errs = errors(problems)
    warns = [p for p in problems if p.severity != ERROR]
    lines = [p.format() for p in errs + warns]
    if errs:
        lines.append(f"共 {len(errs)} 个错误、{len(warns)} 个提醒。有错误时不会生成网站，请逐条修改后重试。")
    elif warns:
        lines.append(f"没有错误，{len(warns)} 个提醒。")
    return "\n".join(lines)
