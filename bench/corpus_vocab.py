"""The vocabularies and sentence templates of the benchmark corpus, and the `Story` that fills them.

Templates are `str.format` patterns whose fields (`{A}`, `{p1}`, `{date_fut}`, …) a `Story` fills
afresh at each use, so one template yields many different sentences. People are invented (a
shared pool drawn from regional name lists); organisations and countries are real, with French
article forms derived by rule (`la France`, `au Brésil`, `aux États-Unis`, `de l'OTAN`, `du FMI`).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

VOWELS = frozenset("AEIOUÉÈÊÂÎÔaeiouéèêâîô")


def fr_definite(noun: str, gender: str, plural: bool = False) -> str:
    """`la France`, `le Brésil`, `l'Iran`, `les Pays-Bas`."""
    if plural:
        return f"les {noun}"
    if noun[0] in VOWELS:
        return f"l'{noun}"
    return f"le {noun}" if gender == "m" else f"la {noun}"


def fr_de(phrase: str) -> str:
    """`de` contracted with the article that opens `phrase`: `du FMI`, `des États-Unis`."""
    contractions = (("le ", "du "), ("les ", "des "), ("la ", "de la "), ("l'", "de l'"))
    for article, contracted in contractions:
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    return f"de {phrase}"


def fr_at(place: str) -> str:
    """`à` before a city: `à Genève`, `au Caire`, `à La Haye`."""
    return f"au {place[3:]}" if place.startswith("Le ") else f"à {place}"


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    fr_name: str
    fr_gender: str
    fr_plural: bool
    fr_adjectives: tuple[str, str]
    fr_capital: str
    en_name: str
    en_article: bool
    en_adjective: str
    en_capital: str
    names: str

    def name(self, lang: str) -> str:
        return self.fr_name if lang == "fr" else self.en_name

    def capital(self, lang: str) -> str:
        return self.fr_capital if lang == "fr" else self.en_capital

    def adjective(self, lang: str, gender: str = "m") -> str:
        if lang == "en":
            return self.en_adjective
        return self.fr_adjectives[gender == "f"]

    def form(self, form: str, lang: str) -> str:
        """The country in a sentence: `the` (default), `name`, `de`, `in`, `adj`, `cap`, `gov`."""
        if lang == "fr":
            definite = fr_definite(self.fr_name, self.fr_gender, self.fr_plural)
            in_country = (
                f"aux {self.fr_name}"
                if self.fr_plural
                else f"en {self.fr_name}"
                if self.fr_gender == "f" or self.fr_name[0] in VOWELS
                else f"au {self.fr_name}"
            )
            forms = {
                "the": definite,
                "de": fr_de(definite),
                "in": in_country,
                "gov": f"le gouvernement {self.fr_adjectives[0]}",
            }
        else:
            definite = f"the {self.en_name}" if self.en_article else self.en_name
            forms = {
                "the": definite,
                "de": f"of {definite}",
                "in": f"in {definite}",
                "gov": f"the {self.en_adjective} government",
            }
        forms |= {"name": self.name(lang), "adj": self.adjective(lang), "cap": self.capital(lang)}
        return forms[form]


def _country(row: str) -> Country:
    code, fr, fr_g, fr_adj_m, fr_adj_f, fr_cap, en, en_adj, en_cap, names = row.split("|")
    return Country(
        code=code,
        fr_name=fr.removesuffix("+"),
        fr_gender=fr_g,
        fr_plural=fr.endswith("+"),
        fr_adjectives=(fr_adj_m, fr_adj_f),
        fr_capital=fr_cap,
        en_name=en.removeprefix("the "),
        en_article=en.startswith("the "),
        en_adjective=en_adj,
        en_capital=en_cap,
        names=names,
    )


# code | French name (+ = plural) | gender | adjective m | f | capital | English | adjective |
# capital | name region
COUNTRIES: tuple[Country, ...] = tuple(
    _country(row)
    for row in """\
