"""Span rules taken from VLSP 2016 train's gold conventions (``nlp/repair.py``): a person's
given name alone, a recurring nickname, an organisation head before its place.

Texts written for these tests; spans are given as a tagger would (including its mistakes).
"""

from __future__ import annotations

from nlp.entities import mentions_from_tokens, merge_entities
from tests.unit.fakes import tagged_tokens


def _spans(text: str, *spans: tuple[str, str, int]) -> list[tuple[str, str]]:
    mentions = mentions_from_tokens("content", text, tagged_tokens(text, spans))
    return [(m.text, m.type) for m in sorted(mentions, key=lambda m: m.start)]


def test_a_given_name_alone_is_the_person_of_the_full_name() -> None:
    text = (
        "Anh Trần Quốc Mỹ sang Canada học. Mỹ đỗ đại học năm 1990. "
        "Vợ chồng Mỹ mở tiệm nhỏ. Thời đó cả nước chống Mỹ."
    )
    spans = _spans(
        text,
        ("Trần Quốc Mỹ", "PER", 0),
        ("Canada", "LOC", 0),
        ("Mỹ", "LOC", 2),  # "Vợ chồng Mỹ": typed as the country
        ("Mỹ", "LOC", 3),  # "chống Mỹ": the country
    )
    assert spans == [
        ("Trần Quốc Mỹ", "PER"),
        ("Canada", "LOC"),
        ("Mỹ", "PER"),  # untagged at the head of a sentence
        ("Mỹ", "PER"),
        ("Mỹ", "LOC"),
    ]


def test_a_name_tagged_twice_is_the_person_where_it_was_missed() -> None:
    text = "Chị Thư gọi điện. Thư hỏi lại. Trời đã tối. Thư về nhà. Hai vợ chồng Thư đi chợ."
    spans = _spans(text, ("Thư", "PER", 0), ("Thư", "PER", 1))
    assert spans == [("Thư", "PER")] * 4


def test_a_given_name_that_opens_a_word_is_the_word() -> None:
    text = (
        "Thủ tướng Phạm Minh Chính chủ trì phiên họp. Chính phủ yêu cầu các bộ. "
        "Chính nói thêm. Chị Lê Thị Mỹ học Mỹ thuật."
    )
    spans = _spans(text, ("Phạm Minh Chính", "PER", 0), ("Lê Thị Mỹ", "PER", 0))
    assert spans == [
        ("Phạm Minh Chính", "PER"),
        ("Chính", "PER"),  # "Chính nói": the Prime Minister; "Chính phủ": the government
        ("Lê Thị Mỹ", "PER"),
    ]


def test_titles_numbers_and_compass_words_are_not_given_names() -> None:
    # "Hai" and "Nam" are names here, but alone at a sentence head a number and a direction.
    text = "Ông Trần Văn Hai đến. Hai người đi cùng. Ông Lê Văn Nam nói. Miền Nam mưa to."
    spans = _spans(text, ("Trần Văn Hai", "PER", 0), ("Lê Văn Nam", "PER", 0))
    assert spans == [("Trần Văn Hai", "PER"), ("Lê Văn Nam", "PER"), ("Miền Nam", "LOC")]


def test_a_recurring_nickname_is_part_of_the_name() -> None:
    text = 'Tôi gặp Tâm " sẹo " ở Vinh. Tâm " sẹo " cười. Ông Lực " bận " giải thích.'
    spans = _spans(
        text, ("Tâm", "PER", 0), ("Vinh", "LOC", 0), ("Tâm", "PER", 1), ("Lực", "PER", 0)
    )
    assert spans == [
        ('Tâm " sẹo "', "PER"),
        ("Vinh", "LOC"),
        ('Tâm " sẹo "', "PER"),
        ("Lực", "PER"),  # a quoted word once: the sentence's, not a nickname
    ]


