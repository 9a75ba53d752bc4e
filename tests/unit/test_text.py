"""Text clean-up and language detection."""

from __future__ import annotations

import unicodedata

from nlp.language import detect_language
from nlp.text import clean_text, mask_overlong, split_dateline


def test_html_is_removed_with_scripts_and_entities() -> None:
    html = "<p>Hà&nbsp;Nội &amp; Huế</p><script>alert('x')</script><style>p{}</style><b>mưa</b>"
    assert clean_text(html) == "Hà Nội & Huế\nmưa"


def test_nfd_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Đà Nẵng")
    assert clean_text(nfd) == "Đà Nẵng"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))


def test_control_characters_and_spaces_are_folded() -> None:
    assert clean_text("a\x00b\u200b  c\t\td\n\n\ne") == "a b c d\ne"


def test_text_without_markup_is_not_parsed_as_html() -> None:
    assert clean_text("3 < 5 và 7 > 2") == "3 < 5 và 7 > 2"


def test_mask_overlong_keeps_offsets() -> None:
    text = "Hà Nội " + "x" * 1000 + " mưa"
    masked = mask_overlong(text)
    assert len(masked) == len(text)
    assert masked.endswith(" mưa")
    assert "x" not in masked


def test_vietnamese_is_detected() -> None:
    assert detect_language("Thủ tướng làm việc với lãnh đạo thành phố Đà Nẵng hôm nay.") == "vi"


def test_english_and_other_scripts_are_not_vietnamese() -> None:
    assert detect_language("The prime minister visited Da Nang on Monday.") == "und"
    assert detect_language("東京で会議が開かれた") == "und"
    assert detect_language("12345 !!!") == "und"


def _detect_letter_by_letter(text: str, sample_chars: int = 4000) -> str:
    """``detect_language`` as first written: every letter of every word tested."""
    import re

    from nlp.language import _VI_LETTERS

    words = re.findall(r"[^\W\d_]+", text[:sample_chars].lower())
    if not words:
        return "und"
    latin = [w for w in words if w.isascii() or any(c in _VI_LETTERS for c in w)]
    if len(latin) < 0.5 * len(words):
        return "und"
    marked = sum(1 for w in latin if any(c in _VI_LETTERS for c in w))
    return "vi" if marked >= 0.2 * len(latin) else "und"


def test_language_is_decided_as_letter_by_letter() -> None:
    texts = [
        "Sáng nay, mưa lớn kéo dài khiến nhiều tuyến phố ngập sâu.",
        "The council met on Monday to discuss the new budget.",
        "Le café était fermé à cause de la grève générale.",
        "Über die Straße fährt ein großer Bus.",
        "北京 上海 广州 深圳 Hà Nội",
        "Москва и Санкт-Петербург, Hà Nội",
        "CEO Elon Musk nói về xe điện tại hội nghị ở Hà Nội",
        "Đà Nẵng",
        "a b c d é",
        "1234 5678 !!!",
        "",
        "ÀẢÃÁẠ ĂẰẲẴẮẶ ÂẦẨẪẤẬ Đ ÊỀỂỄẾỆ",
    ]
    for text in [*texts, " ".join(texts), "x " * 3000 + "đường " * 500]:
        assert detect_language(text) == _detect_letter_by_letter(text)
    assert detect_language(texts[0]) == "vi" and detect_language(texts[1]) == "und"


def test_a_dateline_glued_to_the_lead_is_split_off_only_when_it_is_a_place() -> None:
    places = {"Hà Nội", "Tây Ban Nha", "Anh"}.__contains__
    assert split_dateline("Hà NộiSáng nay trời nắng, chị Lan đi chợ.", places) == (
        "Hà Nội\nSáng nay trời nắng, chị Lan đi chợ."
    )
    assert split_dateline("Tây Ban NhaĐội khách thắng 2-0 trên sân nhà.", places) == (
        "Tây Ban Nha\nĐội khách thắng 2-0 trên sân nhà."
    )
    assert split_dateline("AnhHLV Tom Reed nói.", places) == "Anh\nHLV Tom Reed nói."
    # Names written in camel case, and case changes past the first line, stay.
    for text in (
        "SpaceX phóng tên lửa.",
        "TikTok bị phạt ở Anh.",
        "Tên lửa của SpaceX bay.",
        "Hà Nội mưa.\nAnhHLV nói.",
        "VnExpress Marathon Hà Nội.",
    ):
        assert split_dateline(text, places) == text


def test_a_dateline_in_capitals_is_split_before_the_leads_first_word() -> None:
    places = {"TP HCM", "US"}.__contains__
    assert split_dateline("TP HCMLê Văn Tám bị bắt.", places) == "TP HCM\nLê Văn Tám bị bắt."
    assert split_dateline("USAID công bố.", places) == "USAID công bố."  # an acronym
