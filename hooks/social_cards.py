"""Hook: a preview image (1200 × 630 PNG) for every page in its language, drawn at build time.

Where a link is shared (X, Slack, LINE, Teams), the page's Open Graph image shows its title in
large type, the site's name, the dates its sources were checked and the language. The images are
drawn offline with Pillow and Debian's Noto Sans CJK (``fonts-noto-cjk``, installed by ``make``
through ``tools/ensure_cjk_font.sh``; ``DSCALC_CJK_FONT`` names another CJK font): Material's social
plugin fetches its fonts from the network, so it is not used. A card is redrawn only when what it
shows changes (``.cache/cards``, keyed by its contents).

Titles are broken into lines the Japanese way (no line starts with 、。）」 or a small kana, none
ends with （「, Latin words stay whole, a title with a colon breaks after it if that fits) and set
in the largest size that fits in four lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from mkdocs.exceptions import PluginError
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import freshness  # noqa: E402
import site_state  # noqa: E402

SIZE = (1200, 630)
MARGIN = 72
TITLE_TOP = 150
TITLE_BOTTOM = 520
TITLE_SIZES = (72, 64, 56, 50, 44)
MAX_LINES = 4
COLORS = {"background": "#ffffff", "band": "#283593", "on_band": "#ffffff", "title": "#141824",
          "text": "#3c4043"}
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_INDEX = 0  # Noto Sans CJK JP in Debian's .ttc files
CACHE = site_state.ROOT / ".cache" / "cards"

NO_LINE_START = set("、。，．,.）)」』】〕・ー：:；;！!？?…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜")
NO_LINE_END = set("（(「『【〔")
#: A Latin word (a path breaks after each "/"), a run of spaces, or any other character.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,'’%+&_-]*/?|\s+|.")
WORDS = {
    "ja": {"language": "日本語", "checked": "出典の確認日 "},
    "en": {"language": "English", "checked": "Sources checked "},
}


@dataclass(frozen=True)
class Card:
    title: str
    site: str
    lang: str
    #: "出典の確認日 2026年11月25日〜2026年11月26日", or "" for a page that cites no record.
    checked: str


def fonts() -> tuple[Path, Path]:
    """(bold, regular) font files."""
    chosen = os.environ.get("DSCALC_CJK_FONT")
    if chosen:
        return Path(chosen), Path(chosen)
    return FONT_DIR / "NotoSansCJK-Bold.ttc", FONT_DIR / "NotoSansCJK-Regular.ttc"


@lru_cache(maxsize=32)
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        raise PluginError(f"the social cards need a CJK font at {path}: run `make site` (it installs "
                          "Debian's fonts-noto-cjk) or set DSCALC_CJK_FONT")
    return ImageFont.truetype(str(path), size, index=FONT_INDEX if path.suffix == ".ttc" else 0,
                              layout_engine=ImageFont.Layout.BASIC)


def card_uri(page_url: str) -> str:
    """Where a page's card lives, relative to its build's root: ``assets/social/kv-cache.png``."""
    name = page_url.strip("/") or "index"
    return f"assets/social/{name}.png"


def card_for(page, config, state) -> Card:
    dates = state.dates.get(page.file.src_uri)
    checked = WORDS[state.lang]["checked"] + short_range(dates.oldest, dates.newest, state.lang) if dates else ""
    return Card(title=page_title(page) or config.site_name, site=config.site_name, lang=state.lang,
                checked=checked)


def short_range(oldest: str, newest: str, lang: str) -> str:
    """Two ISO dates as one short range: 2026 年 11 月 25 日〜26 日 / 25–26 November 2026."""
    first, last = (date.fromisoformat(day) for day in (oldest, newest))
    if first == last:
        return freshness.long_date(oldest, lang)
    if (first.year, first.month) == (last.year, last.month):
        if lang == "ja":
            return f"{freshness.long_date(oldest, lang)}〜{last.day} 日"
        return f"{first.day}–{freshness.long_date(newest, lang)}"
    separator = "〜" if lang == "ja" else " – "
    return freshness.long_date(oldest, lang) + separator + freshness.long_date(newest, lang)


def page_title(page) -> str:
    """The page's title as plain text."""
    return " ".join(re.sub(r"<[^>]+>", "", str(page.title or "")).split())