def test_the_facet_of_a_person_with_a_nickname_is_the_name() -> None:
    text = 'Công an bắt Nguyễn Văn Tâm "sẹo". Tâm "sẹo" khai nhận. Tâm bị tạm giam.'
    mentions = mentions_from_tokens(
        "content",
        text,
        tagged_tokens(text, (("Nguyễn Văn Tâm", "PER", 0), ("Tâm", "PER", 1), ("Tâm", "PER", 2))),
    )
    people = [e for e in merge_entities(mentions, text) if e.type == "PER"]
    assert [(e.text, e.count) for e in people] == [("Nguyễn Văn Tâm", 3)]


def test_an_organisation_head_takes_the_place_that_ends_its_name() -> None:
    text = (
        "Theo Bộ chỉ huy quân sự Nghệ An, Cơ quan phòng chống thiên tai Quảng Bình "
        "và Công an TP. HCM đã phối hợp. Chính phủ Mỹ im lặng. Trường hợp ở Lào khác. "
        "Đoàn chúng tôi sang Lào."
    )
    spans = _spans(
        text,
        ("Nghệ An", "LOC", 0),
        ("Quảng Bình", "LOC", 0),
        ("TP. HCM", "LOC", 0),
        ("Mỹ", "LOC", 0),
        ("Lào", "LOC", 0),
        ("Lào", "LOC", 1),
    )
    assert spans == [
        ("Bộ chỉ huy quân sự Nghệ An", "ORG"),
        ("Cơ quan phòng chống thiên tai Quảng Bình", "ORG"),
        ("Công an TP. HCM", "ORG"),
        ("Mỹ", "LOC"),  # a country's government: VLSP tags the country
        ("Lào", "LOC"),  # "Trường hợp" is a case, not a school
        ("Lào", "LOC"),  # words of the sentence between head and place
    ]


def test_an_organisation_runs_on_to_its_place_over_a_hyphen_never_over_a_verb() -> None:
    text = (
        "Ủy ban nhân dân thành phố Huế tái hiện lễ tế Nam Giao. "
        "Hội Hữu nghị Việt - Nhật sẽ mở lớp học. Đại diện UBND TP. HCM phát biểu."
    )
    spans = _spans(
        text,
        ("Ủy ban nhân dân thành phố Huế", "ORG", 0),
        ("Nam Giao", "LOC", 0),
        ("Việt", "LOC", 0),
        ("Nhật", "LOC", 0),
        ("UBND", "ORG", 0),
        ("TP. HCM", "PER", 0),  # a place the tagger took for a person
    )
    assert spans == [
        ("Ủy ban nhân dân thành phố Huế", "ORG"),
        ("Nam Giao", "LOC"),
        ("Hội Hữu nghị Việt - Nhật", "ORG"),
        ("UBND TP. HCM", "ORG"),
    ]


def test_an_organisation_with_and_without_its_administrative_word_is_one_facet() -> None:
    text = "Công an Hà Nội cho biết. Công an thành phố Hà Nội đã bắt 12 người."
    mentions = mentions_from_tokens(
        "content",
        text,
        tagged_tokens(text, (("Công an Hà Nội", "ORG", 0), ("Công an thành phố Hà Nội", "ORG", 0))),
    )
    orgs = [e for e in merge_entities(mentions, text) if e.type == "ORG"]
    assert len(orgs) == 1 and orgs[0].count == 2
    assert {orgs[0].text, *orgs[0].aliases} == {"Công an Hà Nội", "Công an thành phố Hà Nội"}


def test_a_company_word_at_the_end_makes_a_name_a_company() -> None:
    text = "Anh làm cho Dow Chemical rồi Agfa Print Graphics. Nhà văn Danielle Steel đến."
    spans = _spans(
        text,
        ("Dow Chemical", "PER", 0),
        ("Agfa Print Graphics", "PER", 0),
        ("Danielle Steel", "PER", 0),
    )
    assert spans == [
        ("Dow Chemical", "ORG"),
        ("Agfa Print Graphics", "ORG"),
        ("Danielle Steel", "PER"),  # a surname too: not among the company words
    ]


