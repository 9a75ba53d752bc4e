"""News texts written for tinstream's tests (shared by unit and integration tests)."""

from __future__ import annotations

# A plain report, long enough to fingerprint.
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
# A different story of similar length and register.
OTHER_STORY = (
    "Đội tuyển bóng đá quốc gia đã có buổi tập đầu tiên chuẩn bị cho vòng loại giải châu "
    "lục. Huấn luyện viên trưởng cho biết toàn đội đang có tinh thần tốt, các cầu thủ trẻ "
    "được trao nhiều cơ hội hơn. Trận đấu đầu tiên sẽ diễn ra trên sân nhà vào cuối tháng, "
    "ban tổ chức dự kiến bán hết vé trong vài ngày tới, người hâm mộ rất háo hức chờ đợi."
)
