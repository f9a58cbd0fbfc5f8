"""Bulgarian names for synthetic people (demo and seed): first names, fathers' names, surnames.

A Bulgarian full name is first name, father's name as the middle name (бащино име: Иван →
Иванов / Иванова) and the family name in the male or female form (Петров / Петрова). Children's
first names follow the most frequent names given in Bulgaria since 2005; parents' names those of
people born 1970–2000. Every person here is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (first name, father's-name stem): the middle name of a child is the stem + "" or + "а".
MALE_ADULT: list[tuple[str, str]] = [
    ("Иван", "Иванов"), ("Георги", "Георгиев"), ("Димитър", "Димитров"), ("Петър", "Петров"),
    ("Николай", "Николаев"), ("Христо", "Христов"), ("Стефан", "Стефанов"), ("Тодор", "Тодоров"),
    ("Йордан", "Йорданов"), ("Васил", "Василев"), ("Атанас", "Атанасов"), ("Пламен", "Пламенов"),
    ("Красимир", "Красимиров"), ("Валентин", "Валентинов"), ("Мартин", "Мартинов"),
    ("Цветан", "Цветанов"), ("Росен", "Росенов"), ("Ивайло", "Ивайлов"), ("Борислав", "Бориславов"),
    ("Емил", "Емилов"), ("Светослав", "Светославов"), ("Любомир", "Любомиров"), ("Милен", "Миленов"),
    ("Веселин", "Веселинов"), ("Даниел", "Даниелов"), ("Калин", "Калинов"), ("Стоян", "Стоянов"),
    ("Ангел", "Ангелов"), ("Марин", "Маринов"), ("Михаил", "Михайлов"), ("Александър", "Александров"),
    ("Кирил", "Кирилов"), ("Станислав", "Станиславов"), ("Янко", "Янков"), ("Здравко", "Здравков"),
    ("Младен", "Младенов"), ("Деян", "Деянов"), ("Радослав", "Радославов"), ("Симеон", "Симеонов"),
    ("Никола", "Николов"), ("Илия", "Илиев"), ("Павел", "Павлов"), ("Борис", "Борисов"),
    ("Живко", "Живков"), ("Огнян", "Огнянов"), ("Траян", "Траянов"), ("Венцислав", "Венциславов"),
    ("Добромир", "Добромиров"), ("Галин", "Галинов"), ("Хасан", "Хасанов"), ("Мехмед", "Мехмедов"),
]  # fmt: skip

FEMALE_ADULT: list[str] = [
    "Мария", "Иванка", "Елена", "Даниела", "Силвия", "Надежда", "Петя", "Гергана", "Десислава",
    "Милена", "Росица", "Ваня", "Красимира", "Цветелина", "Невена", "Станислава", "Радостина",
    "Теодора", "Галина", "Венета", "Мирослава", "Антоанета", "Соня", "Нина", "Яна", "Деница",
    "Борислава", "Зорница", "Илиана", "Таня", "Емилия", "Веселина", "Диана", "Павлина", "Снежана",
    "Румяна", "Стефка", "Йорданка", "Биляна", "Радка", "Айше", "Емине",
]  # fmt: skip

MALE_CHILD: list[str] = [
    "Александър", "Георги", "Мартин", "Никола", "Иван", "Димитър", "Виктор", "Даниел", "Калоян",
    "Борис", "Теодор", "Самуил", "Кристиян", "Стефан", "Иво", "Михаил", "Радослав", "Антонио",
    "Йоан", "Владимир", "Ясен", "Преслав", "Симеон", "Петър", "Християн", "Матей", "Лъчезар",
    "Валентин", "Емил", "Николай", "Денис", "Благовест", "Атанас", "Тодор", "Йордан", "Светослав",
    "Константин", "Ивайло", "Габриел", "Дамян", "Божидар", "Марио", "Бойко", "Емре", "Али",
]  # fmt: skip

FEMALE_CHILD: list[str] = [
    "Виктория", "Александра", "Мария", "Никол", "Габриела", "Дария", "Йоана", "Ева", "Елена",
    "Рая", "Анна", "Симона", "Мартина", "Божидара", "Кристина", "Десислава", "Поля", "Теодора",
    "Стефани", "Михаела", "Велина", "Яна", "Ивана", "Вяра", "Глория", "Калина", "Катерина",
    "Ралица", "Борислава", "Елица", "Сияна", "Нора", "Преслава", "Емилия", "Цветелина", "Магдалена",
    "Дениз", "Айлин", "Бистра", "Светла", "Весела", "Радина",
]  # fmt: skip

# Family names in the male form; the female form adds "а" (or "-ски" → "-ска").
SURNAMES: list[str] = [
    "Иванов", "Георгиев", "Димитров", "Петров", "Николов", "Христов", "Стоянов", "Тодоров",
    "Илиев", "Василев", "Атанасов", "Петков", "Ангелов", "Колев", "Йорданов", "Маринов",
    "Стефанов", "Попов", "Михайлов", "Кръстев", "Костов", "Димов", "Павлов", "Минчев", "Цанев",
    "Ненчев", "Денев", "Славов", "Великов", "Радев", "Добрев", "Панайотов", "Генчев", "Савов",
    "Бонев", "Райчев", "Колчев", "Енчев", "Лазаров", "Русев", "Стойков", "Цонев", "Недялков",
    "Ганчев", "Борисов", "Христозов", "Кънчев", "Пенчев", "Търновски", "Горанов", "Симеонов",
    "Вълчев", "Миланов", "Алексиев", "Зафиров", "Хаджиев", "Шишков", "Мутафчиев", "Бакалов",
    "Дончев", "Мусов", "Асенов", "Личев", "Маджаров", "Белчев", "Тончев", "Бояджиев", "Йончев",
    "Арабаджиев", "Калчев", "Ковачев", "Златев", "Киров", "Ганев", "Чолаков", "Карагьозов",
    "Мехмедов", "Хасанов", "Козарски", "Раковски",
]  # fmt: skip

STREETS: list[str] = [
    "ул. „Христо Ботев“", "ул. „Васил Левски“", "ул. „Никола Габровски“", "ул. „Бачо Киро“",
    "ул. „Магистрална“", "ул. „Оборище“", "ул. „Княгиня Евдокия“", "ул. „Марно поле“",
    "ул. „Независимост“", "ул. „Стефан Стамболов“",
    "ул. „Димитър Благоев“", "ул. „Козлодуй“", "ул. „Ален мак“", "бул. „България“",
    "ул. „Осогово“", "ул. „Гурко“", "ул. „Раковски“", "ул. „Шипка“", "ул. „Цар Калоян“",
    "ул. „Иван Вазов“", "ул. „Георги Измирлиев“", "ул. „Славянска“", "ул. „Хаджи Димитър“",
]  # fmt: skip


def female_surname(male: str) -> str:
    """Петров → Петрова, Търновски → Търновска."""
    if male.endswith("ски") or male.endswith("цки"):
        return male[:-1] + "а"
    return male + "а"


def surname_for(male: str, sex: str) -> str:
    return male if sex == "m" else female_surname(male)


@dataclass(frozen=True)
class Family:
    """A synthetic family: the child's names and the parents'."""

    first_name: str
    middle_name: str
    last_name: str
    sex: str
    father: str
    mother: str
    surname_male: str


def family(rng: random.Random, sex: str | None = None) -> Family:
    """A child with a father's name as middle name and parents whose names agree with it."""
    sex = sex or rng.choice("mf")
    father_first, stem = rng.choice(MALE_ADULT)
    surname = rng.choice(SURNAMES)
    first = rng.choice(MALE_CHILD if sex == "m" else FEMALE_CHILD)
    middle = stem if sex == "m" else stem + "а"
    father_middle = rng.choice(MALE_ADULT)[1]
    mother_middle = rng.choice(MALE_ADULT)[1] + "а"
    mother_surname = female_surname(surname if rng.random() < 0.8 else rng.choice(SURNAMES))
    return Family(
        first_name=first,
        middle_name=middle,
        last_name=surname_for(surname, sex),
        sex=sex,
        father=f"{father_first} {father_middle} {surname}",
        mother=f"{rng.choice(FEMALE_ADULT)} {mother_middle} {mother_surname}",
        surname_male=surname,
    )


def adult_name(rng: random.Random, sex: str) -> tuple[str, str]:
    """(first name, family name) of an adult, e.g. a professional."""
    surname = surname_for(rng.choice(SURNAMES), sex)
    first = rng.choice(MALE_ADULT)[0] if sex == "m" else rng.choice(FEMALE_ADULT)
    return first, surname


def phone(rng: random.Random) -> str:
    """A mobile number in a form Bulgarians write (synthetic)."""
    return (
        f"0{rng.choice((87, 88, 89, 98))}{rng.randint(0, 9)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    )


def address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
