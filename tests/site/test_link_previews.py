"""Links that preview well: every page carries Open Graph and Twitter-card tags, and its card image
(drawn at build time by hooks/social_cards.py) is the right size and shows the page's title legibly.
A calculator's shared scenario link (the page's URL with the scenario in its query string) previews
the same card."""

from __future__ import annotations

import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "hooks"), str(ROOT / "calculators"), str(ROOT / "tools")]
import social_cards  # noqa: E402

LANGUAGES = {"ja": Path("."), "en": Path("en")}
LOCALES = {"ja": "ja_JP", "en": "en_US"}
#: The smallest title size that stays legible when X or Slack shows the card about 500 px wide.
MIN_TITLE_SIZE = 44


class Head(HTMLParser):
    """The <meta> and <link> tags of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.lang = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "head":
            self._in_head = True
        if not self._in_head:
            return
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs.get("content", ""))
        if tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]


def head_of(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def built_pages(site_dir: Path, lang: str) -> list[Path]:
    base = site_dir / LANGUAGES[lang]
    return sorted(path for path in base.rglob("index.html")
                  if not (lang == "ja" and path.relative_to(base).parts[0] == "en"))


def local_file(site_dir: Path, url: str) -> Path:
    """The file in site/ that a URL of the built site names."""
    sitemap_loc = (site_dir / "sitemap.xml").read_text().split("<loc>")[1].split("</loc>")[0]
    root = urlparse(sitemap_loc).path
    return site_dir / urlparse(url).path[len(root):]


def all_heads(site_dir):
    for lang in LANGUAGES:
        for path in built_pages(site_dir, lang):
            yield lang, path, head_of(path)


# --------------------------------------------------------------------------- the tags

def test_every_page_has_open_graph_and_twitter_card_tags(site_dir):
    checked = 0
    for lang, path, head in all_heads(site_dir):
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        assert len(canonical) == 1, path
        assert head.one("og:url") == canonical[0], path
        assert head.one("og:title") and head.one("og:title") == head.one("twitter:title"), path
        description = head.one("description")
        assert description and head.one("og:description") == description == head.one("twitter:description"), path
        assert head.one("og:locale") == LOCALES[lang] and head.lang == lang, path
        assert head.one("og:locale:alternate") == LOCALES["en" if lang == "ja" else "ja"], path
        assert head.one("og:type") in ("website", "article"), path
        assert head.one("og:site_name"), path
        assert head.one("twitter:card") == "summary_large_image", path
        assert head.one("twitter:image") == head.one("og:image"), path
        assert head.one("og:image:alt") == head.one("twitter:image:alt") != "", path
        assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630"), path
        checked += 1
    assert checked >= 2 * 24


class Heading(HTMLParser):
    """The text of the page's first <h1> (its permalink mark left out)."""

    def __init__(self):
        super().__init__()
        self.text, self._depth, self._done, self._skip = "", 0, False, 0

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self._done:
            self._depth = 1
        elif self._depth and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self._skip = 1

    def handle_endtag(self, tag):
        if tag == "h1" and self._depth:
            self._depth, self._done = 0, True
        elif tag == "a" and self._skip:
            self._skip = 0

    def handle_data(self, data):
        if self._depth and not self._skip:
            self.text += data


def test_the_preview_title_is_the_page_title_as_the_reader_sees_it(site_dir):
    """Quotes and ampersands in a title survive into the tags (the templates escape them)."""
    for lang, path, head in all_heads(site_dir):
        heading = Heading()
        heading.feed(path.read_text(encoding="utf-8"))
        if heading.text.strip():
            assert head.one("og:title") == " ".join(heading.text.replace("¶", "").split()), path


def test_every_card_is_an_absolute_url_on_the_site_itself_and_its_own_language(site_dir):
    origin = urlparse((site_dir / "sitemap.xml").read_text().split("<loc>")[1].split("</loc>")[0])
    for lang, path, head in all_heads(site_dir):
        image = urlparse(head.one("og:image"))
        assert (image.scheme, image.netloc) == (origin.scheme, origin.netloc), path
        assert image.path.endswith(".png")
        assert ("/en/" in image.path) == (lang == "en"), path