def test_a_place_takes_in_the_lower_case_word_that_introduces_it() -> None:
    text = "Ông về xã Tân Lập, qua cầu Sài Gòn rồi ra sân bay Tân Sơn Nhất ở đường Lê Lợi."
    spans = _spans(
        text,
        ("Tân Lập", "LOC", 0),
        ("Sài Gòn", "LOC", 0),
        ("Tân Sơn Nhất", "LOC", 0),
        ("Lê Lợi", "PER", 0),  # a street named after a person
    )
    assert spans == [
        ("xã Tân Lập", "LOC"),
        ("cầu Sài Gòn", "LOC"),
        ("sân bay Tân Sơn Nhất", "LOC"),
        ("đường Lê Lợi", "LOC"),
    ]
    tagged = (("Tân Lập", "LOC", 0), ("Sài Gòn", "LOC", 0), ("Lê Lợi", "PER", 0))
    mentions = mentions_from_tokens("content", text, tagged_tokens(text, tagged))
    facets = merge_entities(mentions, text)
    # The facets are the names, without the word that introduced them.
    assert {e.text for e in facets} == {"Tân Lập", "Sài Gòn", "Tân Sơn Nhất", "Lê Lợi"}


def test_initials_keep_their_full_stops_and_a_nickname_its_closing_quote() -> None:
    text = "Ông Kh. và bà Lê Thu Ph. gặp T.N. hôm qua. H. “ gầy ” cũng đến."
    spans = _spans(
        text,
        ("Kh.", "PER", 0),  # the tagger's last syllable holds the full stop
        ("Lê Thu Ph.", "PER", 0),
        ("T.N.", "PER", 0),
        ("H. “ gầy", "PER", 0),  # the tagger took the nickname in, not its closing quote
    )
    assert spans == [
        ("Kh.", "PER"),
        ("Lê Thu Ph.", "PER"),
        ("T.N.", "PER"),
        ("H. “ gầy ”", "PER"),
    ]


def test_numbered_roads_and_districts_are_places_and_join_their_organisation() -> None:
    text = "Xe chạy trên quốc lộ 51 về quận 8. Công an tỉnh Quảng Ninh và Công an quận 1 vào cuộc."
    spans = _spans(text, ("tỉnh Quảng Ninh", "LOC", 0))
    assert spans == [
        ("quốc lộ 51", "LOC"),
        ("quận 8", "LOC"),
        ("Công an tỉnh Quảng Ninh", "ORG"),
        ("Công an quận 1", "ORG"),
    ]


def test_a_cue_word_inside_a_word_and_a_verb_between_head_and_place_are_left_alone() -> None:
    text = "Bộ Y tế yêu cầu Hà Nội tăng cường. Cơ quan đề nghị Đà Nẵng xem xét."
    spans = _spans(text, ("Bộ Y tế", "ORG", 0), ("Hà Nội", "LOC", 0), ("Đà Nẵng", "LOC", 0))
    # Not the bridge "cầu Hà Nội" of "yêu cầu", not an organisation "Cơ quan đề nghị Đà Nẵng".
    assert spans == [("Bộ Y tế", "ORG"), ("Hà Nội", "LOC"), ("Đà Nẵng", "LOC")]


def test_an_award_or_a_cup_is_no_entity() -> None:
    text = "Ông nhận Golden Pen Award 2019 của IBM, rồi dự AFF Cup ở Hà Nội."
    spans = _spans(
        text,
        ("Golden Pen Award 2019", "ORG", 0),
        ("IBM", "ORG", 0),
        ("AFF Cup", "ORG", 0),
        ("Hà Nội", "LOC", 0),
    )
    assert spans == [("IBM", "ORG"), ("Hà Nội", "LOC")]


