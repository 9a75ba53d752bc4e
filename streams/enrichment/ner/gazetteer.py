"""Hand-compiled Vietnamese name lists the tagger uses as features.

Written for tinstream from general knowledge (administrative divisions, common
surnames, the vocabulary of institutions); no corpus text. A list only suggests:
the CRF weighs each match against the context, so "Anh" (England) and "anh"
(brother) or a surname used as a common word are decided by the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

SURNAMES = """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương
Trịnh Đinh Lâm Phùng Mai Tô Trương Hà Tạ Lương Cao Quách Thái Châu La Lưu Kiều Khúc Tôn
Thân Triệu Văn Chu Chử Đàm Mạc Nghiêm Giang Khổng Doãn Hứa Lục Tăng Thạch Quan Ông Từ
Diệp Kim Âu Nông Lò Hầu Vi Bạch Ninh Lã Viên Phí Nhâm Tiêu Cù Ứng Trình Lạc Đồng Lại Bế
Sầm Bạc Mẫn Tống Kha Hàn Đậu Thiều Lục Phó Khương Yên Mạnh Cung Chung Lục Mông
"""

# Provinces and cities (current and former names), regions, and well-known places.
VIETNAMESE_PLACES = """
Hà Nội|Thành phố Hồ Chí Minh|TP.HCM|TPHCM|Sài Gòn|Hải Phòng|Đà Nẵng|Cần Thơ|Huế|An Giang|
Bà Rịa - Vũng Tàu|Bà Rịa|Vũng Tàu|Bắc Giang|Bắc Kạn|Bạc Liêu|Bắc Ninh|Bến Tre|Bình Định|
Bình Dương|Bình Phước|Bình Thuận|Cà Mau|Cao Bằng|Đắk Lắk|Đắc Lắc|Đắk Nông|Điện Biên|Đồng Nai|
Đồng Tháp|Gia Lai|Hà Giang|Hà Nam|Hà Tĩnh|Hải Dương|Hậu Giang|Hòa Bình|Hoà Bình|Hưng Yên|
Khánh Hòa|Khánh Hoà|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|Lạng Sơn|Lào Cai|Long An|Nam Định|
Nghệ An|Ninh Bình|Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|Quảng Ngãi|Quảng Ninh|
Quảng Trị|Sóc Trăng|Sơn La|Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Thanh Hoá|
Thừa Thiên Huế|Thừa Thiên - Huế|Tiền Giang|Trà Vinh|Tuyên Quang|Vĩnh Long|Vĩnh Phúc|Yên Bái|
Hà Tây|Hà Sơn Bình|Nghĩa Bình|Phú Khánh|Minh Hải|Sông Bé|Hà Bắc|Cửu Long|Nha Trang|Đà Lạt|
Buôn Ma Thuột|Pleiku|Quy Nhơn|Vinh|Hạ Long|Phan Thiết|Rạch Giá|Phú Quốc|Côn Đảo|Mỹ Tho|
Biên Hòa|Thủ Đức|Long Xuyên|Châu Đốc|Hội An|Sa Pa|Sapa|Móng Cái|Lạng Sơn|Hoàng Sa|Trường Sa|
Tây Nguyên|Tây Bắc|Đông Bắc|Nam Bộ|Bắc Bộ|Trung Bộ|Nam Trung Bộ|Đồng bằng sông Cửu Long|
Đồng bằng sông Hồng|Miền Tây|Biển Đông|Vịnh Bắc Bộ|Vịnh Hạ Long|Sông Hồng|Sông Mê Kông|Mê Kông|
Mekong|Sông Đà|Sông Hương|Hồ Gươm|Hoàn Kiếm|Ba Đình|Đống Đa|Cầu Giấy|Hai Bà Trưng|Tây Hồ|
Long Biên|Hoàng Mai|Thanh Xuân|Gia Lâm|Đông Anh|Sóc Sơn|Từ Liêm|Hà Đông|Sơn Tây|Gò Vấp|
Bình Thạnh|Tân Bình|Phú Nhuận|Bình Tân|Củ Chi|Hóc Môn|Nhà Bè|Cần Giờ|Tân Sơn Nhất|Nội Bài|
Việt Nam|Đông Dương
"""

COUNTRIES_AND_CITIES = """
Mỹ|Hoa Kỳ|Trung Quốc|Nhật Bản|Nhật|Hàn Quốc|Triều Tiên|Bắc Triều Tiên|Nga|Liên Xô|Pháp|Đức|
Anh|Ý|Italy|Italia|Tây Ban Nha|Bồ Đào Nha|Hà Lan|Bỉ|Thụy Sĩ|Thuỵ Sĩ|Thụy Điển|Thuỵ Điển|Na Uy|
Đan Mạch|Phần Lan|Ba Lan|Séc|Tiệp Khắc|Hungary|Áo|Hy Lạp|Thổ Nhĩ Kỳ|Ukraine|Ukraina|Belarus|
Iran|Iraq|I-rắc|Israel|Ixraen|Palestine|Palextin|Syria|Xyri|Liban|Li-băng|Lebanon|Jordan|
Ai Cập|Libya|Saudi Arabia|Ả Rập Xê Út|Arab Saudi|Afghanistan|Ápganixtan|Pakistan|Ấn Độ|
Bangladesh|Sri Lanka|Nepal|Thái Lan|Lào|Campuchia|Cam-pu-chia|Myanmar|Miến Điện|Malaysia|
Singapore|Xinhgapo|Indonesia|Inđônêxia|Philippines|Philippin|Brunei|Đông Timor|Úc|Australia|
Ôxtrâylia|New Zealand|Canada|Mexico|Mêhicô|Brazil|Braxin|Argentina|Áchentina|Chile|Chilê|Peru|
Colombia|Venezuela|Cuba|Nam Phi|Nigeria|Kenya|Ethiopia|Sudan|Somalia|Mông Cổ|Đài Loan|
Hồng Kông|Hong Kong|Ma Cao|Macau|Romania|Rumani|Bulgaria|Serbia|Croatia|Kazakhstan|
Uzbekistan|Qatar|Kuwait|UAE|Yemen|Oman|Bahrain|Algeria|Maroc|Ma-rốc|Morocco|Tunisia|Ireland|
Scotland|Iceland|Georgia|Gruzia|Armenia|Azerbaijan|Chechnya|Kosovo|Bosnia|Slovakia|Slovenia|
Estonia|Latvia|Lithuania|Cộng hòa Séc|Vatican|Monaco|Luxembourg|Haiti|Jamaica|Panama|
Ecuador|Bolivia|Paraguay|Uruguay|Zimbabwe|Congo|Uganda|Rwanda|Ghana|Senegal|Cameroon|
Angola|Mozambique|Madagascar|Tanzania|Bờ Biển Ngà|Châu Á|Châu Âu|Châu Phi|Châu Mỹ|Mỹ Latinh|
Trung Đông|Đông Nam Á|Đông Á|Nam Á|Bắc Mỹ|Nam Mỹ|Bắc Phi|Tây Âu|Đông Âu|Thái Bình Dương|
Đại Tây Dương|Ấn Độ Dương|Bắc Cực|Nam Cực|Địa Trung Hải|Biển Đen|Vùng Vịnh|Bán đảo Triều Tiên|
Washington|New York|London|Luân Đôn|Paris|Tokyo|Bắc Kinh|Thượng Hải|Quảng Châu|Thâm Quyến|
Moscow|Matxcơva|Mátxcơva|Berlin|Seoul|Bangkok|Viêng Chăn|Vientiane|Phnom Penh|Phnôm Pênh|
Kuala Lumpur|Jakarta|Manila|Sydney|Melbourne|Baghdad|Bát-đa|Kabul|Tehran|Têhêran|Jerusalem|
Gaza|Dải Gaza|Bờ Tây|Geneva|Giơnevơ|Brussels|Rome|Madrid|Barcelona|Los Angeles|California|
Texas|Florida|Chicago|Boston|San Francisco|Hawaii|Alaska|Nhà Trắng|Lầu Năm Góc|Osaka|Kyoto|
Fukushima|Hiroshima|Đài Bắc|Bình Nhưỡng|Islamabad|New Delhi|Mumbai|Dubai|Doha|Istanbul|
Athens|Vienna|Amsterdam|Stockholm|Oslo|Copenhagen|Warsaw|Praha|Budapest|Kiev|Kyiv|Minsk|
Havana|Ottawa|Toronto|Vancouver|Rio de Janeiro|Buenos Aires|Cairo|Tripoli|Damascus|Beirut|
Riyadh|Manchester|Liverpool|Munich|Milan|Turin|Dortmund|Madrid|Tây Tạng|Tân Cương|Vũ Hán|
Hải Nam|Quảng Tây|Vân Nam|Tứ Xuyên|Crimea|Hokkaido|Okinawa|Bali|Mindanao|Kashmir|Darfur
"""

# Words that open the name of an institution: "Bộ Y tế", "Công ty CP ...".
ORGANISATION_HEADS = """
Bộ|Sở|Phòng|Ban|Cục|Tổng cục|Vụ|Viện|Công ty|Tổng công ty|Tập đoàn|Ngân hàng|Trường|Đại học|
Học viện|Bệnh viện|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Hội|Hiệp hội|Liên đoàn|Liên hiệp|Đảng|
Quốc hội|Chính phủ|Tòa án|Toà án|TAND|Viện kiểm sát|VKSND|Công an|Bộ Công an|Quân đội|Quân khu|
Bộ đội|Báo|Đài|Thông tấn xã|Câu lạc bộ|CLB|Đội tuyển|Trung tâm|Nhà máy|Xí nghiệp|Hợp tác xã|Quỹ|
Tổ chức|Cơ quan|Văn phòng|Mặt trận|Đoàn|Thành ủy|Thành uỷ|Tỉnh ủy|Tỉnh uỷ|Huyện ủy|Huyện uỷ|
Bộ Chính trị|Ban Bí thư|Trung ương|Tòa soạn|Nhà xuất bản|NXB|Khoa|Liên minh|Hãng|Hãng tin|
Tổng liên đoàn|Kho bạc|Chi cục|Ban quản lý|Cảng vụ|Bộ Tư lệnh|Sư đoàn|Lữ đoàn|Trung đoàn|
Tiểu đoàn|Hải quân|Không quân|Lục quân|Cảnh sát|Phòng Cảnh sát|Đồn|Trạm|Chi nhánh|Văn phòng
"""

# Acronyms and names of organisations that need no head word.
ORGANISATION_NAMES = """
UBND|HĐND|LHQ|Liên Hợp Quốc|Liên hợp quốc|NATO|ASEAN|WHO|WTO|IMF|EU|Liên minh châu Âu|
UNESCO|UNICEF|UNDP|FIFA|UEFA|AFC|AFF|VFF|FAO|OPEC|APEC|CIA|FBI|KGB|BBC|CNN|AFP|Reuters|
AP|Tân Hoa Xã|TTXVN|VTV|VOV|HTV|EVN|PVN|Petrovietnam|BIDV|Vietcombank|Vietinbank|Agribank|
Techcombank|VPBank|ACB|Sacombank|Eximbank|SHB|HSBC|Vingroup|Viettel|VNPT|FPT|Vinamilk|
Vietnam Airlines|Vietjet|Jetstar|Google|Apple|Microsoft|Samsung|Toyota|Honda|Facebook|Sony|
Intel|Boeing|Airbus|Nokia|IBM|Yahoo|Amazon|Ford|Hyundai|Nissan|Unilever|Nestlé|Coca-Cola|
Pepsi|Interpol|Hamas|Hezbollah|Taliban|al-Qaeda|Al-Qaeda|Bộ Chính trị|
Ban Bí thư|Mặt trận Tổ quốc|Đoàn Thanh niên|Hội Chữ thập đỏ|Chữ thập đỏ|Hội Nông dân|
Hội Phụ nữ|Tổng liên đoàn Lao động|Ngân hàng Nhà nước|NHNN|Ngân hàng Thế giới|World Bank|
WB|ADB|Bộ Y tế|Bộ Tài chính|Bộ Công Thương|Bộ Quốc phòng|Bộ Ngoại giao|Bộ Giáo dục và Đào tạo|
Bộ GD-ĐT|Bộ Nội vụ|Bộ Tư pháp|Bộ Xây dựng|Bộ Giao thông Vận tải|Bộ GTVT|Bộ Nông nghiệp|
Bộ Tài nguyên và Môi trường|Bộ Khoa học và Công nghệ|Bộ Văn hóa|Bộ Lao động|Bộ Kế hoạch và Đầu tư|
Bộ Thông tin và Truyền thông|Bộ Công an|Bộ Ngoại giao Mỹ|Lầu Năm Góc|Điện Kremlin|Kremlin|
Real Madrid|Barcelona|Manchester United|Man Utd|Chelsea|Arsenal|Liverpool|Juventus|AC Milan|
Inter Milan|Bayern Munich|HAGL|Hoàng Anh Gia Lai|Thể Công|SLNA|Sông Lam Nghệ An|VnExpress|
Tuổi Trẻ|Thanh Niên|Người Lao Động|Tiền Phong|Lao Động|Dân trí|VietNamNet|Nhân Dân|Quân đội Nhân dân
"""

# Words before a person's name that are not part of it.
PERSON_TITLES = """
ông|bà|anh|chị|cô|chú|bác|cụ|em|cậu|thầy|cháu|Chủ tịch|Phó Chủ tịch|Thủ tướng|Phó Thủ tướng|
Bộ trưởng|Thứ trưởng|Tổng thống|Phó Tổng thống|Tổng Bí thư|Bí thư|Phó Bí thư|Giám đốc|
Phó Giám đốc|Tổng Giám đốc|Tổng giám đốc|Trưởng phòng|Trưởng ban|Trưởng công an|Đại tá|
Thượng tá|Trung tá|Thiếu tá|Đại úy|Đại uý|Thượng úy|Trung úy|Thiếu úy|Thiếu tướng|Trung tướng|
Thượng tướng|Đại tướng|Giáo sư|GS|PGS|TS|ThS|BS|bác sĩ|Bác sĩ|luật sư|Luật sư|nhà báo|
nghệ sĩ|ca sĩ|diễn viên|cầu thủ|tiền đạo|thủ môn|tiền vệ|hậu vệ|HLV|huấn luyện viên|Đại sứ|
Tổng Thư ký|Tổng thư ký|Ngoại trưởng|Thống đốc|Hoàng tử|Công chúa|Nữ hoàng|Vua|vua|Giáo hoàng|
Thượng nghị sĩ|Nghị sĩ|nghị sĩ|đại biểu|bị cáo|bị can|nghi phạm|Tiến sĩ|Thạc sĩ|Linh mục|
Hòa thượng|Thượng tọa|Đại đức|Chánh án|Viện trưởng|Phó Viện trưởng|Hiệu trưởng|Trung tướng|
Chủ nhiệm|Phát ngôn viên|người phát ngôn|Tư lệnh|Chỉ huy trưởng|Trưởng đoàn|Thủ lĩnh|
thủ lĩnh|Tổng biên tập|nhà văn|nhà thơ|nhạc sĩ|họa sĩ|đạo diễn|Đức Giáo hoàng|Thái tử|
Nhà vua|Quốc vương|Hoàng đế|Tướng|tướng|Chủ tịch nước|Phó Chủ tịch nước|Chủ tịch Quốc hội
"""

# Words before a place name that are not part of it.
LOCATION_CUES = """
tỉnh|thành phố|TP|TP.|huyện|quận|xã|phường|thị xã|thị trấn|thôn|ấp|bản|làng|sông|núi|đảo|
quần đảo|biển|vịnh|hồ|đèo|đường|phố|cầu|nước|thủ đô|bang|vùng|miền|khu vực|châu|cảng|
sân bay|chợ|tổ|khu|xóm|đồi|rừng|cánh đồng|đồng bằng|cao nguyên|bán đảo|eo biển|vườn quốc gia|
Tỉnh|Thành phố|Huyện|Quận|Xã|Phường|Thị xã|Thủ đô|Bang|Vùng|Miền|Sông|Núi|Đảo|Biển|Vịnh|Hồ
"""


def _phrases(block: str | Iterable[str]) -> frozenset[str]:
    items = block.split("|") if isinstance(block, str) else block
    return frozenset(" ".join(p.split()) for p in items if p.strip())


GAZETTEERS: dict[str, frozenset[str]] = {
    "surname": _phrases(SURNAMES.split()),
    "vnloc": _phrases(VIETNAMESE_PLACES),
    "loc": _phrases(COUNTRIES_AND_CITIES),
    "orghead": _phrases(ORGANISATION_HEADS),
    "org": _phrases(ORGANISATION_NAMES),
    "pertitle": _phrases(PERSON_TITLES),
    "loccue": _phrases(LOCATION_CUES),
}