def test_pages_are_described_by_their_own_first_paragraph(site_dir):
    """Every written page (the generated "Python source" listings have no prose: they get the
    site's description)."""
    descriptions = [head.one("description") for _, path, head in all_heads(site_dir)
                    if "source" not in path.relative_to(site_dir).parts]
    assert len(set(descriptions)) == len(descriptions), "each page has a description of its own"
    kv = head_of(site_dir / "kv-cache" / "index.html").one("description")
    assert kv.startswith("大規模言語モデルは") and kv.endswith("。") and len(kv) <= 130


# --------------------------------------------------------------------------- the images

def cards(site_dir):
    for lang, path, head in all_heads(site_dir):
        yield lang, path, head.one("og:title"), local_file(site_dir, head.one("og:image"))


def test_every_card_image_exists_is_1200_by_630_and_small(site_dir):
    for lang, path, title, image in cards(site_dir):
        assert image.is_file(), (path, image)
        with Image.open(image) as picture:
            assert picture.format == "PNG" and picture.size == (1200, 630), image
        assert image.stat().st_size < 300_000, image


def test_every_title_fits_in_large_type_without_losing_a_character(site_dir):
    bold, _ = social_cards.fonts()
    width = social_cards.SIZE[0] - 2 * social_cards.MARGIN
    for lang, path, title, _ in cards(site_dir):
        layout = social_cards.layout_title(title, lambda size: social_cards.font(bold, size).getlength)
        assert layout.size >= MIN_TITLE_SIZE, (title, layout)
        assert len(layout.lines) <= social_cards.MAX_LINES, (title, layout)
        assert "".join(layout.lines).replace(" ", "") == title.replace(" ", ""), (title, layout)
        measure = social_cards.font(bold, layout.size).getlength
        assert all(measure(line) <= width for line in layout.lines), (title, layout)


def test_the_font_has_a_glyph_for_every_character_the_cards_show(site_dir):
    """No tofu: a character the font lacks would be drawn as the same empty box (.notdef)."""
    bold, regular = social_cards.fonts()
    shown = set()
    for lang, path, title, _ in cards(site_dir):
        shown |= set(title)
    for words in social_cards.WORDS.values():
        shown |= set("".join(words.values()))
    shown |= set("0123456789年月日〜– ")
    for path in {bold, regular}:
        font = social_cards.font(path, 40)
        notdef = glyph(font, "\U000F0000")  # a private-use character no font draws
        missing = sorted(char for char in shown - {" "} if glyph(font, char) == notdef)
        assert missing == [], (path, missing)


def glyph(font, char: str) -> bytes:
    picture = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(picture).text((8, 8), char, font=font, fill=255)
    return picture.tobytes()


def relative_luminance(rgb) -> float:
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def expected_title(title: str) -> tuple[Image.Image, tuple]:
    """The title alone, drawn where the card puts it, as a mask (ink = 255)."""
    bold, _ = social_cards.fonts()
    layout = social_cards.layout_title(title, lambda size: social_cards.font(bold, size).getlength)
    mask = Image.new("L", social_cards.SIZE, 0)
    pen = ImageDraw.Draw(mask)
    font = social_cards.font(bold, layout.size)
    for index, line in enumerate(layout.lines):
        pen.text((social_cards.MARGIN, social_cards.TITLE_TOP + index * social_cards.line_height(layout.size)),
                 line, font=font, fill=255, anchor="la")
    box = (0, social_cards.TITLE_TOP - 20, social_cards.SIZE[0],
           social_cards.TITLE_TOP + len(layout.lines) * social_cards.line_height(layout.size) + 10)
    return mask, box


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_card_shows_the_title_in_dark_ink_on_a_light_ground(site_dir, lang):
    """What is drawn in the title area is the page's title (compared pixel by pixel with the title
    set alone), with a contrast of at least 7:1 (WCAG AAA) between ink and ground."""
    for _, path, title, image in cards(site_dir):
        if _ != lang:
            continue
        with Image.open(image) as picture:
            card = picture.convert("RGB")
        mask, box = expected_title(title)
        region = card.crop(box)
        colors = region.getcolors(1_000_000)
        ground = max(colors)[1]
        ink = min((color for _, color in colors), key=relative_luminance)
        assert contrast(ink, ground) >= 7, (path, ink, ground)
        drawn = ImageChops.invert(region.convert("L")).point(lambda value: 255 if value > 96 else 0)
        wanted = mask.crop(box).point(lambda value: 255 if value > 96 else 0)
        differing = sum(ImageChops.difference(drawn, wanted).histogram()[1:])
        inked = sum(wanted.histogram()[1:])
        assert inked > 2_000, (path, "the title is drawn")
        assert differing <= 0.05 * inked, (path, differing, inked)