def test_an_organisation_opened_by_a_lower_case_phrase_is_dropped() -> None:
    text = (
        "Trưởng văn phòng đại diện Đà Lạt nói với báo Lao Động rằng sư đoàn 9 "
        "đã về, còn cổ phiếu lên sàn Nasdaq."
    )
    spans = _spans(
        text,
        ("văn phòng đại diện Đà Lạt", "ORG", 0),
        ("báo Lao Động", "ORG", 0),
        ("sư đoàn 9", "ORG", 0),
        ("sàn Nasdaq", "ORG", 0),
    )
    # A newspaper and a military unit open lower case; "sàn" is only a head, which the
    # facet drops ("Nasdaq").
    assert spans == [("báo Lao Động", "ORG"), ("sư đoàn 9", "ORG"), ("sàn Nasdaq", "ORG")]


def test_a_date_and_the_words_after_an_acronym_are_not_the_organisations() -> None:
    text = (
        "Trả lời Thanh Niên sáng 3-5, phóng viên Hãng AFP chạy tới. "
        "Trung tâm Phòng chống HIV quốc gia cho biết."
    )
    spans = _spans(
        text,
        ("Thanh Niên sáng 3-5", "ORG", 0),
        ("Hãng AFP chạy", "ORG", 0),
        ("Trung tâm Phòng chống HIV quốc gia", "ORG", 0),
    )
    assert spans == [
        ("Thanh Niên", "ORG"),
        ("Hãng AFP", "ORG"),
        ("Trung tâm Phòng chống HIV quốc gia", "ORG"),
    ]


def test_traffic_police_are_no_organisation() -> None:
    # "CSGT" is the traffic police anywhere, not one department: VLSP 2016 tags none of 23.
    assert _spans("Hai CSGT đứng gác ở ngã tư.") == []


def test_after_a_title_the_office_place_and_person_are_split() -> None:
    text = (
        "Bộ trưởng Năng lượng Ai Cập Tarek El Molla gặp Chủ tịch Ủy ban Tài chính Hạ viện "
        "Maxine Waters. Chủ tịch Tập đoàn Mỹ Lan và hiệu trưởng Trường Marie Curie dự họp "
        "với chị Nguyễn Thị Mỹ Linh."
    )
    spans = _spans(
        text,
        ("Năng lượng Ai Cập Tarek El Molla", "ORG", 0),
        ("Ủy ban Tài chính Hạ viện Maxine Waters", "ORG", 0),
        ("Tập đoàn Mỹ Lan", "ORG", 0),
        ("Trường Marie Curie", "ORG", 0),
        ("Nguyễn Thị Mỹ Linh", "PER", 0),
    )
    assert spans == [
        ("Ai Cập", "LOC"),
        ("Tarek El Molla", "PER"),
        ("Ủy ban Tài chính Hạ viện", "ORG"),
        ("Maxine Waters", "PER"),
        ("Tập đoàn Mỹ Lan", "ORG"),  # a company named after a place
        ("Trường Marie Curie", "ORG"),  # a school named after a person
        ("Nguyễn Thị Mỹ Linh", "PER"),  # a woman's name with "Mỹ" in it
    ]


def test_after_a_title_a_portfolio_and_a_country_are_the_country() -> None:
    text = (
        "Ông tiếp Bộ trưởng Tài chính Úc hôm qua. Chủ tịch Tỉnh ủy Quảng Ninh dự họp. "
        "Giám đốc Tình báo Pháp Marc Delorme phát biểu."
    )
    spans = _spans(
        text,
        ("Tài chính Úc", "ORG", 0),
        ("Tỉnh ủy Quảng Ninh", "ORG", 0),
        ("Tình báo Pháp Marc Delorme", "ORG", 0),  # the tagger's run-on
    )
    assert spans == [
        ("Úc", "LOC"),
        ("Tỉnh ủy Quảng Ninh", "ORG"),
        ("Pháp", "LOC"),
        ("Marc Delorme", "PER"),
    ]


def test_a_foreign_name_runs_on_over_its_particles() -> None:
    text = "Thái tử Mohammed bin Salman tiếp bà Ursula von der Leyen tại Riyadh."
    spans = _spans(
        text,
        ("Mohammed", "PER", 0),
        ("Ursula", "PER", 0),
        ("Leyen", "PER", 0),
        ("Riyadh", "LOC", 0),
    )
    assert spans == [
        ("Mohammed bin Salman", "PER"),
        ("Ursula von der Leyen", "PER"),
        ("Riyadh", "LOC"),
    ]


