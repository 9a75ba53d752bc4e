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

# More of the world, as Vietnamese news writes it (transliterated and English forms).
WORLD_PLACES = """
Afghanistan|Albania|Andorra|Ả Rập|Các Tiểu vương quốc Ả Rập Thống nhất|Ả Rập Saudi|Argentina|
Bahamas|Barbados|Belize|Benin|Bhutan|Botswana|Burkina Faso|Burundi|Cabo Verde|Chad|Comoros|
Costa Rica|Cộng hòa Dân chủ Congo|Cộng hòa Trung Phi|Cộng hòa Dominica|Dominica|Djibouti|
El Salvador|Eritrea|Eswatini|Fiji|Gabon|Gambia|Grenada|Guatemala|Guinea|Guyana|Honduras|
Kyrgyzstan|Liberia|Liechtenstein|Malawi|Maldives|Mali|Malta|Mauritania|Mauritius|Moldova|
Montenegro|Namibia|Nauru|Nicaragua|Niger|Bắc Macedonia|Macedonia|Palau|Papua New Guinea|
Samoa|San Marino|Seychelles|Sierra Leone|Síp|Cyprus|Slovenia|Solomon|Suriname|Tajikistan|
Togo|Tonga|Trinidad và Tobago|Turkmenistan|Tuvalu|Vanuatu|Zambia|Timor-Leste|Đông Timor|
Bosnia và Herzegovina|Bờ Biển Ngà|Nam Sudan|Sudan|Libi|Tuynidi|Angiêri|Xênêgan|Nam Tư|
Triều Tiên|CHDCND Triều Tiên|Hàn|Anh Quốc|Vương quốc Anh|Liên bang Nga|Đại Hàn|Xứ Wales|Wales|
Bắc Ireland|Anh Quốc|Tây Ban Nha|Cộng hòa Czech|Czech|Thổ Nhĩ Kỳ|Hy Lạp|Ả-rập|I-ran|I-xra-en|
Pa-le-xtin|Xu-đăng|Cu-ba|Vê-nê-xu-ê-la|Bra-xin|Ác-hen-ti-na|Mê-hi-cô|Ca-na-đa|Ô-xtrây-li-a|
In-đô-nê-xi-a|Ma-lai-xi-a|Xin-ga-po|Phi-líp-pin|Mi-an-ma|Bru-nây|Băng-la-đét|Pa-ki-xtan|
Áp-ga-ni-xtan|Mông Cổ|Nội Mông|Tân Cương|Tây Tạng|Hồ Bắc|Hồ Nam|Quảng Đông|Phúc Kiến|
Chiết Giang|Giang Tô|Sơn Đông|Hà Bắc|Hắc Long Giang|Cát Lâm|Liêu Ninh|Thiểm Tây|Cam Túc|
Thiên Tân|Trùng Khánh|Nam Kinh|Hàng Châu|Thành Đô|Tây An|Hạ Môn|Đại Liên|Côn Minh|Nam Ninh|
Bằng Tường|Hà Khẩu|Đông Hưng|Phòng Thành|Đài Trung|Cao Hùng|Busan|Pusan|Incheon|Daegu|
Yokohama|Nagoya|Kobe|Sapporo|Nagasaki|Sendai|Chiang Mai|Phuket|Pattaya|Siem Reap|Battambang|
Luang Prabang|Savannakhet|Champasak|Yangon|Naypyidaw|Mandalay|Penang|Johor|Sabah|Sarawak|
Surabaya|Bandung|Cebu|Davao|Calcutta|Kolkata|Bangalore|Chennai|Karachi|Lahore|Kathmandu|
Dhaka|Colombo|Ankara|Baku|Tbilisi|Yerevan|Astana|Tashkent|Abu Dhabi|Sharjah|Muscat|Amman|
Basra|Mosul|Kirkuk|Fallujah|Tikrit|Aleppo|Homs|Idlib|Tel Aviv|Haifa|Ramallah|Benghazi|Sirte|
Misrata|Alexandria|Khartoum|Nairobi|Lagos|Abuja|Johannesburg|Cape Town|Pretoria|Addis Ababa|
Mogadishu|Kinshasa|Dakar|Accra|Casablanca|Rabat|Algiers|Tunis|Washington DC|Manhattan|
Brooklyn|New Jersey|Pennsylvania|Philadelphia|Virginia|Maryland|Massachusetts|Michigan|
Detroit|Ohio|Illinois|Minnesota|Wisconsin|Colorado|Denver|Arizona|Phoenix|Nevada|Las Vegas|
Utah|Oregon|Seattle|Washington State|Louisiana|New Orleans|Georgia|Atlanta|Carolina|Tennessee|
Kentucky|Missouri|Kansas|Oklahoma|Iowa|Houston|Dallas|Miami|Orlando|San Diego|San Jose|
Silicon Valley|Thung lũng Silicon|Quebec|Montreal|Ontario|British Columbia|Alberta|Calgary|
São Paulo|Sao Paulo|Brasilia|Santiago|Lima|Bogota|Caracas|Quito|La Paz|Montevideo|Mexico City|
Guadalajara|Birmingham|Leeds|Newcastle|Glasgow|Edinburgh|Dublin|Belfast|Cardiff|Oxford|
Cambridge|Bristol|Lyon|Marseille|Nice|Cannes|Bordeaux|Toulouse|Strasbourg|Lille|Monaco|
Hamburg|Frankfurt|Cologne|Köln|Stuttgart|Düsseldorf|Leipzig|Dresden|Bremen|Zurich|Basel|
Bern|Lausanne|Brussels|Antwerp|Rotterdam|The Hague|La Hay|Lisbon|Porto|Seville|Sevilla|
Valencia|Bilbao|Naples|Napoli|Florence|Venice|Venezia|Genoa|Bologna|Palermo|Sicily|Sardinia|
Salzburg|Krakow|Gdansk|Bucharest|Sofia|Belgrade|Zagreb|Sarajevo|Ljubljana|Bratislava|Riga|
Tallinn|Vilnius|Helsinki|Reykjavik|St. Petersburg|Saint Petersburg|Xanh Pêtécbua|Vladivostok|
Novosibirsk|Sochi|Kazan|Volgograd|Siberia|Xibêri|Kharkiv|Odessa|Donetsk|Luhansk|Lviv|
Canberra|Brisbane|Perth|Adelaide|Auckland|Wellington|Guam|Honolulu|Tahiti|Caribe|Caribbean|
Bắc Âu|Nam Âu|Trung Âu|Trung Á|Tây Á|Nam Thái Bình Dương|Biển Hoa Đông|Hoa Đông|Hoa Nam|Hoa Bắc|
Biển Nhật Bản|Biển Bắc|Biển Baltic|Biển Caspi|Biển Đỏ|Kênh đào Suez|Kênh đào Panama|
Eo biển Đài Loan|Eo biển Malacca|Eo biển Hormuz|Vịnh Ba Tư|Vịnh Mexico|Sông Dương Tử|
Trường Giang|Hoàng Hà|
Sông Nile|Amazon|Himalaya|Everest|Alps|Sahara|Mãn Châu|Siberia|Chernobyl|Guantanamo|
Phố Wall|Hollywood|Bollywood|Vatican|Điện Capitol|Đồi Capitol|Điện Elysee|Phố Downing|
Quảng trường Thiên An Môn|Thiên An Môn|Tử Cấm Thành|Vạn Lý Trường Thành|Angkor Wat|Angkor|Bagan|
Borneo|Java|Sumatra|Luzon|Hokkaido|Kyushu|Honshu|Jeju|Đảo Jeju|Hải Nam|Đài Loan|Hong Kong
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
Tuổi Trẻ|Thanh Niên|Người Lao Động|Tiền Phong|Lao Động|Dân trí|VietNamNet|Nhân Dân|
Quân đội Nhân dân
"""

