"""A text in both languages with its halves kept apart: the core's messages and the reports'."""

from __future__ import annotations

# Between the halves of a text in both languages, as the core's messages join them.
BILINGUAL_SEPARATOR = " / "


class Bilingual(str):
    """A text in both languages: "中文 / English" wherever it is printed as a text (the PDF,
    which may go to either reader; the log), the Chinese alone in a workbook's cell, which the
    bureau reads in Chinese (a header's English is its note). Kept apart at the source, since
    a pair cannot be split back safely: the English may quote the Chinese. A warning a report
    takes from elsewhere (a deadline's, the holiday calendar's) is made so where it is said."""

    chinese: str
    english: str

    def __new__(cls, chinese: str, english: str) -> Bilingual:
        text = super().__new__(cls, f"{chinese}{BILINGUAL_SEPARATOR}{english}")
        text.chinese, text.english = chinese, english
        return text

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        # Copied or pickled with its halves: str's own would pass the pair as one argument.
        return self.chinese, self.english

    def indented(self, by: str = "  ") -> Bilingual:
        """Indented as a note's sub-item (the line starts with its Chinese)."""
        return Bilingual(f"{by}{self.chinese}", self.english)


def chinese_of(text: str) -> str:
    """What a workbook's cell holds of a text: a Bilingual's Chinese, any other text whole."""
    return text.chinese if isinstance(text, Bilingual) else text