def test_meetings_and_dated_editions_are_no_entities() -> None:
    text = "Hội nghị Thượng đỉnh G20 và Vietnam Motor Show 2024 mở ở Hà Nội; Apple dự."
    spans = _spans(
        text,
        ("Hội nghị Thượng đỉnh G20", "ORG", 0),
        ("Vietnam Motor Show 2024", "ORG", 0),
        ("Apple", "ORG", 0),
    )
    # The group G20 stays, as a listed name.
    assert spans == [("G20", "ORG"), ("Hà Nội", "LOC"), ("Apple", "ORG")]


def test_tennis_tournaments_are_no_places() -> None:
    text = "Djokovic vô địch Rome Masters rồi dự Madrid Open ở Tây Ban Nha."
    spans = _spans(
        text,
        ("Djokovic", "PER", 0),
        ("Rome Masters", "LOC", 0),
        ("Madrid Open", "LOC", 0),
        ("Tây Ban Nha", "LOC", 0),
    )
    assert spans == [("Djokovic", "PER"), ("Tây Ban Nha", "LOC")]


def test_a_name_before_an_age_is_a_person() -> None:
    text = "Wu Ming, 45 tuổi, và Hà Nội (12 tuổi) là hai đứa trẻ ở Lạng Sơn."
    spans = _spans(text, ("Wu Ming", "LOC", 0), ("Lạng Sơn", "LOC", 0))
    # A listed place keeps its type even before an age.
    assert spans == [("Wu Ming", "PER"), ("Hà Nội", "LOC"), ("Lạng Sơn", "LOC")]


def test_a_capitalised_word_of_a_laws_name_is_no_person() -> None:
    text = (
        "Luật An toàn thực phẩm có hiệu lực; Cục An toàn thực phẩm nhắc các chợ. "
        "Ông Lê Văn Thành nói thêm. Thành công tác ở Huế."
    )
    spans = _spans(
        text,
        ("An", "PER", 0),
        ("An", "PER", 1),
        ("Lê Văn Thành", "PER", 0),
        ("Thành", "PER", 1),
    )
    assert spans == [
        ("Lê Văn Thành", "PER"),
        ("Thành", "PER"),  # "Thành công tác": the man named in full before
    ]


def test_the_eu_is_found_untagged() -> None:
    assert _spans("Các nước EU họp bàn giá khí đốt.") == [("EU", "ORG")]


def test_a_vietnamese_full_name_typed_as_a_place_is_a_person() -> None:
    text = (
        "Võ sĩ Đặng Minh Khoa thắng ở vòng hai. Nhà ở số 5 Lê Hồng Phong. U23 Việt Nam thắng. "
        "Hoa hậu Trần Thị Thu Hà về nước."
    )
    spans = _spans(
        text,
        ("Đặng Minh Khoa", "LOC", 0),
        ("Lê Hồng Phong", "LOC", 0),  # a street, after its house number
        ("U23 Việt Nam", "PER", 0),
        ("Trần Thị Thu Hà", "LOC", 0),
    )
    assert spans == [
        ("Đặng Minh Khoa", "PER"),
        ("Lê Hồng Phong", "LOC"),
        ("U23 Việt Nam", "ORG"),
        ("Trần Thị Thu Hà", "PER"),
    ]


def _facets(text: str, *spans: tuple[str, str, int]) -> list[tuple[str, str, tuple[str, ...]]]:
    mentions = mentions_from_tokens("content", text, tagged_tokens(text, spans))
    return sorted((e.text, e.type, e.aliases) for e in merge_entities(mentions, text))


def test_a_company_is_also_known_by_its_name_without_its_head() -> None:
    text = "Công ty viễn thông Hutchison Whampoa lãi lớn. Hutchison Whampoa chia cổ tức."
    facets = _facets(
        text,
        ("Công ty viễn thông Hutchison Whampoa", "ORG", 0),
        ("Hutchison Whampoa", "ORG", 1),
    )
    assert facets == [
        ("Công ty viễn thông Hutchison Whampoa", "ORG", ("Hutchison Whampoa",)),
    ]