# International organisations with their Vietnamese names and acronyms.
INTERNATIONAL_ORGANISATIONS = """
Liên hợp quốc|Liên Hiệp Quốc|LHQ|Hội đồng Bảo an|Hội đồng Bảo an Liên hợp quốc|HĐBA|
Đại hội đồng Liên hợp quốc|Tổ chức Y tế Thế giới|Tổ chức Thương mại Thế giới|Quỹ Tiền tệ Quốc tế|
Ngân hàng Phát triển châu Á|Quỹ Nhi đồng Liên hợp quốc|Chương trình Phát triển Liên hợp quốc|
Tổ chức Giáo dục, Khoa học và Văn hóa Liên hợp quốc|Tổ chức Lương thực và Nông nghiệp|
Cao ủy Liên hợp quốc về người tị nạn|UNHCR|UNFPA|UNAIDS|UNEP|UNCTAD|UNIDO|ILO|IAEA|
Cơ quan Năng lượng Nguyên tử Quốc tế|Tổ chức Lao động Quốc tế|Tòa án Hình sự Quốc tế|ICC|
Tòa án Công lý Quốc tế|ICJ|Tòa Trọng tài Thường trực|PCA|Hiệp hội các quốc gia Đông Nam Á|
Liên minh châu Âu|Ủy ban châu Âu|Nghị viện châu Âu|Hội đồng châu Âu|
Ngân hàng Trung ương châu Âu|ECB|Tổ chức Hiệp ước Bắc Đại Tây Dương|
Tổ chức Hiệp ước quân sự Bắc Đại Tây Dương|Khối NATO|
Liên minh châu Phi|AU|Liên đoàn Ả Rập|Tổ chức Các nước Xuất khẩu Dầu mỏ|G7|G8|G20|BRICS|
Diễn đàn Hợp tác Kinh tế châu Á - Thái Bình Dương|Diễn đàn Kinh tế Thế giới|WEF|OECD|
Tổ chức Hợp tác và Phát triển Kinh tế|Tổ chức Hợp tác Thượng Hải|SCO|Hội Chữ thập đỏ Quốc tế|
Ủy ban Chữ thập đỏ Quốc tế|ICRC|Trăng lưỡi liềm đỏ|Tổ chức Ân xá Quốc tế|Ân xá Quốc tế|
Amnesty International|Human Rights Watch|Tổ chức Theo dõi Nhân quyền|Bác sĩ không biên giới|
Phóng viên không biên giới|Greenpeace|WWF|Quỹ Quốc tế Bảo vệ Thiên nhiên|IUCN|Oxfam|
Ngân hàng Đầu tư Cơ sở hạ tầng châu Á|AIIB|Ủy ban Olympic Quốc tế|IOC|Liên đoàn Bóng đá Thế giới|
Liên đoàn Bóng đá châu Âu|Liên đoàn Bóng đá châu Á|Liên đoàn Bóng đá Đông Nam Á|
Liên đoàn Bóng đá Việt Nam|Cơ quan Hàng không Vũ trụ Mỹ|NASA|ESA|Cơ quan Vũ trụ châu Âu|
Cục Điều tra Liên bang|Cơ quan Tình báo Trung ương|Cục Dự trữ Liên bang|Fed|FED|Quốc hội Mỹ|
Hạ viện|Thượng viện|Hạ viện Mỹ|Thượng viện Mỹ|Nhà Trắng|Bộ Ngoại giao Mỹ|Bộ Quốc phòng Mỹ|
Lầu Năm Góc|Bộ Tư pháp Mỹ|Bộ Thương mại Mỹ|Bộ Tài chính Mỹ|Điện Kremlin|Duma Quốc gia|
Đảng Cộng hòa|Đảng Dân chủ|Đảng Cộng sản Trung Quốc|Đảng Cộng sản Việt Nam|Đảng Lao động|
Đảng Bảo thủ|Đảng Dân chủ Tự do|Quốc dân Đảng|Hội đồng Dân tộc chuyển tiếp|NTC|
Tân Hoa xã|Kyodo|Yonhap|Itar-Tass|TASS|RIA Novosti|Sputnik|Al Jazeera|CNBC|Bloomberg|
New York Times|Washington Post|Wall Street Journal|Financial Times|The Guardian|Guardian|
Nikkei|Xinhua|Thời báo Hoàn cầu|Nhân dân Nhật báo|BBC|VOA|RFI|Fox News|ABC News|CBS|NBC|
IS|ISIS|Nhà nước Hồi giáo|Al-Qaeda|Al Qaeda|Boko Haram|Al-Shabaab|Houthi|Hezbollah|Hamas|
Fatah|Taliban|Mossad|MI6|MI5|KGB|FSB|Interpol|Europol|WADA|IFAD|WFP|
Chương trình Lương thực Thế giới|ASEM|EAS|ARF|ADMM|ADMM+|Mekong-Lancang|Ủy hội sông Mekong|MRC|
CPTPP|TPP|RCEP|EVFTA|WTO|APEC|
Quỹ Bill & Melinda Gates|Quỹ Gates|Hội Chữ thập đỏ Việt Nam
"""

