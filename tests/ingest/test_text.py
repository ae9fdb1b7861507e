"""Normalisation: one form for matching, whatever spelling the source used."""
import pytest

from ingest.text import fold, normalise


@pytest.mark.parametrize("written, canonical", [("hoà", "hòa"), ("Uỷ ban", "Ủy ban"), ("thuỷ sản", "thủy sản"),
                                                ("khoẻ", "khỏe"), ("quý", "quý"), ("hoàng", "hoàng"),
                                                ("của", "của"), ("Hoà Bình", "Hòa Bình")])
def test_normalise_unifies_tone_placement(written, canonical):
    assert normalise(written) == canonical
    assert normalise(canonical) == canonical


def test_normalise_composes_and_drops_invisible_characters():
    decomposed = "Nghi\u0323 quyê\u0301t\u200b"
    assert normalise(decomposed) == "Nghị quyết"


def test_fold_strips_diacritics_and_d():
    assert fold("Đồng Tháp  KH&CN") == "dong thap kh&cn"
    assert fold("đường") == fold("dương") == "duong"