def test_a_surname_that_is_also_a_head_and_a_republic() -> None:
    text = "Hậu vệ Đoàn Văn Hậu trở lại. Cộng hòa Belarus và đảng Cộng hòa Mỹ lên tiếng."
    facets = _facets(
        text,
        ("Đoàn Văn Hậu", "ORG", 0),
        ("Cộng hòa Belarus", "ORG", 0),
    )
    assert ("Đoàn Văn Hậu", "PER", ()) in facets
    assert ("Cộng hòa Belarus", "LOC", ()) in facets


def test_an_age_group_team_and_a_republic_named_with_a_diacritic_capital() -> None:
    text = "U23 Ấn Độ gặp đội tuyển của Cộng hòa Ả Rập."
    spans = _spans(text, ("U23 Ấn Độ", "LOC", 0), ("Cộng hòa Ả Rập", "ORG", 0))
    assert spans == [("U23 Ấn Độ", "ORG"), ("Cộng hòa Ả Rập", "LOC")]


def test_an_initial_alone_is_a_span_but_no_facet() -> None:
    text = "Ông Kh. và bà Lê Thu Ph. gặp anh H. hôm qua."
    facets = _facets(text, ("Kh.", "PER", 0), ("Lê Thu Ph.", "PER", 0), ("H.", "PER", 0))
    # VLSP 2016 tags "Kh." a person (265 initials in train's gold); a reader cannot search it.
    assert facets == [("Lê Thu Ph.", "PER", ())]


def test_an_organisation_ends_where_a_report_verb_follows_its_name() -> None:
    text = (
        "Bộ Nội vụ bắt hai nghi phạm. Viện KSND đề nghị mức án tù. "
        "Ban kiểm tra làm việc cả ngày. Hãng tin Nhật Bản cho biết thêm."
    )
    spans = _spans(
        text,
        ("Bộ Nội vụ bắt", "ORG", 0),  # the tagger's run-on
        ("Viện KSND đề nghị", "ORG", 0),
        ("Ban kiểm tra", "ORG", 0),  # a head alone before the verb: not cut
        ("Hãng tin Nhật Bản cho biết", "ORG", 0),
    )
    assert spans == [
        ("Bộ Nội vụ", "ORG"),
        ("Viện KSND", "ORG"),
        ("Ban kiểm tra", "ORG"),
        ("Hãng tin Nhật Bản", "ORG"),
    ]


def test_names_of_products_and_services_are_not_persons() -> None:
    text = (
        "Hãng ra mắt Zenta Mobile Services và ví Lumo Pay. Quỹ đầu tư Marlow Land mua lại "
        "Ferrow Finance. Ông Tom Lander dự lễ."
    )
    facets = _facets(
        text,
        ("Zenta Mobile Services", "PER", 0),
        ("Lumo Pay", "PER", 0),
        ("Marlow Land", "PER", 0),
        ("Ferrow Finance", "PER", 0),
        ("Tom Lander", "PER", 0),
    )
    assert facets == [
        ("Ferrow Finance", "ORG", ()),  # a company word ends the name
        ("Marlow Land", "ORG", ()),
        ("Tom Lander", "PER", ()),
    ]


def test_a_country_between_an_office_and_its_holder_is_a_place() -> None:
    text = "Thủ tướng Anh Tom Ashby gặp Đại sứ Nhật Bản Sato Kenji."
    spans = _spans(
        text,
        ("Tom Ashby", "PER", 0),  # "Anh" untagged: it is also a word ("brother")
        ("Nhật", "LOC", 0),
        ("Bản Sato Kenji", "PER", 0),  # the tagger cut the country before its last word
    )
    assert spans == [
        ("Anh", "LOC"),
        ("Tom Ashby", "PER"),
        ("Nhật Bản", "LOC"),
        ("Sato Kenji", "PER"),
    ]