# Companies, brands, banks, airlines and media the news names.
COMPANIES = """
Apple|Google|Alphabet|Microsoft|Amazon|Meta|Facebook|Instagram|WhatsApp|Twitter|X Corp|
TikTok|ByteDance|YouTube|Netflix|Tesla|SpaceX|OpenAI|Nvidia|Intel|AMD|Qualcomm|IBM|Oracle|
Cisco|Dell|HP|Lenovo|Huawei|Xiaomi|Oppo|Vivo|Realme|ZTE|Alibaba|Tencent|Baidu|JD.com|
Samsung|LG|SK|Hyundai|Kia|Lotte|CJ|Posco|Sony|Panasonic|Toshiba|Canon|Nikon|Sharp|Hitachi|
Toyota|Honda|Nissan|Mazda|Mitsubishi|Suzuki|Yamaha|Subaru|Ford|General Motors|GM|Chrysler|
BMW|Mercedes|Mercedes-Benz|Daimler|Volkswagen|Audi|Porsche|Ferrari|Lamborghini|Volvo|
Peugeot|Renault|Fiat|Uber|Grab|Gojek|Lyft|Airbnb|Booking|Shopee|Lazada|Tiki|Sendo|
Boeing|Airbus|Vietnam Airlines|Vietjet|Vietjet Air|Jetstar Pacific|Bamboo Airways|
Pacific Airlines|Vietravel Airlines|Singapore Airlines|Thai Airways|Korean Air|Japan Airlines|
ANA|Cathay Pacific|Emirates|Qatar Airways|AirAsia|Lufthansa|Air France|British Airways|
Nestlé|Unilever|Procter & Gamble|P&G|Coca-Cola|PepsiCo|Pepsi|McDonald's|KFC|Starbucks|
Walmart|Carrefour|Aeon|Big C|Lotte Mart|Co.opmart|Saigon Co.op|Bách Hóa Xanh|Thế Giới Di Động|
Điện Máy Xanh|FPT Shop|CellphoneS|Vingroup|Vinhomes|VinFast|Vinmec|Vinpearl|Vincom|Masan|
Hòa Phát|Vinamilk|TH True Milk|Sabeco|Habeco|Trung Nguyên|Vinacafe|Viettel|VNPT|MobiFone|
Vinaphone|Vietnamobile|FPT|CMC|VNG|Zalo|MoMo|VNPay|ZaloPay|Petrolimex|PV Gas|PV Oil|
Petrovietnam|EVN|Vinacomin|TKV|Vinatex|Vinachem|Vinalines|Vinashin|Vietsovpetro|Novaland|
Sun Group|Vietcombank|VietinBank|Vietinbank|BIDV|Agribank|Techcombank|VPBank|MB|MBBank|ACB|
Sacombank|SHB|HDBank|TPBank|VIB|OCB|SeABank|MSB|Eximbank|LienVietPostBank|Nam A Bank|
Bảo Việt|Prudential|Manulife|AIA|HSBC|Citibank|Standard Chartered|JPMorgan|Goldman Sachs|
Morgan Stanley|Deutsche Bank|UBS|Credit Suisse|Barclays|Visa|Mastercard|PayPal|
Nike|Adidas|Puma|Reebok|Fila|Converse|Vans|New Balance|Asics|Mizuno|Yonex|Wilson|Dunlop|
Spalding|Speedo|Lacoste|Gucci|Louis Vuitton|Chanel|Dior|Prada|Hermès|Versace|Armani|Zara|
H&M|Uniqlo|Rolex|Omega|Swatch|L'Oréal|Shiseido|Heineken|Carlsberg|Tiger|Red Bull|Vinasun|
Mai Linh|Biti's|Kinh Đô|Acecook|Vissan|Vinaconex|Sông Đà|Licogi|Coteccons|Hapro|Satra|
Thép Pomina|Hoa Sen|Gelex|REE|Vietjet|SSI|VNDirect|HOSE|HNX|Sở Giao dịch Chứng khoán
"""

