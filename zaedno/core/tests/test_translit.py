import pytest

from zaedno.core.translit import search_key, to_latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Мария Георгиева", "Maria Georgieva"),
        ("Щерю Цанков", "Shteryu Tsankov"),
        ("Юлия Живкова", "Yulia Zhivkova"),
        ("Ъглен", "Aglen"),
        ("София", "Sofia"),
        ("Йордан", "Yordan"),
    ],
)
def test_streamlined_system(cyrillic, latin):
    assert to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Мария", "Mariya"),
        ("Мария", "Maria"),
        ("Йордан", "Jordan"),
        ("Цветелина", "Cvetelina"),
        ("Цветелина", "Tzvetelina"),
        ("Юлия", "Iulia"),
        ("Стефанов", "STEFANOV"),
    ],
)
def test_search_key_folds_common_variants(a, b):
    assert search_key(a) == search_key(b)


def test_search_key_keeps_different_names_apart():
    assert search_key("Иван") != search_key("Иванка")[:4] + "x"
    assert search_key("Петров") != search_key("Петрова")
