"""Morocco's reference data, loaded by migration core.0002 (and re-applied idempotently
by ``seed_demo``): the 12 regions of the 2015 division, main cities, and the programme's
partner organisations."""

# code, French, Arabic, English
REGIONS = [
    ("MA-01", "Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة", "Tangier-Tetouan-Al Hoceima"),
    ("MA-02", "L'Oriental", "الشرق", "Oriental"),
    ("MA-03", "Fès-Meknès", "فاس مكناس", "Fez-Meknes"),
    ("MA-04", "Rabat-Salé-Kénitra", "الرباط سلا القنيطرة", "Rabat-Sale-Kenitra"),
    ("MA-05", "Béni Mellal-Khénifra", "بني ملال خنيفرة", "Beni Mellal-Khenifra"),
    ("MA-06", "Casablanca-Settat", "الدار البيضاء سطات", "Casablanca-Settat"),
    ("MA-07", "Marrakech-Safi", "مراكش آسفي", "Marrakesh-Safi"),
    ("MA-08", "Drâa-Tafilalet", "درعة تافيلالت", "Draa-Tafilalet"),
    ("MA-09", "Souss-Massa", "سوس ماسة", "Souss-Massa"),
    ("MA-10", "Guelmim-Oued Noun", "كلميم واد نون", "Guelmim-Oued Noun"),
    ("MA-11", "Laâyoune-Sakia El Hamra", "العيون الساقية الحمراء", "Laayoune-Sakia El Hamra"),
    ("MA-12", "Dakhla-Oued Ed-Dahab", "الداخلة وادي الذهب", "Dakhla-Oued Ed-Dahab"),
]

# slug, region code, French, Arabic, English
CITIES = [
    ("rabat", "MA-04", "Rabat", "الرباط", "Rabat"),
    ("sale", "MA-04", "Salé", "سلا", "Sale"),
    ("kenitra", "MA-04", "Kénitra", "القنيطرة", "Kenitra"),
    ("temara", "MA-04", "Témara", "تمارة", "Temara"),
    ("casablanca", "MA-06", "Casablanca", "الدار البيضاء", "Casablanca"),
    ("mohammedia", "MA-06", "Mohammedia", "المحمدية", "Mohammedia"),
    ("el-jadida", "MA-06", "El Jadida", "الجديدة", "El Jadida"),
    ("oujda", "MA-02", "Oujda", "وجدة", "Oujda"),
    ("nador", "MA-02", "Nador", "الناظور", "Nador"),
    ("berkane", "MA-02", "Berkane", "بركان", "Berkane"),
    ("marrakech", "MA-07", "Marrakech", "مراكش", "Marrakesh"),
    ("safi", "MA-07", "Safi", "آسفي", "Safi"),
    ("fes", "MA-03", "Fès", "فاس", "Fez"),
    ("meknes", "MA-03", "Meknès", "مكناس", "Meknes"),
    ("tanger", "MA-01", "Tanger", "طنجة", "Tangier"),
    ("tetouan", "MA-01", "Tétouan", "تطوان", "Tetouan"),
    ("al-hoceima", "MA-01", "Al Hoceïma", "الحسيمة", "Al Hoceima"),
    ("beni-mellal", "MA-05", "Béni Mellal", "بني ملال", "Beni Mellal"),
    ("khouribga", "MA-05", "Khouribga", "خريبكة", "Khouribga"),
    ("errachidia", "MA-08", "Errachidia", "الرشيدية", "Errachidia"),
    ("ouarzazate", "MA-08", "Ouarzazate", "ورزازات", "Ouarzazate"),
    ("agadir", "MA-09", "Agadir", "أكادير", "Agadir"),
    ("guelmim", "MA-10", "Guelmim", "كلميم", "Guelmim"),
    ("laayoune", "MA-11", "Laâyoune", "العيون", "Laayoune"),
    ("dakhla", "MA-12", "Dakhla", "الداخلة", "Dakhla"),
]

# code, kind, acronym, French, Arabic, English
PARTNERS = [
    (
        "unhcr",
        "un_agency",
        "UNHCR",
        "Haut-Commissariat des Nations Unies pour les réfugiés",
        "المفوضية السامية للأمم المتحدة لشؤون اللاجئين",
        "United Nations High Commissioner for Refugees",
    ),
    (
        "ministry",
        "government",
        "MCMREAM",
        "Ministère chargé des Marocains résidant à l'étranger et des affaires de la migration",
        "الوزارة المكلفة بالمغاربة المقيمين بالخارج وشؤون الهجرة",
        "Ministry in charge of Moroccans Abroad and Migration Affairs",
    ),
    (
        "anapec",
        "public_agency",
        "ANAPEC",
        "Agence nationale de promotion de l'emploi et des compétences",
        "الوكالة الوطنية لإنعاش التشغيل والكفاءات",
        "National Agency for the Promotion of Employment and Skills",
    ),
    (
        "odco",
        "public_agency",
        "ODCO",
        "Office du Développement de la Coopération",
        "مكتب تنمية التعاون",
        "Cooperation Development Office",
    ),
    (
        "amappe",
        "ngo",
        "AMAPPE",
        "Association marocaine d'appui à la promotion de la petite entreprise",
        "الجمعية المغربية لدعم النهوض بالمقاولة الصغرى",
        "Moroccan Association for the Promotion of Small Enterprise",
    ),
    ("eu", "donor", "EU", "Union européenne", "الاتحاد الأوروبي", "European Union"),
    ("monaco", "donor", "Monaco", "Principauté de Monaco", "إمارة موناكو", "Principality of Monaco"),
    ("switzerland", "donor", "Suisse", "Confédération suisse", "الاتحاد السويسري", "Switzerland"),
    ("japan", "donor", "Japon", "Gouvernement du Japon", "حكومة اليابان", "Government of Japan"),
]


def load_reference_data(Region, City, PartnerOrganisation) -> None:  # noqa: N803 - historical models
    """Create or update the reference rows (idempotent)."""
    regions = {}
    for code, fr, ar, en in REGIONS:
        regions[code], _ = Region.objects.update_or_create(
            code=code, defaults={"name_fr": fr, "name_ar": ar, "name_en": en}
        )
    for slug, region, fr, ar, en in CITIES:
        City.objects.update_or_create(
            slug=slug, defaults={"region": regions[region], "name_fr": fr, "name_ar": ar, "name_en": en}
        )
    for code, kind, acronym, fr, ar, en in PARTNERS:
        PartnerOrganisation.objects.update_or_create(
            code=code, defaults={"kind": kind, "acronym": acronym, "name_fr": fr, "name_ar": ar, "name_en": en}
        )
