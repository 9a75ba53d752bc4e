"""SimHash fingerprints and the near-duplicate table."""

from __future__ import annotations

from streams.duplicates import NearDuplicates
from streams.enrichment.simhash import BANDS, MAX_DISTANCE, bands, distance, simhash

STORY = (
    "Sáng nay, mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở trung tâm thành phố ngập "
    "sâu, giao thông ùn tắc nghiêm trọng. Người dân phải dắt xe qua những đoạn đường ngập "
    "nước, nhiều xe máy chết máy giữa đường. Công ty thoát nước cho biết đã huy động hàng "
    "trăm công nhân và máy bơm để tiêu thoát nước tại các điểm ngập. Theo dự báo của cơ "
    "quan khí tượng, mưa còn kéo dài đến hết tuần, người dân cần chủ động phòng tránh. "
    "Nhiều trường học đã cho học sinh nghỉ để đảm bảo an toàn, phụ huynh phải đón con sớm. "
    "Tại các khu dân cư thấp trũng, nước tràn vào nhà khiến đồ đạc hư hỏng, nhiều gia đình "
    "phải kê cao tài sản và di chuyển người già, trẻ nhỏ đến nơi an toàn. Chính quyền các "
    "phường đã cử lực lượng trực tại những điểm ngập sâu, cắm biển cảnh báo và hướng dẫn "
    "người đi đường tránh những tuyến phố nguy hiểm. Các chuyên gia cho rằng hệ thống thoát "
    "nước của thành phố đã quá tải so với tốc độ đô thị hóa, cần được đầu tư nâng cấp đồng "
    "bộ trong thời gian tới để hạn chế tình trạng ngập úng mỗi khi mưa lớn."
)
EDITED = STORY.replace("Sáng nay", "Sáng 25/11").replace("hàng trăm", "gần 200")
OTHER = (
    "Đội tuyển bóng đá quốc gia đã có buổi tập đầu tiên chuẩn bị cho vòng loại giải châu "
    "lục. Huấn luyện viên trưởng cho biết toàn đội đang có tinh thần tốt, các cầu thủ trẻ "
    "được trao nhiều cơ hội hơn. Trận đấu đầu tiên sẽ diễn ra trên sân nhà vào cuối tháng, "
    "ban tổ chức dự kiến bán hết vé trong vài ngày tới, người hâm mộ rất háo hức chờ đợi."
)


def test_a_lightly_edited_copy_is_a_few_bits_away_and_another_story_is_not() -> None:
    a, b, c = simhash(STORY), simhash(EDITED), simhash(OTHER)
    assert a is not None and b is not None and c is not None
    assert distance(a, b) <= MAX_DISTANCE
    assert distance(a, c) > 10
    assert simhash(STORY) == a  # stable: no per-process hash seed


def test_fingerprints_ignore_case_and_unicode_form() -> None:
    import unicodedata

    assert simhash(unicodedata.normalize("NFD", STORY.upper())) == simhash(STORY)


def test_short_texts_get_no_fingerprint() -> None:
    assert simhash("Hà Nội mưa to") is None


def test_bands_split_the_fingerprint() -> None:
    keys = list(bands(0x0123_4567_89AB_CDEF))
    assert len(keys) == BANDS
    assert keys[0] == f"0:{0x0123_4567_89AB_CDEF & 0x7FF:03x}"
    assert list(bands(0)) == [f"{b}:000" for b in range(BANDS)]
    # Fingerprints a few bits apart share a band.
    assert set(bands(0)) & set(bands((1 << 3) | (1 << 20) | (1 << 40) | (1 << 50) | (1 << 63)))


def test_a_copy_points_at_the_first_original_and_survives_a_reload() -> None:
    table: dict[str, list[list[object]]] = {}
    index = NearDuplicates(table)
    story, edited, other = (f"{simhash(t):016x}" for t in (STORY, EDITED, OTHER))
    assert index.check("a", story) is None
    assert index.check("b", edited) == "a"
    assert index.check("c", other) is None
    # A copy of the copy still points at the original; the same id is never its own copy.
    assert index.check("d", edited) == "a"
    assert index.check("a", story) is None
    # The state is the table: a new index over it (a restarted worker) knows the same.
    assert NearDuplicates(dict(table)).find("e", story) == "a"


def test_a_band_keeps_a_bounded_number_of_entries() -> None:
    table: dict[str, list[list[object]]] = {}
    index = NearDuplicates(table, per_band=3)
    for n in range(10):
        index.remember(f"id{n}", "0000000000000000")
    assert all(len(entries) == 3 for entries in table.values())
    assert index.find("new", "0000000000000001") == "id7"