def on_post_page(output: str, page, config):
    state = site_state.of(config)
    target = Path(config.site_dir) / card_uri(page.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached_card(card_for(page, config, state)), target)
    return output


def cached_card(card: Card) -> Path:
    # The drawing code is part of the key: a changed layout redraws every card.
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    key = json.dumps({**asdict(card), "code": code, "fonts": [str(path) for path in fonts()]},
                     sort_keys=True, ensure_ascii=False)
    path = CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.png"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        draw(card).save(path, format="PNG")
    return path


# --------------------------------------------------------------------------- layout (pure)

def tokens(text: str) -> list[str]:
    """Units a line may break between: Latin words whole, other characters one by one; a
    character that may not start a line joins the unit before it, one that may not end a line
    joins the unit after it."""
    units: list[str] = []
    carry = ""
    for piece in TOKEN.findall(text):
        if piece[0] in NO_LINE_START and units and not carry:
            units[-1] += piece
        elif piece[-1] in NO_LINE_END:
            carry += piece
        else:
            units.append(carry + piece)
            carry = ""
    if carry:
        units.append(carry)
    return units


def wrap(text: str, width: float, measure) -> list[str]:
    """Greedy lines of at most ``width`` (as ``measure`` counts), broken between ``tokens``."""
    lines: list[str] = []
    line = ""
    for unit in tokens(text):
        candidate = line + unit
        if line.strip() and measure(candidate.rstrip()) > width:
            lines.append(line.rstrip())
            line = unit.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def title_lines(title: str, width: float, measure) -> list[str]:
    """The title's lines: broken after its colon when that takes no more lines (or two), else
    greedily."""
    greedy = wrap(title, width, measure)
    colon = re.search(r"[:：]\s*", title)
    if colon and colon.end() < len(title):
        parted = wrap(title[:colon.start() + 1], width, measure) + wrap(title[colon.end():], width, measure)
        if len(parted) <= max(len(greedy), 2):
            return parted
    return greedy


@dataclass(frozen=True)
class TitleLayout:
    size: int
    lines: tuple


def layout_title(title: str, measure_at) -> TitleLayout:
    """The largest title size whose lines fit the card; ``measure_at(size)`` gives a function
    that measures text at that size."""
    width = SIZE[0] - 2 * MARGIN
    for size in TITLE_SIZES:
        measure = measure_at(size)
        lines = title_lines(title, width, measure)
        height = len(lines) * line_height(size)
        fits = all(measure(line) <= width for line in lines)
        if fits and len(lines) <= MAX_LINES and TITLE_TOP + height <= TITLE_BOTTOM:
            return TitleLayout(size, tuple(lines))
    return TitleLayout(TITLE_SIZES[-1], tuple(title_lines(title, width, measure_at(TITLE_SIZES[-1]))))


def line_height(size: int) -> int:
    return round(size * 1.3)


# --------------------------------------------------------------------------- drawing

def draw(card: Card) -> Image.Image:
    """The card as a Pillow image (RGB, ``SIZE``)."""
    bold, regular = fonts()
    image = Image.new("RGB", SIZE, COLORS["background"])
    pen = ImageDraw.Draw(image)
    band = 96
    pen.rectangle((0, 0, SIZE[0], band), fill=COLORS["band"])
    pen.text((MARGIN, band // 2), card.site, font=font(regular, 32), fill=COLORS["on_band"], anchor="lm")
    layout = layout_title(card.title, lambda size: font(bold, size).getlength)
    title_font = font(bold, layout.size)
    for index, line in enumerate(layout.lines):
        pen.text((MARGIN, TITLE_TOP + index * line_height(layout.size)), line, font=title_font,
                 fill=COLORS["title"], anchor="la")
    small = font(regular, 30)
    if card.checked:
        pen.text((MARGIN, SIZE[1] - 64), card.checked, font=small, fill=COLORS["text"], anchor="ls")
    language = WORDS[card.lang]["language"]
    pen.text((SIZE[0] - MARGIN, SIZE[1] - 64), language, font=font(bold, 30), fill=COLORS["band"], anchor="rs")
    pen.rectangle((0, SIZE[1] - 16, SIZE[0], SIZE[1]), fill=COLORS["band"])
    return image