# Sports clubs and the names of their leagues.
CLUBS = """
Manchester United|Man Utd|MU|Manchester City|Man City|Chelsea|Arsenal|Liverpool|Tottenham|
Newcastle United|Aston Villa|West Ham|Everton|Leicester City|Leicester|Southampton|Fulham|
Brighton|Wolves|Crystal Palace|Real Madrid|Barcelona|Barca|Atletico Madrid|Sevilla|Valencia|
Villarreal|Bayern Munich|Bayern|Borussia Dortmund|Dortmund|RB Leipzig|Bayer Leverkusen|
Juventus|Juve|AC Milan|Inter Milan|AS Roma|Lazio|PSG|Paris Saint-Germain|
Lyon|Marseille|Monaco|Ajax|PSV|Porto|Benfica|Celtic|Galatasaray|Al Nassr|Inter Miami|
LA Galaxy|Hà Nội FC|CLB Hà Nội|Viettel FC|Thể Công Viettel|Hoàng Anh Gia Lai|HAGL|
Sông Lam Nghệ An|SLNA|Becamex Bình Dương|Hải Phòng FC|Thanh Hóa FC|Nam Định FC|
Thép Xanh Nam Định|Công an Hà Nội|SHB Đà Nẵng|Đà Nẵng FC|Hồng Lĩnh Hà Tĩnh|
Quảng Nam FC|Sài Gòn FC|TP.HCM FC|Than Quảng Ninh|Khánh Hòa FC|Bình Định FC|Topenland Bình Định|
Lakers|Golden State Warriors|Chicago Bulls|Boston Celtics|New York Yankees
"""

