"""Agency names resolve to one canonical entity per organisation, with its province and parent."""
from ingest.agencies import AgencyResolver
from ingest.roles import agencies_in_cell

QLKH = "Phòng Quản lý Khoa học (Sở Khoa học và Công nghệ tỉnh Quảng Ngãi)"


def resolver_for_department() -> AgencyResolver:
    r = AgencyResolver("Quảng Ngãi", "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi")
    r.learn_definitions("Phòng Quản lý Khoa học (QLKH)\tPhòng Quản lý Công nghệ và Chuyên ngành (QLCN&CN)\t"
                        "Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ (Trung tâm)")
    return r


def test_abbreviations_and_definitions_resolve_to_one_unit():
    r = resolver_for_department()
    names = {r.resolve_text(form).name for form in ["Phòng QLKH", "QLKH", "Phòng Quản lý Khoa học"]}
    assert names == {QLKH}


def test_typos_and_near_abbreviations_fall_together():
    r = resolver_for_department()
    centre = r.resolve_text("Trung tâm").name
    assert r.resolve_text("TTUD").name == centre == r.resolve_text("Trung tâm UD&DCKHCN").name
    assert r.resolve_text("Phòng CN &CN").name == r.resolve_text("QLCN&CN").name
    assert r.resolve_text("Tổ chuyên đổi số").key == r.resolve_text("Tổ chuyển đổi số").key


def test_province_makes_two_departments_two_agencies():
    a = AgencyResolver("Quảng Ngãi").resolve_text("Sở KH&CN")
    b = AgencyResolver("Đồng Tháp").resolve_text("Sở Khoa học và Công nghệ")
    assert a.name == "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi" and b.name.endswith("tỉnh Đồng Tháp")
    assert a.key != b.key


def test_role_cell_lists_inherit_their_head_noun():
    r = resolver_for_department()
    names = [a.name for a in agencies_in_cell("Phòng QLKH, QLCN&CN, HCTH", r)]
    assert names[0] == QLKH and names[1].startswith("Phòng Quản lý Công nghệ") and "Hành chính" in names[2]


def test_related_bodies_and_document_codes_are_not_agencies():
    r = AgencyResolver("Đồng Tháp")
    assert agencies_in_cell("Các cơ quan có liên quan", r) == []
    assert r.mentions("Số: 52/KH-SKHCN-UBND") == []
    assert [m.surface for m in r.mentions("UBND huyện Lai Vung")] == ["UBND huyện Lai Vung"]