FR|France|f|français|française|Paris|France|French|Paris|fr
DE|Allemagne|f|allemand|allemande|Berlin|Germany|German|Berlin|de
US|États-Unis+|m|américain|américaine|Washington|the United States|U.S.|Washington|en
GB|Royaume-Uni|m|britannique|britannique|Londres|the United Kingdom|British|London|en
RU|Russie|f|russe|russe|Moscou|Russia|Russian|Moscow|ru
UA|Ukraine|f|ukrainien|ukrainienne|Kiev|Ukraine|Ukrainian|Kyiv|ua
CN|Chine|f|chinois|chinoise|Pékin|China|Chinese|Beijing|cn
JP|Japon|m|japonais|japonaise|Tokyo|Japan|Japanese|Tokyo|jp
BR|Brésil|m|brésilien|brésilienne|Brasilia|Brazil|Brazilian|Brasilia|pt
IN|Inde|f|indien|indienne|New Delhi|India|Indian|New Delhi|in
TR|Turquie|f|turc|turque|Ankara|Turkey|Turkish|Ankara|tr
PL|Pologne|f|polonais|polonaise|Varsovie|Poland|Polish|Warsaw|pl
IT|Italie|f|italien|italienne|Rome|Italy|Italian|Rome|it
ES|Espagne|f|espagnol|espagnole|Madrid|Spain|Spanish|Madrid|es
CA|Canada|m|canadien|canadienne|Ottawa|Canada|Canadian|Ottawa|en
MX|Mexique|m|mexicain|mexicaine|Mexico|Mexico|Mexican|Mexico City|es
NG|Nigeria|m|nigérian|nigériane|Abuja|Nigeria|Nigerian|Abuja|ng
ZA|Afrique du Sud|f|sud-africain|sud-africaine|Pretoria|South Africa|South African|Pretoria|za
EG|Égypte|f|égyptien|égyptienne|Le Caire|Egypt|Egyptian|Cairo|ar
IR|Iran|m|iranien|iranienne|Téhéran|Iran|Iranian|Tehran|ir
SA|Arabie saoudite|f|saoudien|saoudienne|Riyad|Saudi Arabia|Saudi|Riyadh|ar
ID|Indonésie|f|indonésien|indonésienne|Jakarta|Indonesia|Indonesian|Jakarta|id
AR|Argentine|f|argentin|argentine|Buenos Aires|Argentina|Argentine|Buenos Aires|es
SE|Suède|f|suédois|suédoise|Stockholm|Sweden|Swedish|Stockholm|nordic
NO|Norvège|f|norvégien|norvégienne|Oslo|Norway|Norwegian|Oslo|nordic
KE|Kenya|m|kényan|kényane|Nairobi|Kenya|Kenyan|Nairobi|ke
MA|Maroc|m|marocain|marocaine|Rabat|Morocco|Moroccan|Rabat|ar
SN|Sénégal|m|sénégalais|sénégalaise|Dakar|Senegal|Senegalese|Dakar|sn
BE|Belgique|f|belge|belge|Bruxelles|Belgium|Belgian|Brussels|fr
NL|Pays-Bas+|m|néerlandais|néerlandaise|La Haye|the Netherlands|Dutch|The Hague|nl
KR|Corée du Sud|f|sud-coréen|sud-coréenne|Séoul|South Korea|South Korean|Seoul|kr
CH|Suisse|f|suisse|suisse|Berne|Switzerland|Swiss|Bern|de""".splitlines()
)


@dataclass(frozen=True, slots=True)
class Org:
    fr_name: str
    fr_name_gender: str
    fr_acronym: str
    fr_acronym_gender: str
    en_name: str
    en_acronym: str
    en_article: bool

    def acronym(self, lang: str) -> str:
        return self.fr_acronym if lang == "fr" else self.en_acronym

    def full(self, lang: str) -> str:
        """First mention: `l'Organisation du traité de l'Atlantique Nord (OTAN)`."""
        if lang == "fr":
            return f"{fr_definite(self.fr_name, self.fr_name_gender)} ({self.fr_acronym})"
        return f"the {self.en_name} ({self.en_acronym})"

    def short(self, lang: str) -> str:
        """Later mentions: `l'OTAN`, `le FMI`, `NATO`, `the IMF`."""
        if lang == "fr":
            return fr_definite(self.fr_acronym, self.fr_acronym_gender)
        return f"the {self.en_acronym}" if self.en_article else self.en_acronym


def _org(row: str) -> Org:
    fr, fr_g, fr_acr, fr_acr_g, en, en_acr = row.split("|")
    return Org(
        fr, fr_g, fr_acr, fr_acr_g, en, en_acr.removeprefix("the "), en_acr.startswith("the ")
    )


ORGS: tuple[Org, ...] = tuple(
    _org(row)
    for row in (
        "Organisation du traité de l'Atlantique Nord|f|OTAN|f|"
        "North Atlantic Treaty Organization|NATO",
        "Organisation des Nations unies|f|ONU|f|United Nations|the UN",
        "Union européenne|f|UE|f|European Union|the EU",
        "Fonds monétaire international|m|FMI|m|International Monetary Fund|the IMF",
        "Organisation mondiale du commerce|f|OMC|f|World Trade Organization|the WTO",
        "Organisation des pays exportateurs de pétrole|f|OPEP|f|"
        "Organization of the Petroleum Exporting Countries|OPEC",
        "Agence internationale de l'énergie atomique|f|AIEA|f|"
        "International Atomic Energy Agency|the IAEA",
        "Organisation mondiale de la santé|f|OMS|f|World Health Organization|the WHO",
        "Banque centrale européenne|f|BCE|f|European Central Bank|the ECB",
        "Organisation pour la sécurité et la coopération en Europe|f|OSCE|f|"
        "Organization for Security and Co-operation in Europe|the OSCE",
        "Union africaine|f|UA|f|African Union|the AU",
        "Organisation de coopération et de développement économiques|f|OCDE|f|"
        "Organisation for Economic Co-operation and Development|the OECD",
        "Agence internationale de l'énergie|f|AIE|f|International Energy Agency|the IEA",
        "Programme alimentaire mondial|m|PAM|m|World Food Programme|the WFP",
        "Cour pénale internationale|f|CPI|f|International Criminal Court|the ICC",
        "Association des nations de l'Asie du Sud-Est|f|ASEAN|f|"
        "Association of Southeast Asian Nations|ASEAN",
    )
)


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    fr_subject: str
    en_subject: str
    fr_tag: str
    en_tag: str
    orgs: tuple[str, ...]

    def subject(self, lang: str) -> str:
        return self.fr_subject if lang == "fr" else self.en_subject

    def tag(self, lang: str) -> str:
        return self.fr_tag if lang == "fr" else self.en_tag


TOPICS: tuple[Topic, ...] = (
    Topic(
        "security",
        "la sécurité en Europe",
        "European security",
        "sécurité",
        "security",
        ("NATO", "OSCE", "UN", "EU"),
    ),
    Topic(
        "energy",
        "l'approvisionnement en gaz",
        "gas supplies",
        "énergie",
        "energy",
        ("IEA", "OPEC", "EU"),
    ),
    Topic(
        "trade",
        "les droits de douane",
        "tariffs",
        "commerce",
        "trade",
        ("WTO", "EU", "OECD", "ASEAN"),
    ),
    Topic(
        "nuclear",
        "le programme nucléaire",
        "the nuclear programme",
        "nucléaire",
        "nuclear",
        ("IAEA", "UN"),
    ),
    Topic(
        "climate",
        "la réduction des émissions",
        "emissions cuts",
        "climat",
        "climate",
        ("UN", "EU", "OECD"),
    ),
    Topic(
        "health",
        "la campagne de vaccination",
        "the vaccination campaign",
        "santé",
        "health",
        ("WHO",),
    ),
    Topic(
        "debt",
        "la dette publique",
        "public debt",
        "finances publiques",
        "public finances",
        ("IMF", "ECB", "OECD"),
    ),
    Topic(
        "food",
        "les exportations de céréales",
        "grain exports",
        "alimentation",
        "food security",
        ("WFP", "UN", "AU"),
    ),
    Topic(
        "justice",
        "l'enquête sur les crimes de guerre",
        "the war crimes investigation",
        "justice",
        "justice",
        ("ICC", "UN"),
    ),
)

# --- people ------------------------------------------------------------------------------------

NameRegion = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


def _region(male: str, female: str, families: str, family_first: bool = False) -> NameRegion:
    """Given names (space-separated) and family names (comma-separated: some have spaces)."""
    return tuple(male.split()), tuple(female.split()), tuple(families.split(",")), family_first


NAME_REGIONS: dict[str, NameRegion] = {
    "fr": _region(
        "Julien Antoine Mathieu Nicolas Olivier Thierry Laurent Benoît",
        "Claire Sophie Élodie Camille Isabelle Nathalie Hélène Agnès",
        "Moreau,Lefèvre,Garnier,Rousseau,Fournier,Chevalier,Mercier,Dubois,Lambert,Bonnet",
    ),
    "de": _region(
        "Jonas Lukas Matthias Stefan Tobias Florian",
        "Katrin Anja Sabine Julia Miriam Ulrike",
        "Weber,Hoffmann,Schreiber,Krüger,Vogel,Brandt,Lehmann,Köhler",
    ),
    "en": _region(
        "Michael David Thomas James Robert Daniel",
        "Sarah Emily Rachel Laura Karen Megan",
        "Mitchell,Harrington,Coleman,Bennett,Whitaker,Sullivan,Caldwell,Hughes",
    ),
    "ru": _region(
        "Dmitri Sergei Alexei Nikolai Pavel",
        "Olga Natalia Irina Yelena Tatiana",
        "Orlov,Sokolov,Volkov,Belov,Zaitsev,Lebedev",
    ),
    "ua": _region(
        "Oleksandr Andriy Mykola Taras Yuriy",
        "Olena Iryna Oksana Kateryna Halyna",
        "Kovalenko,Shevchuk,Bondarenko,Tkachenko,Melnyk,Kravchuk",
    ),
    "cn": _region(
        "Jianguo Wei Hao Qiang Zhiming",
        "Xiaoling Mei Hua Yan Lijuan",
        "Wang,Zhang,Liu,Chen,Zhao,Huang",
        family_first=True,
    ),
    "jp": _region(
        "Hiroshi Kenji Takeshi Yuto",
        "Yuko Akiko Haruka Naoko",
        "Tanaka,Suzuki,Watanabe,Yamamoto,Kobayashi,Nakamura",
    ),
    "pt": _region(
        "João Rafael Paulo Marcelo Thiago",
        "Ana Fernanda Beatriz Luciana Camila",
        "Silva,Ferreira,Oliveira,Costa,Pereira,Almeida",
    ),
    "in": _region(
        "Rahul Arjun Vikram Sanjay",
        "Priya Ananya Kavita Meera",
        "Sharma,Patel,Iyer,Mehta,Reddy,Nair",
    ),
    "tr": _region(
        "Mehmet Emre Burak Mustafa",
        "Ayşe Elif Zeynep Fatma",
        "Yılmaz,Kaya,Demir,Çelik,Aydın,Öztürk",
    ),
    "pl": _region(
        "Piotr Tomasz Krzysztof Marek",
        "Agnieszka Katarzyna Magdalena Joanna",
        "Kowalski,Nowak,Wiśniewski,Zieliński,Lewandowski,Wójcik",
    ),
    "it": _region(
        "Marco Luca Giorgio Stefano",
        "Giulia Francesca Chiara Paola",
        "Rossi,Bianchi,Conti,Marino,Ricci,Greco",
    ),
    "es": _region(
        "Carlos Javier Alejandro Miguel",
        "Lucía Carmen Isabel Marta",
        "García,Fernández,Romero,Navarro,Ortega,Castillo",
    ),
    "ng": _region(
        "Chinedu Emeka Tunde Ibrahim",
        "Ngozi Amaka Funmilayo Aisha",
        "Okafor,Adeyemi,Okonkwo,Bello,Eze,Abubakar",
    ),
    "za": _region(
        "Thabo Sipho Pieter Lwazi",
        "Naledi Thandiwe Lerato Anele",
        "Mokoena,Dlamini,Nkosi,van der Merwe,Botha,Khumalo",
    ),
    "ar": _region(
        "Ahmed Youssef Khaled Omar Karim",
        "Mona Leila Nadia Salma Rania",
        "Hassan,El-Sayed,Mansour,Benali,Al-Qahtani,Haddad",
    ),
    "ir": _region(
        "Ali Reza Hossein Mehdi",
        "Maryam Zahra Fatemeh Nasrin",
        "Hosseini,Rahimi,Karimi,Mousavi,Jafari,Ahmadi",
    ),
    "id": _region(
        "Budi Agus Hendra Joko",
        "Siti Dewi Ratna Indah",
        "Santoso,Wijaya,Hartono,Gunawan,Kusuma,Saputra",
    ),
    "nordic": _region(
        "Erik Lars Anders Magnus",
        "Ingrid Astrid Karin Sofia",
        "Lindqvist,Johansson,Haugen,Berg,Nilsson,Andersen",
    ),
    "ke": _region(
        "Samuel Peter Joseph Daniel",
        "Wanjiru Akinyi Grace Njeri",
        "Otieno,Kamau,Mwangi,Odhiambo,Kiprono,Wambua",
    ),
    "sn": _region(
        "Moussa Ousmane Mamadou Cheikh",
        "Aminata Fatou Awa Mariama",
        "Diop,Ndiaye,Fall,Sow,Diallo,Sarr",
    ),
    "nl": _region(
        "Pieter Jeroen Bas Maarten",
        "Sanne Lotte Femke Marieke",
        "de Vries,Jansen,Bakker,Visser,Smit,Mulder",
    ),
    "kr": _region(
        "Min-jun Seung-ho Jae-won Dong-hyun",
        "Ji-woo Seo-yeon Hye-jin Eun-ji",
        "Kim,Park,Lee,Choi,Jung,Kang",
        family_first=True,
    ),
}


@dataclass(frozen=True, slots=True)
class Role:
    """A job title in French (masculine, feminine) and English; `{adj}` is the country's
    adjective, `{de}`/`{acr}` the organisation. `agrees` tells whether the French adjective
    agrees with the person (`ministre allemande`) or with a noun (`du gouvernement allemand`)."""

    fr_male: str
    fr_female: str
    en: str
    agrees: bool = True

    def fr(self, female: bool) -> str:
        return self.fr_female if female else self.fr_male


COUNTRY_ROLES: tuple[Role, ...] = (
    Role("président {adj}", "présidente {adj}", "{adj} President"),
    Role("Premier ministre {adj}", "Première ministre {adj}", "{adj} Prime Minister"),
    Role(
        "ministre {adj} des Affaires étrangères",
        "ministre {adj} des Affaires étrangères",
        "{adj} Foreign Minister",
    ),
    Role("ministre {adj} de l'Économie", "ministre {adj} de l'Économie", "{adj} Economy Minister"),
    Role("ministre {adj} de la Défense", "ministre {adj} de la Défense", "{adj} Defence Minister"),
    Role(
        "porte-parole du gouvernement {adj}",
        "porte-parole du gouvernement {adj}",
        "{adj} government spokesperson",
        agrees=False,
    ),
    Role("négociateur en chef {adj}", "négociatrice en chef {adj}", "{adj} chief negotiator"),
)
ORG_ROLES: tuple[Role, ...] = (
    Role("secrétaire général {de}", "secrétaire générale {de}", "{acr} Secretary-General"),
    Role("porte-parole {de}", "porte-parole {de}", "{acr} spokesperson"),
    Role("directeur général {de}", "directrice générale {de}", "{acr} Director-General"),
    Role("président {de}", "présidente {de}", "{acr} President"),
)
PEOPLE_PER_COUNTRY, PEOPLE_PER_ORG = 4, 2


@dataclass(frozen=True, slots=True)
class Person:
    given: str
    family: str
    female: bool
    family_first: bool
    fr_role: str
    en_role: str
    country: Country | None = None
    org: Org | None = None

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.given}" if self.family_first else f"{self.given} {self.family}"

    def first_mention(self, lang: str) -> str:
        """`la ministre allemande de la Défense Anja Vogel`, `Swiss President Ana Costa`."""
        if lang == "fr":
            return f"{'la' if self.female else 'le'} {self.fr_role} {self.full_name}"
        return f"{self.en_role} {self.full_name}"

    def later_mention(self, lang: str) -> str:
        if lang == "fr":
            return f"{'Mme' if self.female else 'M.'} {self.family}"
        return self.family


def make_person_pool(rng: random.Random) -> tuple[Person, ...]:
    """The shared cast: a few people per country and per organisation, names all different
    (and family names too within a country, so `M. Weber` is never ambiguous there)."""
    used: set[str] = set()
    people = []
    for country in COUNTRIES:
        for role in rng.sample(COUNTRY_ROLES, PEOPLE_PER_COUNTRY):
            female = rng.random() < 0.45
            adjective = country.adjective("fr", "f" if female and role.agrees else "m")
            fr_role = role.fr(female).format(adj=adjective)
            en_role = role.en.format(adj=country.adjective("en"))
            people.append(_person(rng, country.names, female, fr_role, en_role, used, country))
    for org in ORGS:
        for role in rng.sample(ORG_ROLES, PEOPLE_PER_ORG):
            female = rng.random() < 0.45
            fr_role = role.fr(female).format(de=fr_de(org.short("fr")))
            en_role = role.en.format(acr=org.en_acronym)
            region = rng.choice(sorted(NAME_REGIONS))
            people.append(_person(rng, region, female, fr_role, en_role, used, org=org))
    return tuple(people)


def _person(
    rng: random.Random,
    region: str,
    female: bool,
    fr_role: str,
    en_role: str,
    used: set[str],
    country: Country | None = None,
    org: Org | None = None,
) -> Person:
    male_names, female_names, families, family_first = NAME_REGIONS[region]
    while True:
        given = rng.choice(female_names if female else male_names)
        family = _gendered_family(rng.choice(families), region, female)
        person = Person(given, family, female, family_first, fr_role, en_role, country, org)
        family_key = f"{country.code if country else ''}:{family.removesuffix('a')}"
        if person.full_name not in used and family_key not in used:
            used |= {person.full_name, family_key}
            return person


def _gendered_family(family: str, region: str, female: bool) -> str:
    """Russian and Polish family names agree with the person (Orlova, Kowalska)."""
    if female and region == "ru":
        return family + "a"
    if female and region == "pl" and family.endswith("ki"):
        return family[:-1] + "a"
    return family


# --- dates, times, numbers ---------------------------------------------------------------------

FR_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
EN_MONTHS_AP = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
FR_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FR_NUMBERS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
]
EN_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def fr_day(day: datetime.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {FR_MONTHS[day.month - 1]}"


def en_day(day: datetime.date, rng: random.Random) -> str:
    months = EN_MONTHS_AP if rng.random() < 0.5 else EN_MONTHS
    return f"{months[day.month - 1]} {day.day}"


def _fr_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


# --- sentence material -------------------------------------------------------------------------

SOURCES = {
    "fr": ("Reuters", "AFP", "AP", "Belga", "Keystone-ATS"),
    "en": ("Reuters", "AP", "AFP", "Bloomberg", "dpa"),
}
VENUES = {
    "fr": ("Genève", "Vienne", "Bruxelles", "New York", "Istanbul", "Doha"),
    "en": ("Geneva", "Vienna", "Brussels", "New York", "Istanbul", "Doha"),
}
INDICES = {
    "fr": ("le CAC 40", "l'indice DAX", "le Nikkei", "le FTSE 100", "l'indice S&P 500"),
    "en": ("the CAC 40", "Germany's DAX", "the Nikkei", "the FTSE 100", "the S&P 500"),
}
PAST_EVENTS = {
    "fr": (
        "l'expulsion de plusieurs diplomates",
        "une série de cyberattaques",
        "l'échec des négociations commerciales",
        "un différend sur les droits de pêche",
        "l'arrestation d'un journaliste",
    ),
    "en": (
        "the expulsion of several diplomats",
        "a series of cyberattacks",
        "the collapse of trade talks",
        "a dispute over fishing rights",
        "the arrest of a journalist",
    ),
}
DEMANDS = {
    "fr": (
        "reprendre le dialogue",
        "respecter ses engagements",
        "lever ses restrictions",
        "faire preuve de transparence",
        "retirer ses troupes de la frontière",
    ),
    "en": (
        "resume dialogue",
        "honour its commitments",
        "lift its restrictions",
        "show transparency",
        "pull its troops back from the border",
    ),
}
ACCUSATIONS = {
    "fr": (
        "bloquer les négociations",
        "violer les accords existants",
        "manipuler les prix",
        "mener des cyberattaques",
        "masser des troupes à la frontière",
    ),
    "en": (
        "blocking the negotiations",
        "violating existing agreements",
        "manipulating prices",
        "carrying out cyberattacks",
        "massing troops on the border",
    ),
}
SHORT_QUOTES = {
    "fr": (
        "inacceptable",
        "nous verrons",
        "sans fondement",
        "une provocation",
        "un pas dans la bonne direction",
        "prématuré",
    ),
    "en": (
        "unacceptable",
        "we'll see",
        "baseless",
        "a provocation",
        "a step in the right direction",
        "premature",
    ),
}
QUOTES = {
    "fr": (
        "Nous voulons des garanties claires et juridiquement contraignantes",
        "Il n'y aura pas de solution sans un dialogue franc avec {B}",
        "La situation reste très préoccupante et nous suivons les événements de près",
        "Nous sommes prêts à discuter, mais pas à n'importe quel prix",
        "Nos partenaires savent que nous tiendrons nos engagements",
        "Ce n'est pas le moment de relâcher nos efforts",
        "Les prochains jours seront décisifs pour {topic}",
        "Il s'agit d'une étape importante pour {A}",
        "Nous n'accepterons aucune ingérence dans nos affaires intérieures",
        "Les sanctions ne sont pas une fin en soi",
        "Nous attendons des gestes concrets {B_de} {date_fut}",
        "Personne n'a intérêt à une escalade",
        "Nous ne céderons pas à la pression",
        "Le temps de la diplomatie n'est pas terminé",
        "{org} doit prendre ses responsabilités",
        "Chaque jour qui passe rend un accord plus difficile",
    ),
    "en": (
        "We want clear, legally binding guarantees",
        "There will be no solution without a frank dialogue with {B}",
        "The situation remains very worrying and we are following events closely",
        "We are ready to talk, but not at any price",
        "Our partners know we will keep our commitments",
        "This is not the time to ease our efforts",
        "The coming days will be decisive for {topic}",
        "This is an important step for {A}",
        "We will not accept any interference in our internal affairs",
        "Sanctions are not an end in themselves",
        "We expect concrete steps from {B} {date_fut}",
        "Nobody has an interest in escalation",
        "We will not give in to pressure",
        "The time for diplomacy is not over",
        "{org} must live up to its responsibilities",
        "Every day that passes makes a deal harder",
    ),
}
TITLES = {
    "fr": (
        "{A_name} : {p1_name} et {p2_name} vont discuter {topic_de}",
        "{A_name} et {B_name} relancent les discussions sur {topic}",
        "{org_acr} : réunion d'urgence sur {topic}",
        "{p1_name} appelle {B} à {demand}",
        "{A_name} accuse {B} de {accusation}",
        "{topic} : {A_name} et {B_name} se retrouvent {at_venue}",
    ),
    "en": (
        "{p1_name} and {p2_name} to discuss {topic}",
        "{A_name}, {B_name} to resume talks on {topic}",
        "{org_acr} calls emergency meeting on {topic}",
        "{p1_name} urges {B} to {demand}",
        "{A_name} accuses {B} of {accusation}",
        "{A_name} and {B_name} to meet {at_venue} over {topic}",
    ),
}
LEADS = {
    "fr": (
        "{p1} et {p2} vont s'entretenir {date_fut} {time} au sujet {topic_de}, a annoncé {A_gov} "
        "{day_rel}.",
        "{A} et {B} ont convenu {day_rel} de reprendre {topic_talks} {date_fut}, a déclaré {p1}.",
        "{org} a convoqué une réunion d'urgence {date_fut} sur {topic}, après que {A} a accusé {B} "
        "de {accusation}.",
        "{p1} a appelé {day_rel} {B} à {demand}, alors que les tensions autour {topic_de} ne "
        "cessent de croître.",
        "Les représentants {A_de} et {B_de} se réuniront {date_fut} {at_venue} pour tenter de "
        "sortir de l'impasse sur {topic}, selon {org}.",
    ),
    "en": (
        "{p1} and {p2} will speak {date_fut} {time} about {topic}, {A_gov} said {day_rel}.",
        "{A} and {B} agreed {day_rel} to resume {topic_talks} {date_fut}, {p1} said.",
        "{org} called an emergency meeting {date_fut} on {topic} after {A} accused {B} of "
        "{accusation}.",
        "{p1} urged {B} {day_rel} to {demand}, as tensions over {topic} kept rising.",
        "Officials from {A} and {B} will meet {at_venue} {date_fut} to try to break the deadlock "
        "over {topic}, according to {org}.",
    ),
}
PARAGRAPHS = {
    "fr": (
        "{speaker} a déclaré {day_rel} que {A} souhaitait reprendre {topic_talks} avec {B}.",
        "Les deux délégations doivent se retrouver {date_fut} {at_venue}, a précisé {speaker}.",
        "L'appel aura lieu {time}, a indiqué {A_gov}.",
        "{A_cap} accuse {B} de {accusation} {duration}.",
        "Selon des sources diplomatiques, {org} prévoit une réunion extraordinaire {date_fut}.",
        "{B_cap} a démenti ces informations {day_rel}, les qualifiant de « {short_quote} ».",
        "Ces discussions font suite à une première rencontre {date_past} {at_venue}, qui n'avait "
        "débouché sur aucun accord.",
        "{A} avait déjà suspendu sa coopération avec {B} {year_past}, après {event_past}.",
        "Le montant en jeu est estimé à {amount}, selon des chiffres {org_de}.",
        "Les échanges entre les deux pays ont reculé de {pct} {duration}, selon les statistiques "
        "officielles.",
        "{speaker} doit se rendre {B_in} {date_fut} pour une visite de deux jours.",
        "Un porte-parole {org_de} n'a pas souhaité faire de commentaire {day_rel}.",
        "{org} a appelé les deux parties à la retenue {day_rel}.",
        "Les marchés ont réagi avec prudence : {index} a cédé {pct} {day_rel}.",
        "Plus de {number} personnes ont manifesté {day_rel} {A_in} contre la politique du "
        "gouvernement.",
        "Le texte doit être soumis au vote du Parlement {A_adj} {date_fut}.",
        "{speaker} a eu un entretien téléphonique avec {other} {day_rel}, a fait savoir son "
        "cabinet.",
        "Un accord pourrait être signé d'ici {month_fut}, estiment des analystes interrogés par "
        "{source}.",
        "{A} et {B} entretiennent des relations tendues depuis {year}.",
        "La prochaine session de négociations est prévue {date_fut} {time}.",
        "{org} estime que {amount} seront nécessaires {duration_fut}.",
        "{A_cap} a déjà débloqué {amount} {year_past}, selon {A_gov}.",
        "La situation s'est nettement dégradée {date_past}, lorsque {B} a annoncé de nouvelles "
        "restrictions.",
        "{speaker} doit rencontrer {other} {date_fut} en marge du sommet {org_de} {at_venue}.",
        "Selon un responsable {A_adj} qui a requis l'anonymat, {A} n'exclut pas de nouvelles "
        "mesures si {B} ne répond pas {date_fut}.",
        "{B} rejette ces accusations et affirme agir dans le respect du droit international.",
        "Les discussions, qui devaient initialement durer deux jours, ont été prolongées {until}.",
        "Le dossier sera au menu du prochain sommet {org_de}, prévu {date_fut} {at_venue}.",
        "Les ministres des Finances du G7 se sont dits « préoccupés » par la situation, dans une "
        "déclaration commune publiée {day_rel}.",
        "D'après {source}, au moins {small_number} projets d'investissement ont été gelés "
        "{duration}.",
        "Les analystes s'attendent à une hausse des prix de l'énergie de {pct} d'ici {month_fut}.",
        "La dernière réunion de ce type remonte à {month_year}.",
        "{speaker} a reconnu {day_rel} que les négociations seraient « longues et difficiles ».",
        "Le Parlement européen doit examiner une résolution sur {topic} {date_fut}.",
        "Depuis {year}, {A} a versé plus de {amount} au titre de l'aide bilatérale.",
        "Les représentants des deux pays ne se sont pas rencontrés depuis {month_year}.",
        "{org} a publié {day_rel} un rapport de {small_number} pages qui pointe « de graves "
        "lacunes » dans la mise en œuvre des engagements pris {year_past}.",
        "Un sondage publié {day_rel} montre que {pct} des personnes interrogées {A_in} soutiennent "
        "la position du gouvernement.",
        "Le vote, prévu {date_fut} {time}, pourrait être reporté faute de majorité.",
        "Les observateurs notent que {A} a multiplié les contacts avec {B} {duration}.",
    ),
    "en": (
        "{speaker} said {day_rel} that {A} wanted to resume {topic_talks} with {B}.",
        "The two delegations are due to meet again {at_venue} {date_fut}, {speaker} said.",
        "The call will take place {time}, {A_gov} said.",
        "{A_cap} has accused {B} of {accusation} {duration}.",
        "{org} plans an extraordinary meeting {date_fut}, according to diplomatic sources.",
        '{B_cap} denied the reports {day_rel}, calling them "{short_quote}."',
        "The talks follow a first meeting {at_venue} {date_past} that ended without agreement.",
        "{A} had already suspended its cooperation with {B} {year_past} after {event_past}.",
        "The amount at stake is estimated at {amount}, according to figures from {org}.",
        "Trade between the two countries has fallen {pct} {duration}, official data showed.",
        "{speaker} is due to travel to {B} {date_fut} for a two-day visit.",
        "A spokesperson for {org} declined to comment {day_rel}.",
        "{org} urged both sides to show restraint {day_rel}.",
        "Markets reacted cautiously, with {index} down {pct} {day_rel}.",
        "More than {number} people protested against the government {A_in} {day_rel}.",
        "The bill is due to be put to a vote in the {A_adj} parliament {date_fut}.",
        "{speaker} held a phone call with {other} {day_rel}, according to a readout.",
        "A deal could be signed by {month_fut}, analysts told {source}.",
        "{A} and {B} have had tense relations since {year}.",
        "The next round of negotiations is scheduled {date_fut} {time}.",
        "{org} estimates that {amount} will be needed {duration_fut}.",
        "{A_cap} has already committed {amount} {year_past}, {A_gov} said.",
        "The situation deteriorated sharply {date_past}, when {B} announced new restrictions.",
        "{speaker} is due to meet {other} {date_fut} on the sidelines of the {org_acr} summit "
        "{at_venue}.",
        "A {A_adj} official, speaking on condition of anonymity, said {A} did not rule out "
        "further measures if {B} did not respond {date_fut}.",
        "{B} rejects the accusations and says it acts in line with international law.",
        "The talks, initially planned for two days, have been extended {until}.",
        "The issue will be on the agenda of the next {org_acr} summit, scheduled {date_fut} "
        "{at_venue}.",
        'G7 finance ministers said they were "concerned" by the situation in a joint statement '
        "issued {day_rel}.",
        "At least {small_number} investment projects have been frozen {duration}, according to "
        "{source}.",
        "Analysts expect energy prices to rise {pct} by {month_fut}.",
        "The last meeting of this kind dates back to {month_year}.",
        '{speaker} acknowledged {day_rel} that the negotiations would be "long and difficult."',
        "The European Parliament is due to examine a resolution on {topic} {date_fut}.",
        "Since {year}, {A} has paid more than {amount} in bilateral aid.",
        "Representatives of the two countries have not met since {month_year}.",
        '{org} published a {small_number}-page report {day_rel} pointing to "serious gaps" in '
        "the implementation of commitments made {year_past}.",
        "A poll published {day_rel} showed {pct} of respondents {A_in} backed the government's "
        "position.",
        "The vote, scheduled {date_fut} {time}, could be postponed for lack of a majority.",
        "Observers note that {A} has stepped up contacts with {B} {duration}.",
    ),
}
QUOTE_SENTENCES = {
    "fr": (
        "« {quote} », a déclaré {speaker} {day_rel}.",
        "« {quote} », a affirmé {speaker} lors d'une conférence de presse.",
        "{speaker} a déclaré : « {quote} ».",
        "« {quote} », a ajouté {speaker}.",
        "« {quote} », a indiqué {org} dans un communiqué publié {day_rel}.",
        "À une question sur {topic_talks}, {speaker} a répondu : « {short_quote} ».",
        "« {quote} », a écrit {speaker} sur les réseaux sociaux {day_rel}.",
    ),
    "en": (
        '"{quote}," {speaker} said {day_rel}.',
        '"{quote}," {speaker} told a news conference.',
        '{speaker} said: "{quote}."',
        '"{quote}," {speaker} added.',
        '"{quote}," {org} said in a statement {day_rel}.',
        'Asked about {topic_talks}, {speaker} replied: "{short_quote}."',
        '"{quote}," {speaker} wrote on social media {day_rel}.',
    ),
}


class Story:
    """One article being written: its cast and setting, and which names were already introduced.

    A person or organisation is named in full at first mention and briefly afterwards, as a wire
    story does; `fresh()` gives a story with no mention made yet (for the summary).
    """

    def __init__(
        self,
        lang: str,
        published: datetime.datetime,
        home: Country,
        other: Country,
        topic: Topic,
        org: Org,
        people: tuple[Person, ...],
        source: str,
        rng: random.Random,
    ) -> None:
        self.lang, self.published, self.home, self.other = lang, published, home, other
        self.topic, self.org, self.people, self.source, self.rng = topic, org, people, source, rng
        self._mentioned: set[object] = set()
        self._speaker: Person = people[0]
        self._slots: dict[str, Callable[[], str]] = {
            "org": self._org,
            "org_de": lambda: fr_de(self._org()),
            "org_acr": lambda: org.acronym(lang),
            "topic": lambda: topic.subject(lang),
            "topic_de": lambda: fr_de(topic.subject(lang)),
            "topic_talks": self._topic_talks,
            "speaker": self._speaker_mention,
            "other": self._other_mention,
            "quote": self._quote,
            "short_quote": lambda: self._pick(SHORT_QUOTES),
            "demand": lambda: self._pick(DEMANDS),
            "accusation": lambda: self._pick(ACCUSATIONS),
            "event_past": lambda: self._pick(PAST_EVENTS),
            "index": lambda: self._pick(INDICES),
            "at_venue": self._at_venue,
            "source": lambda: source,
            "day_rel": self._day_rel,
            "date_fut": self._date_future,
            "date_past": self._date_past,
            "year_past": self._year_past,
            "year": lambda: str(published.year - rng.randint(2, 15)),
            "month_fut": self._month_future,
            "time": self._time,
            "duration": self._duration,
            "duration_fut": self._duration_future,
            "amount": self._amount,
            "pct": self._percent,
            "number": self._number,
            "small_number": lambda: str(rng.randint(3, 40)),
            "month_year": self._month_year,
            "until": self._until,
        }
        self._decks: dict[tuple[str, ...], list[str]] = {}

    def fresh(self) -> Story:
        return Story(
            self.lang,
            self.published,
            self.home,
            self.other,
            self.topic,
            self.org,
            self.people,
            self.source,
            self.rng,
        )

    def sentence(self, template: str) -> str:
        """`template` filled in, its first letter capitalised."""
        text = template.format_map(self).replace(".m..", ".m.")
        return text[0].upper() + text[1:]

    def __getitem__(self, key: str) -> str:
        """A field of a template, chosen afresh (called by `str.format_map`)."""
        if key[0] in "AB" and key[1:2] in ("", "_"):
            country = self.home if key[0] == "A" else self.other
            return country.form(key[2:] or "the", self.lang)
        if key[0] == "p" and key[1:2].isdigit():
            person = self.people[(int(key[1]) - 1) % len(self.people)]
            return person.full_name if key.endswith("_name") else self._mention(person)
        return self._slots[key]()

    def dateline(self) -> str:
        """`PARIS, 29 décembre (Reuters) - ` / `PARIS, Dec 29 (Reuters) - `."""
        city = self.home.capital(self.lang).upper()
        day = self.published.date()
        when = fr_day(day) if self.lang == "fr" else f"{EN_MONTHS[day.month - 1][:3]} {day.day}"
        return f"{city}, {when} ({self.source}) - "

    def deal(self, options: tuple[str, ...]) -> str:
        """The next of `options` in a shuffled deck: no repeat until every one was used."""
        deck = self._decks.setdefault(options, [])
        if not deck:
            deck.extend(options)
            self.rng.shuffle(deck)
        return deck.pop()

    def _pick(self, options: Mapping[str, tuple[str, ...]]) -> str:
        return self.rng.choice(options[self.lang])

    def _mention(self, person: Person) -> str:
        if person in self._mentioned:
            return person.later_mention(self.lang)
        self._mentioned.add(person)
        return person.first_mention(self.lang)

    def _speaker_mention(self) -> str:
        self._speaker = self.rng.choice(self.people)
        return self._mention(self._speaker)

    def _other_mention(self) -> str:
        others = [p for p in self.people if p is not self._speaker] or list(self.people)
        return self._mention(self.rng.choice(others))

    def _org(self) -> str:
        if self.org in self._mentioned:
            return self.org.short(self.lang)
        self._mentioned.add(self.org)
        return self.org.full(self.lang)

    def _topic_talks(self) -> str:
        if self.lang == "fr":
            return f"les discussions sur {self.topic.fr_subject}"
        return f"talks on {self.topic.en_subject}"

    def _quote(self) -> str:
        return self.sentence(self.deal(QUOTES[self.lang]))

    def _at_venue(self) -> str:
        venues = [*VENUES[self.lang], self.home.capital(self.lang), self.other.capital(self.lang)]
        venue = self.rng.choice(venues)
        return fr_at(venue) if self.lang == "fr" else f"in {venue}"

    def _day(self, offset: int) -> datetime.date:
        return self.published.date() + datetime.timedelta(days=offset)

    def _day_rel(self) -> str:
        """A weekday close before publication: `mardi`, `on Tuesday`, `ce matin`."""
        offset = self.rng.randint(0, 3)
        if offset == 0 and self.rng.random() < 0.3:
            return "ce matin" if self.lang == "fr" else "this morning"
        weekday = self._day(-offset).weekday()
        return FR_WEEKDAYS[weekday] if self.lang == "fr" else f"on {EN_WEEKDAYS[weekday]}"

    def _date_future(self) -> str:
        offset = self.rng.randint(1, 25)
        day = self._day(offset)
        fr = self.lang == "fr"
        forms = [
            f"le {fr_day(day)}" if fr else f"on {en_day(day, self.rng)}",
            f"le {FR_WEEKDAYS[day.weekday()]} {fr_day(day)}"
            if fr
            else f"on {EN_WEEKDAYS[day.weekday()]}, {en_day(day, self.rng)}",
            f"le {fr_day(day)} {day.year}" if fr else f"on {en_day(day, self.rng)}, {day.year}",
        ]
        if offset == 1:
            forms.append("demain" if fr else "tomorrow")
        elif offset <= 6:
            forms.append(
                f"{FR_WEEKDAYS[day.weekday()]} prochain"
                if fr
                else f"next {EN_WEEKDAYS[day.weekday()]}"
            )
        elif offset <= 13:
            forms.append("la semaine prochaine" if fr else "next week")
        if day.day <= 10 and day.month != self.published.month:
            forms.append(
                f"début {FR_MONTHS[day.month - 1]}"
                if fr
                else f"in early {EN_MONTHS[day.month - 1]}"
            )
        return self.rng.choice(forms)

    def _date_past(self) -> str:
        offset = self.rng.randint(1, 45)
        day = self._day(-offset)
        fr = self.lang == "fr"
        forms = [f"le {fr_day(day)}" if fr else f"on {en_day(day, self.rng)}"]
        if offset == 1:
            forms.append("hier" if fr else "yesterday")
        elif offset <= 6:
            forms.append(
                f"{FR_WEEKDAYS[day.weekday()]} dernier"
                if fr
                else f"last {EN_WEEKDAYS[day.weekday()]}"
            )
        elif offset <= 13:
            forms.append("la semaine dernière" if fr else "last week")
        if day.month != self.published.month:
            forms.append("le mois dernier" if fr else "last month")
        return self.rng.choice(forms)

    def _year_past(self) -> str:
        year = self.published.year - self.rng.randint(1, 12)
        month = self.rng.randrange(12)
        fr = self.lang == "fr"
        return self.rng.choice(
            (
                f"en {year}" if fr else f"in {year}",
                f"en {FR_MONTHS[month]} {year}" if fr else f"in {EN_MONTHS[month]} {year}",
                f"fin {year}" if fr else f"in late {year}",
                f"début {year}" if fr else f"in early {year}",
            )
        )

    def _month_year(self) -> str:
        """`mars 2019`, `March 2019`: a month some years back."""
        year = self.published.year - self.rng.randint(1, 6)
        months = FR_MONTHS if self.lang == "fr" else EN_MONTHS
        return f"{self.rng.choice(months)} {year}"

    def _until(self) -> str:
        """`jusqu'au 12 janvier`, `until January 12`."""
        day = self._day(self.rng.randint(2, 9))
        return f"jusqu'au {fr_day(day)}" if self.lang == "fr" else f"until {en_day(day, self.rng)}"

    def _month_future(self) -> str:
        month = (self.published.month - 1 + self.rng.randint(1, 4)) % 12
        return FR_MONTHS[month] if self.lang == "fr" else EN_MONTHS[month]

    def _time(self) -> str:
        """`à 15h30 ET (20h30 GMT)`, `at 3:30 p.m. ET (2030 GMT)`, `vers 18h`, `at 0930 GMT`."""
        hour, minute = self.rng.randint(7, 21), self.rng.choice((0, 15, 30, 45))
        gmt = (hour + 5) % 24
        if self.lang == "fr":
            return self.rng.choice(
                (
                    f"à {hour}h{minute:02d} ET ({gmt}h{minute:02d} GMT)",
                    f"à {hour}h{minute:02d} heure locale",
                    f"vers {hour}h",
                    f"à {hour}h{minute:02d} GMT",
                )
            )
        twelve = f"{(hour - 1) % 12 + 1}{f':{minute:02d}' if minute else ''}"
        meridiem = "a.m." if hour < 12 else "p.m."
        return self.rng.choice(
            (
                f"at {twelve} {meridiem} ET ({gmt:02d}{minute:02d} GMT)",
                f"at {twelve} {meridiem} local time",
                f"at around {(hour - 1) % 12 + 1} {meridiem}",
                f"at {hour:02d}{minute:02d} GMT",
            )
        )

    def _count(self) -> tuple[int, str]:
        count = self.rng.randint(2, 12)
        return count, (FR_NUMBERS if self.lang == "fr" else EN_NUMBERS)[count]

    def _duration(self) -> str:
        """`depuis deux mois`, `over the past six months`, `for a 90-day period`."""
        _, words = self._count()
        if self.lang == "fr":
            return self.rng.choice(
                (
                    f"depuis {words} mois",
                    f"pendant {words} jours",
                    f"au cours des {words} derniers mois",
                    "depuis plus d'un an",
                    f"pour une période de {self.rng.choice((30, 60, 90))} jours",
                    f"depuis {words} semaines",
                )
            )
        return self.rng.choice(
            (
                f"for {words} months",
                f"for {words} days",
                f"over the past {words} months",
                "for more than a year",
                f"for a {self.rng.choice((30, 60, 90))}-day period",
                f"for {words} weeks",
            )
        )

    def _duration_future(self) -> str:
        _, words = self._count()
        if self.lang == "fr":
            return f"au cours des {words} prochaines années"
        return f"over the next {words} years"

    def _amount(self) -> str:
        if self.rng.random() < 0.5:
            value = self.rng.randint(12, 95) / 10
            if self.lang == "fr":
                return f"{_fr_number(value, 1)} milliards de dollars"
            return f"${value:.1f} billion"
        millions = self.rng.randrange(50, 950, 10)
        return f"{millions} millions d'euros" if self.lang == "fr" else f"{millions} million euros"

    def _percent(self) -> str:
        value = self.rng.randint(3, 180) / 10
        return f"{_fr_number(value, 1)} %" if self.lang == "fr" else f"{value:.1f}%"

    def _number(self) -> str:
        value = self.rng.randrange(1000, 60000, 500)
        return _fr_number(value) if self.lang == "fr" else f"{value:,}"
