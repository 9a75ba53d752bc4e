"""Queries typed without diacritics, ranked by the words meant, on the real stack.

The articles are invented for this test: one names a person whose syllables other
articles have apart (in their titles, where they weigh most); one is about Hà Nội
and also says "nói" and "nối"; one is about Đà Nẵng, another says "đã nâng" again
and again.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from tests.integration.conftest import Run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ARTICLES = [
    {
        "id": "rank-person",
        "title": "Nữ giáo viên vùng cao được tuyên dương",
        "content": (
            "Cô Trịnh Thị Khuyên, giáo viên một điểm trường ở huyện vùng cao, vừa được tỉnh "
            "tuyên dương vì mười năm bám bản dạy chữ cho học sinh người dân tộc.\n"
            "Mỗi sáng, cô Khuyên đi bộ hơn một giờ qua suối để đến lớp."
        ),
    },
    {
        "id": "rank-apart-1",
        "title": "Chuyên gia khuyên nhà đầu tư giữ trình tự khi thị trường biến động",
        "content": (
            "Các chuyên gia khuyên nhà đầu tư cá nhân lập kế hoạch theo trình tự rõ ràng, "
            "không chạy theo tin đồn khi thị trường chứng khoán biến động mạnh.\n"
            "Theo họ, thị trường sẽ còn dao động trong vài tháng tới."
        ),
    },
    {
        "id": "rank-apart-2",
        "title": "Lời khuyên về trình tự khám sức khỏe cho người lớn tuổi ở thị xã",
        "content": (
            "Bác sĩ khuyên người lớn tuổi ở thị xã đi khám theo trình tự: đo huyết áp, "
            "xét nghiệm máu rồi mới khám chuyên khoa.\n"
            "Trình tự này giúp rút ngắn thời gian chờ tại bệnh viện thị xã."
        ),
    },
    {
        "id": "rank-hanoi",
        "title": "Mưa lớn kéo dài ở Hà Nội",
        "content": (
            "Mưa lớn từ đêm qua làm nhiều tuyến phố Hà Nội ngập sâu.\n"
            "Người dân nói rằng nước rút chậm vì đường ống nối ra sông bị tắc.\n"
            "Công ty thoát nước cho biết sẽ nạo vét đường ống trong tuần."
        ),
    },
    {
        "id": "rank-danang",
        "title": "Du lịch biển hồi phục mạnh",
        "content": (
            "Các khách sạn ven biển Đà Nẵng kín phòng trong dịp nghỉ lễ.\n"
            "Sở Du lịch Đà Nẵng cho biết lượng khách quốc tế tăng gấp đôi so với năm trước."
        ),
    },
    {
        "id": "rank-raised",
        "title": "Nhà máy đã nâng công suất, xuất khẩu đã nâng gấp đôi",
        "content": (
            "Năm nay nhà máy đã nâng công suất lên gấp rưỡi và đã nâng lương cho công nhân.\n"
            "Doanh nghiệp đã nâng mục tiêu xuất khẩu năm tới."
        ),
    },
]
_MARKED = re.compile(r"<em>(.*?)</em>")


def _search(run: Run, text: str) -> list[dict[str, Any]]:
    result = run.cli("search", text, "--index", run.alias, "--json", "--size", "10")
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)["hits"])


def _marked(hit: dict[str, Any]) -> list[str]:
    return [
        m for fragments in hit["highlight"].values() for f in fragments for m in _MARKED.findall(f)
    ]


def test_unaccented_queries_rank_and_highlight_the_words_meant(run: Run, es: Elasticsearch) -> None:
    worker = run.start_worker()
    run.publish(ARTICLES)
    run.wait_indexed(es, [a["id"] for a in ARTICLES])
    assert worker.poll() is None

    # A person's full name, typed without diacritics: the article naming her first,
    # above those that hold "trình"/"Trịnh", "thị" and "khuyên" apart in their titles.
    hits = _search(run, "trinh thi khuyen")
    assert hits[0]["id"] == "rank-person", [h["id"] for h in hits]
    assert "<em>Trịnh Thị Khuyên</em>" in hits[0]["highlight"]["content"][0]

    # "ha noi" marks Hà Nội, never the "nói" and "nối" of the same article.
    hits = _search(run, "ha noi")
    assert hits[0]["id"] == "rank-hanoi"
    marked = _marked(hits[0])
    assert marked and {m.lower() for m in marked} == {"hà nội"}, hits[0]["highlight"]
    # Snippets are one line each (the article's line breaks would break a page's layout).
    assert all("\n" not in f for fragments in hits[0]["highlight"].values() for f in fragments)

    # "da nang" is the city before a title saying "đã nâng" twice.
    hits = _search(run, "da nang")
    assert hits[0]["id"] == "rank-danang", [h["id"] for h in hits]
    assert set(_marked(hits[0])) == {"Đà Nẵng"}

    # A title typed without diacritics still finds its article first.
    for article in ARTICLES:
        hits = _search(run, article["title"].lower())
        assert hits[0]["id"] == article["id"], (article["title"], [h["id"] for h in hits])
    hits = _search(run, "chuyen gia khuyen nha dau tu giu trinh tu khi thi truong bien dong")
    assert hits[0]["id"] == "rank-apart-1"