LEAGUES = """
Premier League|Ngoại hạng Anh|La Liga|Serie A|Bundesliga|Ligue 1|Champions League|
Europa League|Cúp C1|Cúp C2|Cúp C3|World Cup|Euro|EURO|Copa America|Asian Cup|AFF Cup|
AFF Suzuki Cup|SEA Games|ASIAD|Asiad|Olympic|Olympics|Paralympic|V-League|V.League|
V.League 1|Hạng Nhất|Cúp Quốc gia|Siêu cúp|NBA|NFL|MLB|MLS|Saudi Pro League|FA Cup|
League Cup|Copa del Rey|Coppa Italia|DFB Pokal|Wimbledon|Roland Garros|US Open|
Australian Open|Formula 1|F1|Tour de France|Grand Slam|ATP|WTA|PGA|UFC|Miss Universe|
Hoa hậu Hoàn vũ|Hoa hậu Thế giới|Miss World|Hoa hậu Việt Nam|Oscar|Grammy|Cannes|
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
    "loc": _phrases(COUNTRIES_AND_CITIES) | _phrases(WORLD_PLACES),
    "orghead": _phrases(ORGANISATION_HEADS),
    "org": _phrases(ORGANISATION_NAMES) | _phrases(INTERNATIONAL_ORGANISATIONS),
    "company": _phrases(COMPANIES),
    "club": _phrases(CLUBS),
    "league": _phrases(LEAGUES),
    "pertitle": _phrases(PERSON_TITLES),
    "loccue": _phrases(LOCATION_CUES),
}