def test_a_titled_foreigner_is_a_person_and_a_title_provision_or_pageant_no_facet() -> None:
    text = (
        "Nhà kinh tế Helen Marsh nói với HLV của đội về Điều 12 của luật và cuộc thi "
        "Miss World Vietnam."
    )
    facets = _facets(
        text,
        ("Nhà kinh tế Helen Marsh", "ORG", 0),
        ("HLV", "ORG", 0),
        ("Điều 12", "LOC", 0),  # a provision of a law
        ("World Vietnam", "LOC", 0),  # a pageant's edition, cut short
    )
    assert facets == [("Helen Marsh", "PER", ())]


def test_a_name_after_a_described_company_head_is_the_company() -> None:
    text = "Ông làm ở hãng môi giới Zarkon. Ngân hàng tại Hà Nội và công ty ở Vexland lãi."
    spans = _spans(
        text,
        ("Zarkon", "LOC", 0),
        ("Hà Nội", "LOC", 0),
        ("Vexland", "LOC", 0),  # after a word of the sentence ("ở"): a place
    )
    assert spans == [("Zarkon", "ORG"), ("Hà Nội", "LOC"), ("Vexland", "LOC")]


def test_a_one_word_country_after_a_place_word_is_the_place() -> None:
    text = (
        "Hãng Zorblax của Pháp mở xưởng. Họ sang Đức năm ngoái. Mẹ của Anh là bà Hoa, anh Anh kể."
    )
    spans = _spans(text, ("Zorblax", "ORG", 0), ("Hoa", "PER", 0))
    # "Pháp" and "Đức" untagged: added after "của" and "sang"; "Anh" is a person in the text.
    assert spans == [("Zorblax", "ORG"), ("Pháp", "LOC"), ("Đức", "LOC"), ("Hoa", "PER")]


def test_a_foreign_name_opened_by_a_given_name_is_a_person_not_a_place() -> None:
    text = "Kỳ thủ Wesley Tarn thắng ở Port Marlow, rồi đến thành phố Victor Harbor."
    spans = _spans(
        text,
        ("Wesley Tarn", "LOC", 0),
        ("Port Marlow", "LOC", 0),
        ("Victor Harbor", "LOC", 0),  # after a place word: the place
    )
    assert spans == [
        ("Wesley Tarn", "PER"),
        ("Port Marlow", "LOC"),
        ("thành phố Victor Harbor", "LOC"),  # the span keeps its cue word, as VLSP does
    ]


def test_a_law_and_a_portfolio_alone_are_no_facets() -> None:
    text = "Theo Bộ luật Lao động, Giám đốc Tài chính của Zorblax và Luật sư Trần Văn Hùng ký."
    facets = _facets(
        text,
        ("Bộ luật Lao động", "ORG", 0),
        ("Tài chính", "ORG", 0),
        ("Zorblax", "ORG", 0),
        ("Trần Văn Hùng", "PER", 0),
    )
    assert facets == [("Trần Văn Hùng", "PER", ()), ("Zorblax", "ORG", ())]


def test_a_word_opened_by_a_name_is_a_lower_case_word_after_it() -> None:
    from nlp.repair import _word_opened

    text = "Chính phủ họp. Chính Đông về. Chính 2 lần."
    assert _word_opened(text, text.index(" phủ"), "Chính") == "chính phủ"
    # a capitalised word with a diacritic is a name's next word, never a dictionary word
    assert _word_opened(text, text.index(" Đông"), "Chính") == ""
    assert _word_opened(text, text.index(" 2"), "Chính") == ""


def test_the_first_word_of_a_title_is_not_a_person() -> None:
    text = "Phó tham mưu trưởng Ivan Dorn nói. Đại tá Lê Văn Hòa đến."
    spans = _spans(text, ("Phó", "PER", 0), ("Ivan Dorn", "PER", 0), ("Đại", "PER", 0))
    assert spans == [("Ivan Dorn", "PER")]