def test_a_page_that_cites_records_shows_when_they_were_checked_on_its_card():
    card = social_cards.Card(title="KV", site="S", lang="ja", checked="出典の確認日 2026年11月26日")
    bare = social_cards.Card(title="KV", site="S", lang="ja", checked="")
    strip = (social_cards.MARGIN, social_cards.SIZE[1] - 110, 800, social_cards.SIZE[1] - 40)
    assert ImageChops.difference(social_cards.draw(card).crop(strip), social_cards.draw(bare).crop(strip)).getbbox()


# --------------------------------------------------------------------------- line breaking

def measure_chars(text: str) -> float:
    return float(len(text))


@pytest.mark.parametrize("text", ["DeepSeek ショック：2025 年 1 月 27 日に何が起き、その後どうなったか",
                                  "マルチヘッド潜在アテンション（MLA）: KV キャッシュを潜在ベクトルに畳む",
                                  "輸出管理: H800 と H20 を TPP の算術で読む"])
@pytest.mark.parametrize("width", [6, 9, 13, 17])
def test_lines_break_the_japanese_way(text, width):
    lines = social_cards.wrap(text, width, measure_chars)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert line[0] not in social_cards.NO_LINE_START, lines
        assert line[-1] not in social_cards.NO_LINE_END, lines
    words = {word for word in text.split() if word.isascii()}
    for word in words:
        assert any(word in line for line in lines), (word, lines)


def test_a_title_breaks_after_its_colon_when_that_costs_no_extra_line():
    lines = social_cards.title_lines("KV キャッシュ: 推論コストを決めるメモリ", 14, measure_chars)
    assert lines == ["KV キャッシュ:", "推論コストを決めるメモリ"]


# --------------------------------------------------------------------------- a shared scenario

def test_a_shared_scenario_link_previews_the_page_card(site_dir):
    """A crawler that fetches the link a reader shares (the scenario in the query string) reads
    the same card, description and canonical URL as for the page itself, and the card is served."""
    from serve import make_server, serve_in_background
    server = make_server(site_dir, port=0)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        def fetch(url: str):
            with urllib.request.urlopen(url) as response:
                return response.status, response.headers["Content-Type"], response.read()
        _, _, shared = fetch(base + "en/kv-cache/?kv-cache.context_length=8192&kv-cache.model=llama-3.1-8b")
        head = Head()
        head.feed(shared.decode("utf-8"))
        plain = head_of(site_dir / "en" / "kv-cache" / "index.html")
        for key in ("og:image", "og:title", "og:description", "og:url", "twitter:image"):
            assert head.one(key) == plain.one(key), key
        image = local_file(site_dir, head.one("og:image")).relative_to(site_dir).as_posix()
        status, kind, body = fetch(base + image)
        assert status == 200 and kind == "image/png" and body[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        server.shutdown()


# --------------------------------------------------------------------------- descriptions

def test_a_description_keeps_whole_sentences_up_to_the_limit():
    import page_meta
    text = "The first sentence is here. " + "Another sentence is written here. " * 4 + "X" * 300
    shown = page_meta.summary(text, "en")
    assert shown.endswith("here.") and len(shown) <= page_meta.DESCRIPTION_LENGTH["en"]
    assert page_meta.summary("短い文です。" + "長い" * 100 + "。", "ja").startswith("短い文です。長い")


def test_a_description_that_would_say_too_little_takes_part_of_the_next_sentence():
    import page_meta
    shown = page_meta.summary("Short. " + "A very long sentence " * 20 + "ends.", "en")
    assert shown.startswith("Short. A very long") and shown.endswith("…")
    assert len(shown) <= page_meta.DESCRIPTION_LENGTH["en"]
