//! Named entities: people (PERSON), organisations (ORG) and places (PLACE) mentioned in a unit.
//!
//! Input: the sentences of one unit ([`SentenceRef`]s, in order). Output: [`Entity`] mentions
//! sorted by `start_byte`, non-overlapping, with spans in document coordinates and a `norm`
//! shared by the forms of one entity within the unit ("FIDA-Kenya", "FIDA Kenya", "Fida Kenya"
//! and a later "FIDA" share one norm; places get the gazetteer's canonical name).
//!
//! How: rules and gazetteers, no model.
//! - Each sentence is cut into word tokens; words glued to web debris ("RJ1Rights",
//!   "IWDInterview", "campaign2.jpgAs") are split, and the debris is never part of an entity
//!   (nor is an image caption glued to the start of a paragraph).
//! - Capitalised sequences (allowing lowercase connectors such as "of", "for", "de") are
//!   classified: ORG when headed or introduced by an organisation keyword ("Forum", "Ministry
//!   of", "Corporación"), an acronym (alone, or followed by a place: "FIDA Kenya"), or a name the
//!   text introduces ("X is an NGO"); PERSON through cues ("interview with", "asked", titles,
//!   roles next to the name) or a given-name list; PLACE from the [`Gazetteer`] and from
//!   unknown names followed by "Valley", "River", "District", ...
//! - Acronyms the unit defines as concepts ("gender-based violence (GBV)") are never ORG; an
//!   acronym defined by an organisation name is ORG and shares its norm.
//! - A second pass over the whole unit re-finds the names the first pass learnt (and their
//!   short forms: "Espacios" for "Corporación Espacios de Mujer") in every sentence.
//!
//! What it does not do: no coreference of pronouns, no nested entities (the longest span
//! wins), no entity types beyond the three, no disambiguation of names that are also common
//! words beyond the rules above; it learns nothing across units.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::SentenceRef;
use crate::gazetteer::{Gazetteer, PlaceKind};

const GIVEN_NAMES_TXT: &str = include_str!("../../data/gazetteer/given_names.txt");

/// The type of a named entity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum EntityType {
    /// A named person ("Betty Pedraza Lozano", "Renu").
    Person,
    /// A named organisation, its short name or acronym ("GAATW", "FIDA Kenya").
    Org,
    /// A country, city, region, valley, continent ("Medellin", "Aburra Valley").
    Place,
}

impl EntityType {
    /// The type as written in the `entities` table: `PERSON`, `ORG` or `PLACE`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Place => "PLACE",
        }
    }
}

/// One entity mention. Invariant: `&document[start_byte..end_byte] == text`, on char
/// boundaries, within the sentence `sentence_index`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    /// 0-based index of the sentence within its unit.
    pub sentence_index: u32,
    /// PERSON, ORG or PLACE.
    pub entity_type: EntityType,
    /// The surface form (the name only: no leading "the", no possessive, no punctuation).
    pub text: String,
    /// The canonical form shared by all mentions of the same entity in the unit.
    pub norm: String,
    /// Byte offset of the mention in the document text.
    pub start_byte: usize,
    /// Byte offset one past the end of the mention in the document text.
    pub end_byte: usize,
}

/// A small, fast, non-cryptographic hasher (FxHash) for the short string keys used here; the
/// maps never see adversarial keys that matter (worst case: slower, never wrong).
#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.hash = (self.hash.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.hash = (self.hash.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_usize(&mut self, i: usize) {
        self.write(&i.to_le_bytes());
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

// ---------------------------------------------------------------------------------------------
// Lexicon

const F_FUNCTION: u32 = 1; // capitalised function/generic word stripped at a chunk's start
const F_ORG_HEAD: u32 = 1 << 1; // organisation keyword that can end a name ("Forum")
const F_ORG_START: u32 = 1 << 2; // organisation-type word that can start a name ("Corporación")
const F_ORG_OF: u32 = 1 << 3; // keyword that makes an ORG when followed by a connector ("Ministry of")
const F_EVENT: u32 = 1 << 4; // head of a non-entity title ("Conference", "Act", "Campaign")
const F_WEAK_ORG: u32 = 1 << 5; // "Programme", "Project": ORG only with a partner/donor cue
const F_ROLE: u32 = 1 << 6; // a role next to a person's name ("Director")
const F_HONORIFIC: u32 = 1 << 7; // "Mr", "Dr"
const F_CONNECTOR: u32 = 1 << 8; // "of", "de", "and" inside names
const F_FEATURE: u32 = 1 << 9; // "Valley", "River": makes an unknown name a place
const F_FEATURE_PREFIX: u32 = 1 << 10; // "Lake", "Mount"
const F_ORG_NOUN: u32 = 1 << 11; // "NGO", "organisation": a name the text introduces as one
const F_CONCEPT_ACRONYM: u32 = 1 << 12; // acronyms of concepts ("HIV", "NGO"), never ORG
const F_DEMONYM: u32 = 1 << 13; // demonyms not derivable from the gazetteer ("French")
const F_PARTICLE: u32 = 1 << 14; // name particles inside person names ("de", "van", "bin")
const F_PERSON_VERB: u32 = 1 << 15; // "said": a name before it is a person
const F_ROLE_MOD: u32 = 1 << 16; // "Executive" in "Executive Director"
const F_PLACE_NOUN: u32 = 1 << 17; // "town" in "the town of X"

const FUNCTION_WORDS: &str = "The A An This That These Those It Its Our Their His Her My Your We \
They He She I You In On At For From To By With Without Within As Of And Or But If When Where \
While Whereas Why How What Which Who Whom Whose After Before During Since Until Through \
Throughout Under Over Between Among Across Into Upon About Around Also Additionally \
Furthermore Moreover However Therefore Thus Hence Yes No Not Please Here There Each Every All \
Any Some Many Most Much More Several Both Either Neither Other Another Such Only Even Just Then \
Now Today Currently Recently Finally Firstly Secondly Lastly Although Though Because Once So \
Like Unlike Despite Regarding Contact Email E-mail Tel Phone Fax Website Web Click Read \
Download See Note Source Photo Image Picture Figure Table Page Dear Hello Thanks Thank Member \
Members Can Could Do Does Did Is Are Was Were Be Been Has Have Had Will Would Should Shall May \
Might Must Let Interview Interviews Summary Summarised Summarized Conversation Question Answer \
Q Mrs Ms Mr Dr Also Apart Via Per Towards Toward Upon Following According Within Inside Outside \
New Old Recent Next Last First Second Third Fourth Fifth One Two Three Four Five Six Seven \
Eight Nine Ten Her Him Them Us Me Mine Ours Theirs Yours Whilst Instead Meanwhile Overall \
Similarly Specifically Usually Generally Especially Particularly Indeed Still Yet Already \
Often Sometimes Always Never Together Further Besides Otherwise Nevertheless Nonetheless";

const ORG_HEADS: &str = "Alliance Alliances Agency Association Asociatia Asociația Asociación \
Asociacion Associação Associazione Council Commission Ministry Department Network Forum Group \
Foundation Fundación Fundacion Fundação Fundatia Fundația Organisation Organization Union \
Institute Institution Coalition Federation Centre Center Office Committee Society Inspectorate \
Court Police Bank Trust Fund Corporation Corporación Corporacion Company Bureau Authority Board \
Secretariat International Party Parliament Assembly Tribunal University College Movement \
Collective Colectivo Colectiva Consortium Cooperative Co-operative Partnership Service Chamber \
Directorate Embassy Consulate League Confederation Syndicate Sindicato Inc Ltd LLC Limited \
Caucus Observatory Unit Force Watch Fédération Administration Worldwide Hommes";

const ORG_STARTS: &str = "Corporación Corporacion Asociatia Asociația Asociación Asociacion \
Associação Associazione Fundación Fundacion Fundação Fundatia Fundația Federación Centro \
Instituto Comité Comite Colectivo Colectiva Movimiento Coalición Alianza Organización \
Organizacion Ministerio Fondation Association Stichting Verein Societatea Sindicato Fédération \
Confederación Consejo Red Rede Réseau Comisión Comision Defensoría Defensoria Cooperativa \
Associação Institute Foundation Federation Coalition Alliance Network Union Council Forum \
Society Centre Center Collective";

const ORG_OF: &str = "Government Ministry Department Office Secretariat Embassy Bureau \
Directorate University Friends Commissioner Commission Council Committee Alliance Association \
Agency Network Forum Group Foundation Organisation Organization Union Institute Coalition \
Federation Centre Center Society Inspectorate Court Bank Trust Fund Board Authority Movement \
Confederation League Partnership Consortium Chamber Corporation Fédération Force \
Administration Inter-Agency";

const EVENTS: &str = "Meeting Meetings Conference Conferences Day Days Week Month Year \
Campaign Campaigns Constitution Act Acts Bill Bills Plan Plans Platform Strategy Strategies \
Convention Conventions Protocol Declaration Report Reports Policy Policies Law Laws Code System \
Summit Workshop Workshops Seminar Festival Award Awards Prize Research Study Survey Model \
Approach Approaches Framework Agenda Toolkit Module Article Section Chapter Session Treaty \
Charter Resolution Guidelines Principles Standards Manual Handbook Guide Publication \
Newsletter Magazine Journal Series Training Course Fair Exhibition Goals Index Card \
Nets School Schools Safety Sessions Version Mechanism Agreement Regulation Decree \
Ordinance Directive Statute Rule Elections Election Reform Reforms Assessment Review Census";

const WEAK_ORGS: &str = "Programme Program Project Projects Programmes Initiative";

const ROLES: &str = "Director Chairperson Chair Chairman Chairwoman President Coordinator \
Co-ordinator Co-Coordinator Manager Officer Founder Co-founder Co-Founder Secretary Head \
Advocate Lawyer Activist Researcher Minister Ambassador Rapporteur Commissioner \
Representative Spokesperson Spokesman Spokeswoman Counsellor Counselor Trustee Treasurer \
Administrator Consultant Specialist Adviser Advisor Organiser Organizer Leader Facilitator \
Volunteer Senator Governor Mayor Judge Prosecutor Attorney Journalist Editor Professor \
Lecturer Doctor Nurse Coordinatrice Coordinadora Coordinador Directora Presidenta";

/// Words that only make a role together with a role head ("Executive Director").
const ROLE_MODIFIERS: &str = "Executive Deputy Chief Vice Programme Program Project General \
Regional National Country Senior Legal Assistant Associate Communications Policy Staff Board \
Managing Founding Acting Interim Field Case Social Area";

const HONORIFICS: &str = "Mr Mrs Ms Miss Dr Prof Professor Sir Dame Madam Mme Mlle Sr Sra Srta \
Fr Rev Hon Sister Sheikh Senator Governor Mayor Judge Dra Don Doña Shri Smt Mx";

const CONNECTORS: &str = "of for and against on in de del la las los el the des du di da do \
dos das y e et van von der den zu für to & at Of For And Against On In The To At en para por \
contra con sin sobre pour sur contre avec le les della delle dei per na no em com";

const PLACE_NOUNS: &str = "city town village province district region state county \
municipality capital island port border suburb neighbourhood neighborhood area camp";

const FEATURES: &str = "Valley River Province District Region County Island Islands \
Mountains Mountain Hills Delta Peninsula Desert Coast Basin Plateau Highlands Lowlands \
Prefecture Municipality Governorate Oblast Sub-County Subcounty Division Upazila Zila Tehsil \
Taluk Canton Departamento State City";

const FEATURE_PREFIXES: &str = "Lake Mount River Isle Gulf Bay";

const ORG_NOUNS: &str = "NGO NGOs organisation organization organisations organizations \
network alliance association charity foundation coalition union agency agencies federation \
non-governmental non-government non-profit nonprofit not-for-profit institution institute \
group collective cooperative co-operative CSO CBO INGO movement platform forum company \
corporation society trust committee council body";

const CONCEPT_ACRONYMS: &str = "NGO NGOs INGO INGOs CSO CSOs CBO CBOs FBO FBOs HIV AIDS STI \
STIs STD STDs GBV SGBV VAW VAWG FGM IDP IDPs TIP LGBT LGBTI LGBTQ LGBTIQ LGBTQI LGBTQIA SOGI SDG \
SDGs MDG MDGs ICT IT GDP PHD PhD MA BA MSC ID IDs PDF URL FAQ TV DVD SMS USD EUR GBP AM \
PM OK PS NB CV HR PR RSVP AD BC BCE CE COVID SARS ATM PIN RE FYI ASAP DIY Q&A QA CSR MOU MOUs \
MoU NAP NAPs FPAR PAR GDPR WIFI OR AND THE OF IN TO FOR ON AT BY WITH FROM NEWS CONTACT US \
TBC TBA NA N/A II III IV VI VII VIII IX XI XII XIII XIV XV XX SW DW DWs MW MWs TIPs OFW OFWs \
HRD HRDs WHRD WHRDs CRC UPR SRHR SRH ART ARV ARVs TB RH PTSD NB";

const DEMONYMS: &str = "Spanish French British English Irish Welsh Scottish Dutch Swiss Greek \
Thai Filipino Filipina Filipinos Filipinas Danish Swedish Finnish Norwegian Icelandic Czech \
Slovak Lao Laotian Malagasy Congolese Ivorian Emirati Saudi Afghan Argentine Argentinian \
Peruvian Portuguese Arab Arabic Arabs Bengali Punjabi Tamil Kurdish Kurd Kurds Roma Romani \
Latino Latina Latinos Latinas Hispanic Salvadoran Salvadorian Honduran Cypriot Uzbek Kazakh \
Tajik Turkmen Kyrgyz Togolese Guinean Bissau-Guinean Monegasque Kosovar Kosovan Basotho Motswana \
Batswana Bruneian Burkinabe Burkinabé Beninese Gabonese Malian Nigerien Chadian Comorian \
Mauritian Seychellois Sahrawi Yemeni Omani Bahraini Qatari Kuwaiti Iraqi Israeli Jordanian \
Palestinian Lebanese Syrian Egyptian Libyan Tunisian Algerian Moroccan Sudanese Ethiopian \
Eritrean Somali Somalian Djiboutian Kenyan Ugandan Tanzanian Rwandan Burundian Malawian \
Zambian Zimbabwean Mozambican Angolan Namibian Nigerian Ghanaian Senegalese Gambian Liberian \
Cameroonian Congolese Asian African European American Americans Africans Asians Europeans \
Caribbean Pacific Nordic Scandinavian Balkan Baltic Slavic Anglo Hindu Muslim Christian Jewish \
Buddhist Sikh Catholic Protestant Orthodox Sunni Shia Rohingya Dalit Dalits Adivasi Maasai \
Kikuyu Luo Pashtun Hazara Berber Amazigh Bedouin Creole Indigenous Aboriginal Maori Inuit";

const PARTICLES: &str = "de da del dos das do di van von der den bin binti bint al el la le ben \
ibn ter zu y e";

const PERSON_VERBS: &str = "said says explained explains told added adds noted notes stated \
states recalled recalls argued argues emphasised emphasized stressed believes thinks";

struct Lexicon {
    words: FastMap<&'static str, u32>,
    given: FastSet<&'static str>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut words: FastMap<&'static str, u32> = FastMap::default();
    for (list, flag) in [
        (FUNCTION_WORDS, F_FUNCTION),
        (ORG_HEADS, F_ORG_HEAD),
        (ORG_STARTS, F_ORG_START),
        (ORG_OF, F_ORG_OF),
        (EVENTS, F_EVENT),
        (WEAK_ORGS, F_WEAK_ORG),
        (ROLES, F_ROLE),
        (HONORIFICS, F_HONORIFIC),
        (CONNECTORS, F_CONNECTOR),
        (FEATURES, F_FEATURE),
        (FEATURE_PREFIXES, F_FEATURE_PREFIX),
        (ORG_NOUNS, F_ORG_NOUN),
        (CONCEPT_ACRONYMS, F_CONCEPT_ACRONYM),
        (DEMONYMS, F_DEMONYM),
        (PARTICLES, F_PARTICLE),
        (PERSON_VERBS, F_PERSON_VERB),
        (ROLE_MODIFIERS, F_ROLE_MOD),
        (PLACE_NOUNS, F_PLACE_NOUN),
    ] {
        for w in list.split_whitespace() {
            let w = w.trim_end_matches('?');
            *words.entry(w).or_insert(0) |= flag;
        }
    }
    let given = GIVEN_NAMES_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    Lexicon { words, given }
});

fn flags(word: &str) -> u32 {
    LEXICON.words.get(word).copied().unwrap_or(0)
}

/// Lexicon flags of a token (cached for capitalised words).
fn tflags(text: &str, t: &Tok) -> u32 {
    if matches!(t.shape, Shape::Title | Shape::Upper | Shape::AcroHyphen) {
        t.lex
    } else {
        text.get(t.s..t.e).map_or(0, flags)
    }
}

fn has(word: &str, flag: u32) -> bool {
    flags(word) & flag != 0
}

/// A "chief … officer" title written as an acronym (C_O, plural C_Os): a role, never an
/// organisation.
fn is_chief_officer(word: &str) -> bool {
    let b = word.strip_suffix('s').unwrap_or(word).as_bytes();
    b.len() == 3 && b[0] == b'C' && b[2] == b'O' && b[1].is_ascii_uppercase()
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Starts with a lowercase letter.
    Lower,
    /// Starts with an uppercase letter and has lowercase letters ("Kenya", "Anti-Trafficking").
    Title,
    /// Two or more uppercase letters, maybe a plural "s" ("GAATW", "NGOs").
    Upper,
    /// An acronym joined by a hyphen to a name ("FIDA-Kenya").
    AcroHyphen,
    /// Numbers, single letters, letters mixed with digits.
    Other,
    /// Not a word: punctuation or symbol.
    Punct,
    /// A possessive "’s" / "'s".
    Possessive,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    /// Byte range in the sentence text.
    s: usize,
    e: usize,
    shape: Shape,
    /// Web debris: never part of an entity.
    debris: bool,
    /// Follows debris without a space (the "Rights" of "RJ1Rights").
    glued: bool,
    /// Whitespace precedes the token.
    space_before: bool,
    /// A line break precedes the token.
    newline_before: bool,
    /// Lexicon flags of a capitalised word (0 for other tokens: look them up with [`flags`]).
    lex: u32,
}

impl Tok {
    fn is_word(&self) -> bool {
        matches!(
            self.shape,
            Shape::Lower | Shape::Title | Shape::Upper | Shape::AcroHyphen | Shape::Other
        )
    }
    fn is_cap(&self) -> bool {
        matches!(self.shape, Shape::Title | Shape::Upper | Shape::AcroHyphen)
    }
}

fn push_part(
    text: &str,
    s: usize,
    e: usize,
    space_before: bool,
    newline_before: bool,
    out: &mut Vec<Tok>,
) {
    let w = &text[s..e];
    // Fast path: a plain lowercase ASCII word.
    if w.bytes().all(|b| b.is_ascii_lowercase()) {
        out.push(Tok {
            s,
            e,
            shape: Shape::Lower,
            debris: false,
            glued: false,
            space_before,
            newline_before,
            lex: 0,
        });
        return;
    }
    let mut letters = 0usize;
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut digits = 0usize;
    for c in w.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            } else if c.is_lowercase() {
                lower += 1;
            }
        } else if c.is_numeric() {
            digits += 1;
        }
    }
    let first = w.chars().next().unwrap_or(' ');
    let mut debris = false;
    let shape = if digits > 0 && letters > 0 {
        // "campaign2", "IWD1": letters mixed with digits are not names.
        if lower > 0 && !w.ends_with("th") && !w.ends_with("st") && !w.ends_with("nd") {
            debris = !w.ends_with("rd") && !w.ends_with('s');
        }
        Shape::Other
    } else if letters == 0 {
        Shape::Other
    } else if first.is_lowercase() {
        Shape::Lower
    } else if !first.is_uppercase() {
        Shape::Other
    } else if lower == 0 || (upper >= 2 && lower == 1 && w.ends_with('s') && !w.contains('-')) {
        if upper >= 2 && w.bytes().filter(u8::is_ascii_uppercase).count() >= 2 {
            Shape::Upper
        } else if letters == 1 {
            // An initial ("J. Smith") or "I"/"A" (function words).
            Shape::Title
        } else {
            Shape::Other
        }
    } else if let Some((head, _)) = w.split_once('-') {
        let head_upper = head.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && head.chars().all(|c| !c.is_lowercase());
        let rest_cap = w
            .split('-')
            .skip(1)
            .all(|seg| seg.chars().next().is_some_and(char::is_uppercase));
        if head_upper && rest_cap {
            Shape::AcroHyphen
        } else if head_upper {
            // "NGO-network": an acronym glued to a common word.
            Shape::Other
        } else {
            Shape::Title
        }
    } else {
        Shape::Title
    };
    let lex = if matches!(shape, Shape::Title | Shape::Upper | Shape::AcroHyphen) {
        flags(w)
    } else {
        0
    };
    out.push(Tok {
        s,
        e,
        shape,
        debris,
        glued: false,
        space_before,
        newline_before,
        lex,
    });
}

/// Split points of a word glued to debris: "RJ1|Rights", "Campaign|WOREC", "IWD|Interview",
/// "jpg|As". Returns byte offsets within `w`.
fn glue_splits(w: &str) -> Vec<usize> {
    // Fast path: no capital after the first char, no split.
    if w.is_ascii() {
        if !w.bytes().skip(1).any(|b| b.is_ascii_uppercase()) {
            return Vec::new();
        }
    } else if !w.chars().skip(1).any(char::is_uppercase) {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    let mut splits = Vec::new();
    for k in 1..chars.len() {
        let (pos, c) = chars[k];
        let prev = chars[k - 1].1;
        if !c.is_uppercase() {
            continue;
        }
        let next = chars.get(k + 1).map(|x| x.1);
        if prev.is_numeric() {
            if next.is_some_and(char::is_alphabetic) {
                splits.push(pos);
            }
        } else if prev.is_lowercase() {
            let lower_run = chars[..k]
                .iter()
                .rev()
                .take_while(|x| x.1.is_lowercase())
                .count();
            let starts_caps_run = next.is_some_and(char::is_uppercase);
            let title_after = next.is_some_and(char::is_lowercase);
            if starts_caps_run || (lower_run >= 3 && title_after) {
                splits.push(pos);
            }
        } else if prev.is_uppercase() && next.is_some_and(char::is_lowercase) {
            let upper_run = chars[..k]
                .iter()
                .rev()
                .take_while(|x| x.1.is_uppercase())
                .count();
            let lower_after = chars[k + 1..]
                .iter()
                .take_while(|x| x.1.is_lowercase())
                .count();
            if upper_run >= 2 && lower_after >= 2 {
                splits.push(pos);
            }
        }
    }
    splits
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Cut one sentence into tokens.
fn tokenize(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let mut i = 0usize;
    let mut space_before = true;
    let mut newline_before = false;
    let mut glue_at: Option<usize> = None; // token index where a glued split happened
    let mut ext_pending = false; // the next word is a file extension ("jpg" of "photo.jpg")
    let bytes = text.as_bytes();
    while i < text.len() {
        // Fast path: a plain lowercase ASCII word followed by a space or punctuation.
        let b0 = bytes[i];
        if b0.is_ascii_lowercase() {
            let mut end = i + 1;
            while end < bytes.len() && bytes[end].is_ascii_lowercase() {
                end += 1;
            }
            let next = bytes.get(end).copied().unwrap_or(b' ');
            if next.is_ascii_whitespace()
                || (next.is_ascii_punctuation() && !matches!(next, b'-' | b'\'' | b'_' | b'.'))
            {
                out.push(Tok {
                    s: i,
                    e: end,
                    shape: Shape::Lower,
                    debris: ext_pending,
                    glued: false,
                    space_before,
                    newline_before,
                    lex: 0,
                });
                ext_pending = false;
                space_before = false;
                newline_before = false;
                i = end;
                continue;
            }
        } else if b0 == b' ' {
            space_before = true;
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if c.is_whitespace() {
            space_before = true;
            newline_before |= c == '\n';
            i += clen;
            continue;
        }
        if c.is_alphanumeric() {
            let mut end = i + clen;
            loop {
                // Fast path over ASCII letters and digits.
                while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                    end += 1;
                }
                let mut rest = text[end..].chars();
                match rest.next() {
                    Some(d) if d.is_alphanumeric() => end += d.len_utf8(),
                    Some(d) if d == '-' || is_apostrophe(d) => {
                        match rest.next() {
                            Some(n) if n.is_alphanumeric() => {
                                if is_apostrophe(d)
                                    && (n == 's' || n == 'S')
                                    && !rest.next().is_some_and(char::is_alphanumeric)
                                {
                                    break; // possessive
                                }
                                end += d.len_utf8();
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            let word = &text[i..end];
            let splits = glue_splits(word);
            let first_index = out.len();
            let mut s = i;
            for (n, sp) in splits.iter().enumerate() {
                push_part(
                    text,
                    s,
                    i + sp,
                    if n == 0 { space_before } else { false },
                    if n == 0 { newline_before } else { false },
                    out,
                );
                s = i + sp;
            }
            push_part(
                text,
                s,
                end,
                if splits.is_empty() {
                    space_before
                } else {
                    false
                },
                if splits.is_empty() {
                    newline_before
                } else {
                    false
                },
                out,
            );
            if !splits.is_empty() {
                let last = out.len() - 1;
                for t in &mut out[first_index..last] {
                    t.debris = true;
                }
                out[last].glued = true;
                glue_at.get_or_insert(last);
            }
            if ext_pending {
                out[first_index].debris = true;
                ext_pending = false;
            }
            // A word right after debris with no space in between is glued to it.
            if first_index > 0 && !out[first_index].space_before {
                let prev = out[first_index - 1];
                if prev.debris && out[first_index].is_word() {
                    out[first_index].glued = true;
                }
            }
            i = end;
        } else if is_apostrophe(c)
            && out.last().is_some_and(|t| t.is_word() && t.e == i)
            && text[i + clen..].starts_with(['s', 'S'])
            && !text[i + clen + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            out.push(Tok {
                s: i,
                e: i + clen + 1,
                shape: Shape::Possessive,
                debris: false,
                glued: false,
                space_before,
                newline_before,
                lex: 0,
            });
            i += clen + 1;
        } else {
            // "_" and file extensions glue debris to the next word.
            if c == '_'
                && let Some(t) = out.last_mut()
                && t.e == i
                && t.is_word()
            {
                t.debris = true;
            }
            if c == '.' {
                let ext = text[i + 1..]
                    .split(|ch: char| !ch.is_alphanumeric())
                    .next()
                    .unwrap_or("");
                let ext_l = ext.get(..3).unwrap_or("").to_ascii_lowercase();
                if out.last().is_some_and(|t| t.e == i && t.is_word())
                    && matches!(
                        ext_l.as_str(),
                        "jpg" | "jpe" | "png" | "gif" | "pdf" | "doc" | "htm"
                    )
                {
                    if let Some(t) = out.last_mut() {
                        t.debris = true;
                    }
                    ext_pending = true;
                }
            }
            out.push(Tok {
                s: i,
                e: i + clen,
                shape: Shape::Punct,
                debris: false,
                glued: false,
                space_before,
                newline_before,
                lex: 0,
            });
            i += clen;
        }
        space_before = false;
        newline_before = false;
    }
    // An image caption glued to the start of a paragraph: everything before the glue is debris.
    if let Some(g) = glue_at {
        let words_before = out[..g].iter().filter(|t| t.is_word()).count();
        if words_before <= 4 {
            for t in &mut out[..g] {
                if t.shape != Shape::Punct || t.s > 0 {
                    t.debris = true;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Unit-level state

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Strong first-pass evidence (keyword, cue, gazetteer).
    Rule,
    /// Re-found in the second pass.
    Known,
}

#[derive(Debug, Clone)]
struct Cand {
    sent: usize,
    s: usize,
    e: usize,
    ty: EntityType,
    norm: Option<&'static str>,
    source: Source,
    /// For acronym-led names: the acronym part's end (to learn "FIDA" from "FIDA Kenya").
    acronym_end: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
struct Definition {
    /// The long form is an organisation.
    is_org: bool,
    sent: usize,
    long_s: usize,
    long_e: usize,
}

struct Unit<'a, 's> {
    sentences: &'s [SentenceRef<'a>],
    toks: Vec<Vec<Tok>>,
    /// Hashes of the words seen starting with a lowercase letter in the unit (so probably
    /// common words).
    lower_vocab: FastSet<u64>,
    /// Acronym (without plural "s") -> definition.
    definitions: FastMap<&'a str, Definition>,
}

impl<'a> Unit<'a, '_> {
    fn text(&self, sent: usize) -> &'a str {
        self.sentences[sent].text
    }
    fn word(&self, sent: usize, t: &Tok) -> &'a str {
        &self.sentences[sent].text[t.s..t.e]
    }
    /// A capitalised word that the unit also uses in lowercase ("Women" / "women").
    fn is_common(&self, word: &str) -> bool {
        if self.lower_vocab.is_empty() {
            return false;
        }
        if word.is_ascii() && word.len() <= 64 {
            let mut buf = [0u8; 64];
            let b = &mut buf[..word.len()];
            b.copy_from_slice(word.as_bytes());
            b.make_ascii_lowercase();
            return self.lower_vocab.contains(&word_hash(b));
        }
        let lower = word.to_lowercase();
        self.lower_vocab.contains(&word_hash(lower.as_bytes()))
    }
    /// An acronym defined in the unit as a concept, or a well-known concept acronym.
    fn is_concept_acronym(&self, word: &str) -> bool {
        if has(word, F_CONCEPT_ACRONYM) || is_chief_officer(word) {
            return true;
        }
        let base = acronym_base(word);
        if has(base, F_CONCEPT_ACRONYM) {
            return true;
        }
        self.definitions.get(base).is_some_and(|d| !d.is_org)
    }
}

/// Hash of a word's bytes, for the unit's lowercase vocabulary.
fn word_hash(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

fn acronym_base(word: &str) -> &str {
    word.strip_suffix('s').unwrap_or(word)
}

/// Is `word` a demonym ("Colombian", "Nepali", "Chinese")? Derived from the gazetteer's place
/// names with the usual suffixes, plus a list of irregular ones.
fn is_demonym(word: &str, gaz: &Gazetteer) -> bool {
    if has(word, F_DEMONYM) {
        return true;
    }
    if !(word.ends_with('n')
        || word.ends_with('i')
        || word.ends_with('e')
        || word.ends_with('h')
        || word.ends_with('s'))
    {
        return false;
    }
    let w = word.strip_suffix('s').unwrap_or(word);
    let place = |c: &str| {
        gaz.lookup(c).is_some_and(|m| {
            matches!(
                m.kind,
                PlaceKind::Country | PlaceKind::Continent | PlaceKind::Region
            )
        })
    };
    let try_stem = |stem: &str, ends: &[&str]| -> bool {
        let mut buf = [0u8; 48];
        stem.chars().count() >= 3
            && ends.iter().any(|e| {
                let n = stem.len() + e.len();
                if n > buf.len() {
                    return false;
                }
                buf[..stem.len()].copy_from_slice(stem.as_bytes());
                buf[stem.len()..n].copy_from_slice(e.as_bytes());
                std::str::from_utf8(&buf[..n]).is_ok_and(place)
            })
    };
    if let Some(stem) = w.strip_suffix("ian")
        && try_stem(stem, &["", "a", "ia", "e", "y", "i", "o"])
    {
        return true;
    }
    if let Some(stem) = w.strip_suffix("an")
        && try_stem(stem, &["", "a", "o", "um", "e"])
    {
        return true;
    }
    if let Some(stem) = w.strip_suffix("n")
        && try_stem(stem, &[""])
    {
        return true;
    }
    if let Some(stem) = w.strip_suffix("ese")
        && try_stem(stem, &["", "a", "on", "o", "al"])
    {
        return true;
    }
    if let Some(stem) = w.strip_suffix('i')
        && try_stem(stem, &["", "ia", "a"])
    {
        return true;
    }
    if let Some(stem) = w.strip_suffix("ish")
        && try_stem(stem, &["ey", "and", "land"])
    {
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// The extractor

/// The entity extractor: lexicons and automata built once, then shared (`Send + Sync`, all
/// methods take `&self`).
#[derive(Debug, Clone, Copy, Default)]
pub struct EntityExtractor {
    _private: (),
}

impl EntityExtractor {
    /// Build the extractor (the gazetteer and lexicons are built once per process and shared).
    pub fn new() -> Self {
        LazyLock::force(&LEXICON);
        Gazetteer::builtin();
        EntityExtractor { _private: () }
    }

    /// All mentions in one unit, sorted by start_byte; `norm` joins the forms of one entity
    /// within the unit.
    pub fn extract(&self, sentences: &[SentenceRef<'_>]) -> Vec<Entity> {
        let gaz = Gazetteer::builtin();
        let mut unit = Unit {
            sentences,
            toks: Vec::with_capacity(sentences.len()),
            lower_vocab: FastSet::default(),
            definitions: FastMap::default(),
        };
        let total: usize = sentences.iter().map(|s| s.text.len()).sum();
        unit.lower_vocab.reserve(total / 16);
        for s in sentences {
            let mut toks = Vec::with_capacity(s.text.len() / 4 + 4);
            tokenize(s.text, &mut toks);
            for t in &toks {
                if t.shape == Shape::Lower && !t.debris {
                    unit.lower_vocab
                        .insert(word_hash(&s.text.as_bytes()[t.s..t.e]));
                }
            }
            unit.toks.push(toks);
        }
        for sent in 0..sentences.len() {
            find_definitions(&mut unit, sent);
        }
        let mut cands: Vec<Cand> = Vec::new();
        for sent in 0..sentences.len() {
            sentence_candidates(&unit, sent, gaz, &mut cands);
        }
        let first = resolve(cands);
        let mut joins: Vec<(String, String)> = Vec::new();
        let second = refind_known(&unit, first, gaz, &mut joins);
        let chosen = resolve(second);
        build_entities(&unit, chosen, &joins)
    }
}

/// Find "Long Form (ACR)" definitions in one sentence (Schwartz & Hearst style).
fn find_definitions(unit: &mut Unit<'_, '_>, sent: usize) {
    let text = unit.text(sent);
    let toks = &unit.toks[sent];
    for k in 1..toks.len().saturating_sub(1) {
        let t = toks[k];
        if t.shape != Shape::Upper || t.debris {
            continue;
        }
        if &text[toks[k - 1].s..toks[k - 1].e] != "(" || &text[toks[k + 1].s..toks[k + 1].e] != ")"
        {
            continue;
        }
        let acr = &text[t.s..t.e];
        let base = acronym_base(acr);
        let letters: Vec<char> = base
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if letters.len() < 2 {
            continue;
        }
        // Candidate long form: the words before "(" (at most min(n+5, 2n) words).
        let max_words = (letters.len() + 5).min(letters.len() * 2);
        let mut first_tok = k - 1;
        let mut words = 0;
        while first_tok > 0 && words < max_words {
            let p = toks[first_tok - 1];
            if p.is_word() {
                words += 1;
            } else if !matches!(&text[p.s..p.e], "," | "-" | "’" | "'" | "&" | "/")
                && p.shape != Shape::Possessive
            {
                break;
            }
            first_tok -= 1;
        }
        if first_tok >= k - 1 {
            continue;
        }
        let window_s = toks[first_tok].s;
        let window_e = toks[k - 2].e;
        let Some(long_s) = schwartz_hearst(&text[window_s..window_e], &letters) else {
            continue;
        };
        let long_s = window_s + long_s;
        // Tokens of the long form.
        let Some(ls_tok) = toks.iter().position(|x| x.s == long_s) else {
            continue;
        };
        let long_toks = &toks[ls_tok..k - 1];
        let first_word = long_toks.first().copied();
        let is_org = first_word.is_some_and(|f| f.is_cap())
            && org_by_keywords(unit, sent, ls_tok, k - 1).is_some();
        // Keep the first definition; an ORG definition wins over a concept one.
        let entry = unit.definitions.entry(base).or_insert(Definition {
            is_org,
            sent,
            long_s,
            long_e: window_e,
        });
        if is_org && !entry.is_org {
            *entry = Definition {
                is_org,
                sent,
                long_s,
                long_e: window_e,
            };
        }
    }
}

/// Schwartz & Hearst: the start (byte offset in `window`) of the shortest suffix of `window`
/// whose characters cover the acronym letters in order, the first at a word start.
fn schwartz_hearst(window: &str, letters: &[char]) -> Option<usize> {
    let chars: Vec<(usize, char)> = window.char_indices().collect();
    let mut li = chars.len() as isize - 1;
    let mut si = letters.len() as isize - 1;
    while si >= 0 {
        let want = letters[si as usize];
        loop {
            if li < 0 {
                return None;
            }
            let c = chars[li as usize].1.to_lowercase().next().unwrap_or(' ');
            let at_word_start = li == 0 || !chars[li as usize - 1].1.is_alphanumeric();
            if c == want && (si != 0 || at_word_start) {
                break;
            }
            li -= 1;
        }
        li -= 1;
        si -= 1;
    }
    let start = (li + 1) as usize;
    // Extend back to the word start.
    let mut s = start;
    while s > 0 && chars[s - 1].1.is_alphanumeric() {
        s -= 1;
    }
    chars.get(s).map(|x| x.0)
}

/// Does the token range [i, j) form an organisation name by its keywords? Returns the range
/// actually covered (leading demonyms and function words stripped).
fn org_by_keywords(unit: &Unit<'_, '_>, sent: usize, i: usize, j: usize) -> Option<(usize, usize)> {
    let toks = &unit.toks[sent];
    let words = Words::of(toks, i, j);
    if words.len() < 2 {
        return None;
    }
    let w = |k: usize| unit.word(sent, &toks[k]);
    let hf = |k: usize, f: u32| tflags(unit.text(sent), &toks[k]) & f != 0;
    let last = *words.last()?;
    let last_w = w(last);
    if has(last_w, F_EVENT) && !has(last_w, F_ORG_HEAD) {
        return None;
    }
    // A title ("Conference on ...", "Plan of Action for ...") is not an organisation.
    let title_before = words.windows(2).any(|p| {
        hf(p[0], F_EVENT)
            && !hf(p[0], F_ORG_HEAD)
            && toks[p[0]].is_cap()
            && toks[p[1]].shape == Shape::Lower
            && hf(p[1], F_CONNECTOR)
    });
    if title_before {
        return None;
    }
    if has(last_w, F_ORG_HEAD) && toks[last].is_cap() {
        return Some((i, j));
    }
    for (n, &k) in words.iter().enumerate() {
        let wk = w(k);
        if matches!(wk, "and" | "&") {
            break;
        }
        if has(wk, F_EVENT) && !has(wk, F_ORG_HEAD) && toks[k].is_cap() {
            break;
        }
        if has(wk, F_ORG_OF)
            && toks[k].is_cap()
            && let Some(&next) = words.get(n + 1)
            && hf(next, F_CONNECTOR)
            && n + 2 < words.len()
        {
            return Some((i, j));
        }
    }
    // "Corporación X", "Association X"; also after a connector inside the chunk ("... con la
    // Fundación X": the name starts at the keyword).
    for (n, &k) in words.iter().enumerate() {
        let starts = n == 0 || toks[words[n - 1]].shape == Shape::Lower;
        if !starts || !hf(k, F_ORG_START) || toks[k].shape != Shape::Title {
            continue;
        }
        let distinctive = words[n + 1..]
            .iter()
            .any(|&x| toks[x].is_cap() && !unit.is_common(w(x)) && !hf(x, F_FUNCTION | F_EVENT));
        if distinctive {
            return Some((if n == 0 { i } else { k }, j));
        }
        if n == 0 {
            break;
        }
    }
    None
}

fn lower_word<'a>(unit: &Unit<'a, '_>, sent: usize, k: usize) -> Option<&'a str> {
    let t = unit.toks[sent].get(k)?;
    t.is_word().then(|| unit.word(sent, t))
}

/// Up to three lowercased words before a token, nearest first (no allocation unless a word
/// has capitals).
struct PrevWords<'a> {
    words: [Cow<'a, str>; 3],
    len: usize,
}

impl<'a> std::ops::Deref for PrevWords<'a> {
    type Target = [Cow<'a, str>];
    fn deref(&self) -> &Self::Target {
        &self.words[..self.len]
    }
}

/// Lowercased previous words before token `k` (stopping at punctuation), up to `n` (<= 3).
fn prev_words<'a>(unit: &Unit<'a, '_>, sent: usize, k: usize, n: usize) -> PrevWords<'a> {
    let toks = &unit.toks[sent];
    let mut out = PrevWords {
        words: [Cow::Borrowed(""), Cow::Borrowed(""), Cow::Borrowed("")],
        len: 0,
    };
    let mut idx = k;
    while idx > 0 && out.len < n.min(3) {
        idx -= 1;
        let t = toks[idx];
        if !t.is_word() {
            break;
        }
        let w = unit.word(sent, &t);
        out.words[out.len] = if w.chars().any(char::is_uppercase) {
            Cow::Owned(w.to_lowercase())
        } else {
            Cow::Borrowed(w)
        };
        out.len += 1;
    }
    out
}

/// Word-token indices of a chunk, on the stack (a chunk longer than 32 words is cut).
#[derive(Clone, Copy)]
struct Words {
    idx: [usize; 32],
    len: usize,
}

impl Words {
    fn of(toks: &[Tok], i: usize, j: usize) -> Words {
        let mut w = Words {
            idx: [0; 32],
            len: 0,
        };
        for (k, t) in toks.iter().enumerate().take(j).skip(i) {
            if t.is_word() && w.len < 32 {
                w.idx[w.len] = k;
                w.len += 1;
            }
        }
        w
    }
}

impl std::ops::Deref for Words {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.idx[..self.len]
    }
}

/// An honorific right before token `k`: "Dr. X", "Ms X". Returns the honorific's index.
fn honorific_before(unit: &Unit<'_, '_>, sent: usize, k: usize) -> Option<usize> {
    let toks = &unit.toks[sent];
    let mut h = k.checked_sub(1)?;
    if unit.word(sent, &toks[h]) == "." {
        h = h.checked_sub(1)?;
    }
    let t = toks[h];
    (t.shape == Shape::Title && has(unit.word(sent, &t), F_HONORIFIC)).then_some(h)
}

fn person_cue_before(unit: &Unit<'_, '_>, sent: usize, k: usize) -> bool {
    if honorific_before(unit, sent, k).is_some() {
        return true;
    }
    let p = prev_words(unit, sent, k, 2);
    let Some(p0) = p.first() else {
        return false;
    };
    if matches!(
        p0.as_ref(),
        "asked"
            | "interviewed"
            | "thanked"
            | "thank"
            | "thanks"
            | "told"
            | "contacted"
            | "met"
            | "dear"
            | "ask"
    ) {
        return true;
    }
    if matches!(p0.as_ref(), "with" | "to" | "by")
        && let Some(p1) = p.get(1)
    {
        return matches!(
            p1.as_ref(),
            "interview"
                | "interviews"
                | "conversation"
                | "conversations"
                | "talk"
                | "talks"
                | "chat"
                | "discussion"
                | "spoke"
                | "speaking"
                | "spoken"
                | "talked"
                | "talking"
                | "met"
                | "meeting"
                | "interviewed"
                | "conducted"
                | "written"
                | "according"
        );
    }
    false
}

fn org_cue_before(unit: &Unit<'_, '_>, sent: usize, k: usize) -> bool {
    let p = prev_words(unit, sent, k, 3);
    let get = |n: usize| p.get(n).map_or("", |w| w.as_ref());
    let (a, b) = (get(0), get(1));
    let a = if a == "the" { b } else { a };
    let b = if get(0) == "the" { get(2) } else { b };
    matches!(
        (b, a),
        ("supported", "by")
            | ("funded", "by")
            | ("sponsored", "by")
            | ("financed", "by")
            | ("partnered", "with")
            | ("partnership", "with")
            | ("partners", "with")
            | ("collaboration", "with")
            | ("support", "from")
            | ("funding", "from")
            | ("grant", "from")
            | ("member", "of")
            | ("members", "of")
    )
}

/// Is the chunk [i, j) followed by "is a/an ... NGO/organisation/network"?
fn introduced_as_org(unit: &Unit<'_, '_>, sent: usize, j: usize) -> bool {
    let toks = &unit.toks[sent];
    let mut k = j;
    let mut seen = 0;
    let mut state = 0; // 0: expect verb, 1: expect article, 2: adjectives then noun
    while k < toks.len() && seen < 8 {
        let t = toks[k];
        let w = unit.word(sent, &t);
        k += 1;
        if t.shape == Shape::Punct {
            if state == 2 && (w == "-" || w == "–") {
                continue;
            }
            return false;
        }
        seen += 1;
        match state {
            0 => {
                if matches!(w, "is" | "was" | "are" | "has" | "remains" | "became") {
                    state = 1;
                    if w == "has" {
                        // "has been a"
                        state = 3;
                    }
                } else {
                    return false;
                }
            }
            3 => {
                if w == "been" {
                    state = 1;
                } else {
                    return false;
                }
            }
            1 => {
                if matches!(w, "a" | "an" | "one") {
                    state = 2;
                } else {
                    return false;
                }
            }
            _ => {
                if has(w, F_ORG_NOUN) {
                    return true;
                }
                if t.shape != Shape::Lower && t.shape != Shape::Upper {
                    return false;
                }
            }
        }
    }
    false
}

fn is_dash(w: &str) -> bool {
    matches!(w, "-" | "–" | "—" | "―")
}

/// A role right after the name: "NAME – Director", "NAME (Chairperson ...)", "NAME, Director".
fn role_after(unit: &Unit<'_, '_>, sent: usize, j: usize) -> bool {
    let toks = &unit.toks[sent];
    let Some(p) = toks.get(j) else {
        return false;
    };
    let pw = unit.word(sent, p);
    if !(is_dash(pw) || pw == "(" || pw == ",") {
        return false;
    }
    let mut k = j + 1;
    if toks
        .get(k)
        .is_some_and(|t| matches!(unit.word(sent, t), "the" | "The"))
    {
        k += 1;
    }
    // "Programme Coordinator", "Executive Director": modifiers before the role.
    while toks
        .get(k)
        .is_some_and(|t| t.shape == Shape::Title && has(unit.word(sent, t), F_ROLE_MOD))
    {
        k += 1;
    }
    toks.get(k).is_some_and(|t| {
        let w = unit.word(sent, t);
        t.shape == Shape::Title && has(w, F_ROLE) && !has(w, F_ORG_HEAD)
            || (t.shape == Shape::Upper && is_chief_officer(w))
    })
}

fn person_verb_after(unit: &Unit<'_, '_>, sent: usize, j: usize) -> bool {
    lower_word(unit, sent, j).is_some_and(|w| has(w, F_PERSON_VERB))
}

/// Is [i, j) shaped like a person's name: 1-4 title-case words (particles allowed inside),
/// none a keyword, place or function word?
fn person_shaped(unit: &Unit<'_, '_>, sent: usize, i: usize, j: usize, gaz: &Gazetteer) -> bool {
    let toks = &unit.toks[sent];
    let mut names = 0;
    for (k, &t) in toks.iter().enumerate().take(j).skip(i) {
        let w = unit.word(sent, &t);
        if t.shape == Shape::Lower && has(w, F_PARTICLE) && k > i && k + 1 < j {
            continue;
        }
        if t.shape == Shape::Punct && w == "." && k > i && k + 1 < j {
            continue;
        }
        if t.shape != Shape::Title || t.debris {
            return false;
        }
        let f = tflags(unit.text(sent), &t);
        if f & (F_FUNCTION | F_ORG_HEAD | F_ORG_START | F_EVENT | F_WEAK_ORG | F_FEATURE) != 0
            && f & F_PARTICLE == 0
        {
            return false;
        }
        if gaz.lookup(w).is_some() || is_demonym(w, gaz) {
            return false;
        }
        names += 1;
    }
    (1..=4).contains(&names)
}

fn given_name_person(unit: &Unit<'_, '_>, sent: usize, i: usize, j: usize) -> bool {
    let toks = &unit.toks[sent];
    let words = Words::of(toks, i, j);
    if words.len() < 2 || words.len() > 4 {
        return false;
    }
    let first = unit.word(sent, &toks[words[0]]);
    if !LEXICON.given.contains(first) {
        return false;
    }
    // The other names must not be common words of the unit.
    words[1..].iter().all(|&k| {
        let w = unit.word(sent, &toks[k]);
        toks[k].shape == Shape::Lower && has(w, F_PARTICLE) || !unit.is_common(w)
    })
}

fn push(
    cands: &mut Vec<Cand>,
    unit: &Unit<'_, '_>,
    sent: usize,
    i: usize,
    j: usize,
    ty: EntityType,
) {
    let toks = &unit.toks[sent];
    if i >= j || j > toks.len() {
        return;
    }
    cands.push(Cand {
        sent,
        s: toks[i].s,
        e: toks[j - 1].e,
        ty,
        norm: None,
        source: Source::Rule,
        acronym_end: None,
    });
}

/// Chunks: maximal runs of capitalised words with connectors and inner possessives.
fn chunks(unit: &Unit<'_, '_>, sent: usize, gaz: &Gazetteer) -> Vec<(usize, usize)> {
    let toks = &unit.toks[sent];
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k];
        if !t.is_cap() || t.debris {
            k += 1;
            continue;
        }
        let start = k;
        let mut end = k + 1;
        while let Some(n) = toks.get(end) {
            if n.newline_before {
                break;
            }
            if n.is_cap() && !n.debris {
                end += 1;
                continue;
            }
            // An abbreviated given name or initial inside a name: "Ma. Teresa", "John F. Kennedy".
            if unit.word(sent, n) == "." && !n.space_before {
                let prev = toks[end - 1];
                let short = unit.word(sent, &prev).chars().count() <= 2
                    && prev.shape == Shape::Title
                    && !has(unit.word(sent, &prev), F_HONORIFIC);
                if short
                    && toks.get(end + 1).is_some_and(|x| {
                        x.shape == Shape::Title && x.space_before && !x.newline_before
                    })
                {
                    end += 1;
                    continue;
                }
            }
            // Possessive inside a name: "Women’s Group", "Prime Minister’s office"; not
            // after a place ("Morocco’s National Agency" is two names).
            if n.shape == Shape::Possessive {
                let prev_w = unit.word(sent, &toks[end - 1]);
                if gaz.lookup(prev_w).is_some() {
                    break;
                }
                if toks
                    .get(end + 1)
                    .is_some_and(|x| x.is_cap() && !x.debris && !x.newline_before)
                {
                    end += 2;
                    continue;
                }
                if toks.get(end + 1).is_some_and(|x| {
                    x.shape == Shape::Lower
                        && matches!(
                            unit.word(sent, x),
                            "office" | "ministry" | "department" | "secretariat" | "cabinet"
                        )
                }) && toks[start..end]
                    .iter()
                    .any(|x| has(unit.word(sent, x), F_ROLE))
                {
                    end += 2;
                }
                break;
            }
            // Up to two connectors followed by a capitalised word.
            if n.shape == Shape::Lower || unit.word(sent, n) == "&" {
                let w = unit.word(sent, n);
                let mut m = end;
                let mut ok = false;
                if has(w, F_CONNECTOR) {
                    m += 1;
                    if !matches!(w, "and" | "&")
                        && toks.get(m).is_some_and(|x| {
                            x.shape == Shape::Lower && has(unit.word(sent, x), F_CONNECTOR)
                        })
                    {
                        m += 1;
                    }
                    ok = toks
                        .get(m)
                        .is_some_and(|x| x.is_cap() && !x.debris && !x.newline_before);
                    // "... Workers in Nairobi": a place after "in" is not part of the name.
                    if ok && matches!(w, "in" | "en" | "at") {
                        ok = gaz.place_at(unit.text(sent), toks[m].s).is_none();
                    }
                    // "and" only between title-case words, not after an organisation head.
                    if ok && matches!(w, "and" | "&") {
                        let prev = toks[end - 1];
                        let prev_w = unit.word(sent, &prev);
                        let next = toks[m];
                        ok = prev.shape == Shape::Title
                            && next.shape == Shape::Title
                            && !has(prev_w, F_ORG_HEAD);
                    }
                } else if n.shape == Shape::Lower
                    && toks[end - 1].is_cap()
                    && w.len() >= 4
                    && tflags(unit.text(sent), &toks[end - 1]) & F_FUNCTION == 0
                    && !matches!(
                        w,
                        "from"
                            | "with"
                            | "into"
                            | "than"
                            | "that"
                            | "this"
                            | "their"
                            | "which"
                            | "other"
                            | "every"
                            | "each"
                    )
                {
                    // "Nairobi disabled Network": one lowercase word before an org head.
                    m += 1;
                    ok = toks.get(m).is_some_and(|x| {
                        x.shape == Shape::Title
                            && has(unit.word(sent, x), F_ORG_HEAD)
                            && !has(unit.word(sent, x), F_EVENT)
                    }) && toks[end - 1].shape == Shape::Title;
                }
                if ok {
                    end = m + 1;
                    continue;
                }
            }
            break;
        }
        out.push((start, end));
        k = end;
    }
    out
}

/// Is token k at the start of the sentence (only punctuation such as quotes before it)?
fn at_sentence_start(unit: &Unit<'_, '_>, sent: usize, k: usize) -> bool {
    unit.toks[sent][..k]
        .iter()
        .all(|t| !t.is_word() || t.debris)
}

fn sentence_candidates(unit: &Unit<'_, '_>, sent: usize, gaz: &Gazetteer, cands: &mut Vec<Cand>) {
    let text = unit.text(sent);
    let toks = &unit.toks[sent];
    // Places from the gazetteer at capitalised word starts (never inside debris).
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k];
        if !t.is_cap() || t.debris {
            k += 1;
            continue;
        }
        let Some(m) = gaz.place_at(text, t.s) else {
            k += 1;
            continue;
        };
        let end_tok = toks.partition_point(|x| x.e < m.end);
        let in_debris = toks[k..=end_tok.min(toks.len() - 1)]
            .iter()
            .any(|x| x.debris);
        // "14 Sapele Road": a street named after a place.
        let street = text[m.end..]
            .trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .is_some_and(|w| {
                matches!(
                    w,
                    "Road"
                        | "Street"
                        | "Avenue"
                        | "Boulevard"
                        | "Highway"
                        | "Rd"
                        | "St"
                        | "Ave"
                        | "Lane"
                        | "Drive"
                )
            });
        if !in_debris && !street {
            cands.push(Cand {
                sent,
                s: m.start,
                e: m.end,
                ty: EntityType::Place,
                norm: Some(m.name),
                source: Source::Rule,
                acronym_end: None,
            });
        }
        k = end_tok.max(k) + 1;
    }
    for (i, j) in chunks(unit, sent, gaz) {
        classify_chunk(unit, sent, i, j, gaz, cands, 0);
    }
}

/// Classify the chunk [i, j) of sentence `sent`.
fn classify_chunk(
    unit: &Unit<'_, '_>,
    sent: usize,
    mut i: usize,
    j: usize,
    gaz: &Gazetteer,
    cands: &mut Vec<Cand>,
    depth: u8,
) {
    if depth > 4 {
        return;
    }
    let toks = &unit.toks[sent];
    let w = |k: usize| unit.word(sent, &toks[k]);
    let hf = |k: usize, f: u32| tflags(unit.text(sent), &toks[k]) & f != 0;
    let mut role_before = false;
    let chunk_start = i;
    // "Rights Jessore is an organisation": the first word stays, common or not.
    let introduced = introduced_as_org(unit, sent, j);
    // Strip leading function words, roles, honorifics, demonyms, sentence-initial common words.
    while i < j {
        let t = toks[i];
        let wi = w(i);
        let f = tflags(unit.text(sent), &t);
        if !t.is_word() || (t.shape == Shape::Lower && f & F_CONNECTOR != 0) {
            i += 1;
            continue;
        }
        if f & F_HONORIFIC != 0 {
            role_before = true;
            i += 1;
            if toks.get(i).is_some_and(|x| unit.word(sent, x) == ".") {
                i += 1;
            }
            continue;
        }
        if t.shape == Shape::Title && f & (F_ROLE | F_ROLE_MOD) != 0 {
            let mut k = i;
            while k < j && toks[k].shape == Shape::Title && hf(k, F_ROLE_MOD) {
                k += 1;
            }
            if k < j
                && toks[k].shape == Shape::Title
                && hf(k, F_ROLE)
                && !hf(k, F_ORG_HEAD | F_ORG_START)
            {
                role_before = true;
                i = k + 1;
                continue;
            }
        }
        if t.shape == Shape::Title && f & F_FUNCTION != 0 {
            i += 1;
            continue;
        }
        if t.shape == Shape::Title && is_demonym(wi, gaz) {
            // Kept in short official names: "British High Commission", "European Union".
            let rest: Vec<&str> = (i + 1..j)
                .filter(|&k| toks[k].is_word())
                .map(|k| unit.word(sent, &toks[k]))
                .collect();
            let generic_rest = !rest.is_empty()
                && rest.len() <= 2
                && rest.last().is_some_and(|l| has(l, F_ORG_HEAD))
                && rest.iter().all(|r| {
                    has(r, F_ORG_HEAD)
                        || matches!(*r, "High" | "Red" | "Armed" | "Federal" | "Supreme")
                });
            if !generic_rest {
                i += 1;
                continue;
            }
        }
        if t.shape == Shape::Title
            && !introduced
            && at_sentence_start(unit, sent, i)
            && unit.is_common(wi)
            && f & (F_ORG_START | F_FEATURE_PREFIX) == 0
            && gaz.lookup(wi).is_none()
            && !LEXICON.given.contains(wi)
        {
            i += 1;
            continue;
        }
        break;
    }
    if i >= j {
        return;
    }
    let words = Words::of(toks, i, j);
    if words.is_empty() {
        return;
    }

    // A title (event, law, campaign...) inside the chunk: split after it.
    for (n, &k) in words.iter().enumerate() {
        let f = tflags(unit.text(sent), &toks[k]);
        let is_last = n + 1 == words.len();
        if toks[k].shape == Shape::Title && f & F_EVENT != 0 && f & F_ORG_HEAD == 0 {
            // An ORG head later in the chunk wins ("... Programme for ... Organization").
            if org_by_keywords(unit, sent, i, j).is_some()
                && has(w(*words.last().unwrap_or(&k)), F_ORG_HEAD)
            {
                break;
            }
            let next_is_connector = words
                .get(n + 1)
                .is_some_and(|&x| toks[x].shape == Shape::Lower || hf(x, F_CONNECTOR));
            let title_end = if next_is_connector { j } else { k + 1 };
            // Inside the title: acronyms only (places come from the gazetteer).
            acronyms_in(unit, sent, i, title_end, cands);
            if !is_last && !next_is_connector {
                classify_chunk(unit, sent, k + 1, j, gaz, cands, depth + 1);
            }
            return;
        }
        if toks[k].shape == Shape::Title && f & F_WEAK_ORG != 0 {
            let cue = org_cue_before(unit, sent, i);
            let head_org = has(w(*words.last().unwrap_or(&k)), F_ORG_HEAD) && !is_last;
            if cue && is_last {
                push(cands, unit, sent, i, j, EntityType::Org);
                return;
            }
            if !head_org {
                let next_is_connector = words
                    .get(n + 1)
                    .is_some_and(|&x| toks[x].shape == Shape::Lower || hf(x, F_CONNECTOR));
                let title_end = if next_is_connector { j } else { k + 1 };
                acronyms_in(unit, sent, i, title_end, cands);
                if !is_last && !next_is_connector {
                    classify_chunk(unit, sent, k + 1, j, gaz, cands, depth + 1);
                }
                return;
            }
        }
    }

    // Split "X Group and Y Group" / "X Inspectorate for A and National Agency for B" when
    // both sides are organisations on their own.
    for &k in words.iter() {
        if (toks[k].shape == Shape::Lower && matches!(w(k), "and") || w(k) == "&")
            && org_by_keywords(unit, sent, i, k).is_some()
            && org_by_keywords(unit, sent, k + 1, j).is_some()
        {
            classify_chunk(unit, sent, i, k, gaz, cands, depth + 1);
            classify_chunk(unit, sent, k + 1, j, gaz, cands, depth + 1);
            return;
        }
    }

    // "NAME of ORGANISATION" (after an interview cue, or with a given name).
    for (n, &k) in words.iter().enumerate() {
        if toks[k].shape == Shape::Lower && w(k) == "of" && n > 0 && k + 1 < j {
            if person_shaped(unit, sent, i, k, gaz) {
                let cue = person_cue_before(unit, sent, chunk_start) || role_before;
                if cue || given_name_person(unit, sent, i, k) {
                    push(cands, unit, sent, i, k, EntityType::Person);
                    let before = cands.len();
                    classify_chunk(unit, sent, k + 1, j, gaz, cands, depth + 1);
                    if cue && cands.len() == before {
                        push(cands, unit, sent, k + 1, j, EntityType::Org);
                    }
                    return;
                }
            }
            break;
        }
    }

    // Keyword organisations.
    if let Some((s, e)) = org_by_keywords(unit, sent, i, j) {
        // Trailing acronym glued to an org keyword ("Organisation WOREC") is an apposition.
        let last = *words.last().unwrap_or(&i);
        if toks[last].shape == Shape::Upper && words.len() >= 2 {
            let prev = words[words.len() - 2];
            if hf(prev, F_ORG_HEAD) && !hf(prev, F_CONNECTOR) {
                classify_chunk(unit, sent, i, prev + 1, gaz, cands, depth + 1);
                acronyms_in(unit, sent, last, last + 1, cands);
                return;
            }
        }
        push(cands, unit, sent, s, e, EntityType::Org);
        return;
    }

    // Not an organisation as a whole: "X and Y" are two names.
    if let Some(&k) = words
        .iter()
        .find(|&&k| toks[k].shape == Shape::Lower && w(k) == "and" || w(k) == "&")
    {
        classify_chunk(unit, sent, i, k, gaz, cands, depth + 1);
        classify_chunk(unit, sent, k + 1, j, gaz, cands, depth + 1);
        return;
    }

    let first = words[0];
    let first_t = toks[first];
    let fw = w(first);

    // Acronym-led: "FIDA Kenya", "WOREC Nepal" (acronym + place), "APHIA PLUS" (acronyms).
    if matches!(first_t.shape, Shape::Upper | Shape::AcroHyphen)
        && !unit.is_concept_acronym(fw)
        && !acronym_in_title(unit, sent, j)
    {
        let rest_upper = words[1..]
            .iter()
            .take_while(|&&k| toks[k].shape == Shape::Upper)
            .count();
        if rest_upper > 0 && rest_upper + 1 == words.len() && words.len() <= 3 {
            let all_org = words.iter().all(|&k| !unit.is_concept_acronym(w(k)));
            if all_org {
                push(cands, unit, sent, i, j, EntityType::Org);
                return;
            }
        }
        if words.len() == 2 && toks[words[1]].shape == Shape::Title {
            let place = gaz.lookup(w(words[1]));
            if place.is_some_and(|p| matches!(p.kind, PlaceKind::Country | PlaceKind::City)) {
                cands.push(Cand {
                    sent,
                    s: toks[i].s,
                    e: toks[j - 1].e,
                    ty: EntityType::Org,
                    norm: None,
                    source: Source::Rule,
                    acronym_end: Some(first_t.e),
                });
                return;
            }
        }
    }

    // "X is an NGO", "partnered with X", heading "Interview with NAME, X".
    let context_org = introduced_as_org(unit, sent, j)
        || org_cue_before(unit, sent, i)
        || heading_org(unit, sent, i, gaz);
    let lone_keyword = words.len() == 1 && has(fw, F_ORG_HEAD | F_ORG_START | F_FUNCTION);
    if context_org
        && !lone_keyword
        && !(words.len() == 1 && first_t.shape == Shape::Title && unit.is_common(fw))
        && words
            .iter()
            .all(|&k| toks[k].shape != Shape::Upper || !unit.is_concept_acronym(w(k)))
        && !(words.len() == 1 && gaz.lookup(fw).is_some())
    {
        push(cands, unit, sent, i, j, EntityType::Org);
        return;
    }

    // Places: "Aburra Valley", "Lake Victoria".
    let last = *words.last().unwrap_or(&first);
    if words.len() >= 2
        && toks[last].shape == Shape::Title
        && hf(last, F_FEATURE)
        && words[..words.len() - 1]
            .iter()
            .all(|&k| toks[k].shape == Shape::Title && !hf(k, F_FUNCTION | F_ORG_HEAD))
    {
        push(cands, unit, sent, i, j, EntityType::Place);
        return;
    }
    if words.len() >= 2
        && first_t.shape == Shape::Title
        && has(fw, F_FEATURE_PREFIX)
        && words[1..].iter().all(|&k| toks[k].shape == Shape::Title)
        && words.len() <= 3
    {
        push(cands, unit, sent, i, j, EntityType::Place);
        return;
    }

    // Places by context: "the town of X", "in X, Country".
    if words.len() <= 4
        && words.iter().all(|&k| {
            toks[k].shape == Shape::Title || toks[k].shape == Shape::Lower && hf(k, F_CONNECTOR)
        })
        && toks[first].shape == Shape::Title
        && toks[last].shape == Shape::Title
        && !words
            .iter()
            .any(|&k| hf(k, F_ORG_HEAD | F_FUNCTION | F_EVENT | F_ROLE))
        && gaz.lookup(fw).is_none()
        && place_context(unit, sent, i, j, gaz)
    {
        push(cands, unit, sent, i, j, EntityType::Place);
        return;
    }

    // People.
    let speaker = at_sentence_start(unit, sent, i)
        && toks.get(j).is_some_and(|t| unit.word(sent, t) == ":")
        && words.len() <= 3
        && (words.len() >= 2 || LEXICON.given.contains(fw));
    if person_shaped(unit, sent, i, j, gaz) {
        let cue = speaker
            || role_before
            || person_cue_before(unit, sent, chunk_start)
            || role_after(unit, sent, j)
            || (words.len() >= 2 && person_verb_after(unit, sent, j))
            || given_name_person(unit, sent, i, j);
        if cue {
            push(cands, unit, sent, i, j, EntityType::Person);
            return;
        }
    }
    // A given name + surname at the start of a longer chunk ("Betty Pedraza Lozano Director").
    if words.len() >= 3 {
        for len in (2..=3usize).rev() {
            if len < words.len() {
                let e = words[len - 1] + 1;
                if person_shaped(unit, sent, i, e, gaz) && given_name_person(unit, sent, i, e) {
                    push(cands, unit, sent, i, e, EntityType::Person);
                    classify_chunk(unit, sent, e, j, gaz, cands, depth + 1);
                    return;
                }
            }
        }
    }

    // Fallback: acronyms inside the chunk.
    acronyms_in(unit, sent, i, j, cands);
}

/// Heading pattern "Interview with NAME, X" / "conversation with NAME of X": X is the
/// organisation. `i` is the first token of X.
fn heading_org(unit: &Unit<'_, '_>, sent: usize, i: usize, gaz: &Gazetteer) -> bool {
    let toks = &unit.toks[sent];
    if i < 2 {
        return false;
    }
    let sep = unit.word(sent, &toks[i - 1]);
    if sep != "," && sep != "of" {
        return false;
    }
    // Walk back over the person's name.
    let mut k = i - 1;
    let name_end = k;
    while k > 0
        && (toks[k - 1].shape == Shape::Title
            || toks[k - 1].shape == Shape::Lower
                && has(unit.word(sent, &toks[k - 1]), F_PARTICLE)
                && k >= 2
                && toks[k - 2].shape == Shape::Title)
    {
        k -= 1;
        if name_end - k > 4 {
            return false;
        }
    }
    if k == name_end || !person_shaped(unit, sent, k, name_end, gaz) {
        return false;
    }
    person_cue_before(unit, sent, k)
}

/// Is the acronym ending before token `j` the modifier of a title ("GECCO programme", "RA
/// 9208", "SIM card")?
fn acronym_in_title(unit: &Unit<'_, '_>, sent: usize, j: usize) -> bool {
    let toks = &unit.toks[sent];
    let Some(next) = toks.get(j) else {
        return false;
    };
    let nw = unit.word(sent, next);
    if next.shape == Shape::Lower {
        return matches!(
            nw,
            "programme"
                | "programmes"
                | "program"
                | "programs"
                | "project"
                | "projects"
                | "campaign"
                | "campaigns"
                | "law"
                | "laws"
                | "act"
                | "card"
                | "cards"
                | "visa"
                | "visas"
                | "system"
                | "platform"
                | "model"
                | "approach"
                | "method"
                | "methodology"
                | "process"
                | "framework"
                | "policy"
                | "bill"
                | "initiative"
                | "scheme"
                | "contract"
                | "contracts"
                | "test"
                | "tests"
                | "status"
                | "positive"
                | "guidelines"
                | "regulations"
                | "pandemic"
                | "crisis"
                | "vaccine"
                | "vaccination"
                | "number"
                | "code"
                | "form"
                | "certificate"
                | "training"
                | "module"
                | "toolkit"
                | "report"
                | "survey"
                | "research"
                | "methods"
                | "session"
                | "sessions"
                | "workshop"
                | "workshops"
                | "process."
        );
    }
    // "RA 9208": a short acronym before a number names a law or a code.
    next.shape == Shape::Other
        && nw.chars().all(|c| c.is_ascii_digit())
        && j > 0
        && unit.word(sent, &toks[j - 1]).chars().count() <= 3
}

/// "the town of X", "the province of X", "in X, Country", "X province".
fn place_context(unit: &Unit<'_, '_>, sent: usize, i: usize, j: usize, gaz: &Gazetteer) -> bool {
    let toks = &unit.toks[sent];
    let p = prev_words(unit, sent, i, 2);
    if p.first().is_some_and(|w| w == "of") && p.get(1).is_some_and(|w| has(w, F_PLACE_NOUN)) {
        return true;
    }
    // Followed by a lowercase place noun: "the Huelva province", "Tecún Umán town".
    if toks.get(j).is_some_and(|t| {
        t.shape == Shape::Lower
            && matches!(
                unit.word(sent, t),
                "province"
                    | "district"
                    | "region"
                    | "county"
                    | "municipality"
                    | "village"
                    | "town"
                    | "city"
                    | "state"
                    | "valley"
                    | "river"
                    | "island"
            )
    }) {
        return true;
    }
    // "X, the Guatemalan town": an apposition naming the kind of place.
    if toks.get(j).is_some_and(|t| unit.word(sent, t) == ",") {
        let mut k = j + 1;
        let mut n = 0;
        while let Some(t) = toks.get(k) {
            if t.shape == Shape::Punct || n > 3 {
                break;
            }
            let w = unit.word(sent, t);
            if t.shape == Shape::Lower && has(w, F_PLACE_NOUN) {
                if n >= 1 {
                    return true;
                }
                break;
            }
            if !(matches!(
                w,
                "a" | "the" | "small" | "large" | "border" | "coastal" | "capital" | "port"
            ) || t.shape == Shape::Title && is_demonym(w, gaz))
            {
                break;
            }
            n += 1;
            k += 1;
        }
    }
    // "in X, Kenya"
    let after_comma = toks.get(j).is_some_and(|t| unit.word(sent, t) == ",")
        && toks.get(j + 1).is_some_and(|t| {
            gaz.place_at(unit.text(sent), t.s)
                .is_some_and(|m| matches!(m.kind, PlaceKind::Country | PlaceKind::Region))
        });
    after_comma
        && p.first().is_some_and(|w| {
            matches!(
                w.as_ref(),
                "in" | "from" | "to" | "at" | "near" | "between" | "outside" | "around" | "of"
            )
        })
}

/// Acronyms (ORG) in the token range [i, j), except concepts.
fn acronyms_in(unit: &Unit<'_, '_>, sent: usize, i: usize, j: usize, cands: &mut Vec<Cand>) {
    let toks = &unit.toks[sent];
    for k in i..j.min(toks.len()) {
        let t = toks[k];
        if t.debris || !matches!(t.shape, Shape::Upper | Shape::AcroHyphen) {
            continue;
        }
        let w = unit.word(sent, &t);
        if unit.is_concept_acronym(w) || acronym_in_title(unit, sent, k + 1) {
            continue;
        }
        if t.shape == Shape::AcroHyphen {
            let head = w.split('-').next().unwrap_or(w);
            if unit.is_concept_acronym(head) {
                continue;
            }
        }
        // An all-caps sentence (a heading in capitals) has no acronyms.
        let caps_words = toks.iter().filter(|x| x.shape == Shape::Upper).count();
        let words = toks.iter().filter(|x| x.is_word()).count();
        if words >= 3 && caps_words * 2 > words {
            return;
        }
        cands.push(Cand {
            sent,
            s: t.s,
            e: t.e,
            ty: EntityType::Org,
            norm: None,
            source: Source::Rule,
            acronym_end: if t.shape == Shape::AcroHyphen {
                w.find('-').map(|p| t.s + p)
            } else {
                None
            },
        });
    }
}

/// Keep non-overlapping candidates: longer spans first, then rule evidence over re-found names,
/// then earlier ones. Returns them sorted by (sentence, start).
fn resolve(mut cands: Vec<Cand>) -> Vec<Cand> {
    // Stable: for equal spans, first-pass candidates (pushed first) come first and are kept.
    cands.sort_by_key(|c| (c.sent, c.s, std::cmp::Reverse(c.e - c.s)));
    cands.dedup_by(|a, b| a.sent == b.sent && a.s == b.s && a.e == b.e);
    let mut keep = vec![false; cands.len()];
    let mut order: Vec<usize> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut g = 0;
    while g < cands.len() {
        let sent = cands[g].sent;
        let h = g + cands[g..].iter().take_while(|c| c.sent == sent).count();
        order.clear();
        order.extend(g..h);
        order.sort_by(|&x, &y| {
            let (a, b) = (&cands[x], &cands[y]);
            (b.e - b.s)
                .cmp(&(a.e - a.s))
                .then((a.source == Source::Known).cmp(&(b.source == Source::Known)))
                .then(a.s.cmp(&b.s))
        });
        spans.clear();
        for &idx in &order {
            let c = &cands[idx];
            if spans.iter().all(|&(s, e)| c.e <= s || e <= c.s) {
                spans.push((c.s, c.e));
                keep[idx] = true;
            }
        }
        g = h;
    }
    cands
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// Normalisation key of a name: lowercase words (letters and digits) separated by single
/// spaces, no diacritics for the common Latin ones ("FIDA-Kenya’s" -> "fida kenya s").
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        // ASCII (most names): one lowercase letter or digit, nothing to fold.
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                out.push(fold_char(l));
            }
        }
    }
    out
}

fn fold_char(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ă' | 'ą' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ů' => 'u',
        'ç' | 'č' | 'ć' => 'c',
        'ñ' | 'ń' => 'n',
        'ș' | 'ş' | 'š' | 'ś' => 's',
        'ț' | 'ţ' => 't',
        'ž' | 'ź' | 'ż' => 'z',
        'ý' | 'ÿ' => 'y',
        'ł' => 'l',
        'ř' => 'r',
        'đ' => 'd',
        other => other,
    }
}

/// Second pass: re-find the ORG and PERSON names learnt in the first pass (and their short
/// forms) in every sentence of the unit. Records alias -> full-form joins in `joins`.
fn refind_known(
    unit: &Unit<'_, '_>,
    first: Vec<Cand>,
    gaz: &Gazetteer,
    joins: &mut Vec<(String, String)>,
) -> Vec<Cand> {
    // form key -> (type, full form it stands for, the form itself)
    let mut forms: FastMap<String, (EntityType, String, String)> = FastMap::default();
    let mut conflicts: FastSet<String> = FastSet::default();
    // alias key -> the full name keys it stands for. Two names of one type sharing a short
    // form ("Asociatia Pro Refugiu", "Association Pro Refugiu": "Pro Refugiu") are taken as
    // spellings of one entity.
    let mut alias_of: FastMap<String, (EntityType, Vec<String>)> = FastMap::default();
    let mut mixed: FastSet<String> = FastSet::default();
    let mut add = |forms: &mut FastMap<String, (EntityType, String, String)>,
                   conflicts: &mut FastSet<String>,
                   form: &str,
                   ty: EntityType,
                   full: &str| {
        let k = key(form);
        if k.chars().count() < 2 || unit.is_concept_acronym(form) {
            return;
        }
        let full_key = if full == form { k.clone() } else { key(full) };
        let is_full = full_key == k;
        if !is_full {
            let slot = alias_of
                .entry(k.clone())
                .or_insert_with(|| (ty, Vec::new()));
            if slot.0 != ty {
                mixed.insert(k.clone());
            } else if !slot.1.contains(&full_key) {
                slot.1.push(full_key.clone());
            }
        }
        match forms.get(&k) {
            Some((t, f, _)) if *t == ty && (f == full || key(f) == full_key) => {}
            Some((_, f, form0)) if f == form0 => {} // a full name beats an alias
            Some(_) if is_full => {
                forms.insert(k, (ty, full.to_string(), form.to_string()));
            }
            Some((t, _, _)) if *t == ty => {} // same type: joined through `alias_of`
            Some(_) => {
                conflicts.insert(k);
            }
            None => {
                forms.insert(k, (ty, full.to_string(), form.to_string()));
            }
        }
    };
    let mut seen: FastSet<(EntityType, &str)> = FastSet::default();
    for c in &first {
        let text = unit.text(c.sent);
        let form = &text[c.s..c.e];
        if c.ty == EntityType::Place || !seen.insert((c.ty, form)) {
            continue;
        }
        match c.ty {
            EntityType::Org => {
                add(&mut forms, &mut conflicts, form, EntityType::Org, form);
                for alias in org_aliases(unit, form, c, gaz) {
                    add(&mut forms, &mut conflicts, &alias, EntityType::Org, form);
                }
            }
            EntityType::Person => {
                add(&mut forms, &mut conflicts, form, EntityType::Person, form);
                let parts: Vec<&str> = form.split_whitespace().collect();
                if parts.len() >= 2 {
                    for p in [parts[0], parts[parts.len() - 1]] {
                        if p.chars().count() >= 3 && !unit.is_common(p) && gaz.lookup(p).is_none() {
                            add(&mut forms, &mut conflicts, p, EntityType::Person, form);
                        }
                    }
                }
            }
            EntityType::Place => {}
        }
    }
    // Acronym definitions of organisations: both the acronym and the long form.
    for (acr, d) in &unit.definitions {
        if d.is_org {
            let long = &unit.text(d.sent)[d.long_s..d.long_e];
            add(&mut forms, &mut conflicts, acr, EntityType::Org, long);
            add(&mut forms, &mut conflicts, long, EntityType::Org, long);
            joins.push((key(acr), key(long)));
        }
    }
    for k in &conflicts {
        forms.remove(k);
    }
    // Aliases join the names they stand for ("fida" -> "fida kenya").
    let mut alias_joins: Vec<(String, String)> = alias_of
        .into_iter()
        .filter(|(a, _)| !mixed.contains(a))
        .flat_map(|(a, (_, fulls))| fulls.into_iter().map(move |f| (a.clone(), f)))
        .collect();
    for m in &mixed {
        forms.remove(m);
    }
    alias_joins.sort();
    joins.extend(alias_joins);
    let mut out = first;
    if forms.is_empty() {
        return out;
    }
    let mut known: Vec<KnownForm> = Vec::with_capacity(forms.len());
    let mut sorted: Vec<_> = forms.into_iter().collect();
    sorted.sort();
    for (k, (ty, full, form)) in sorted {
        let words: Vec<String> = k.split(' ').map(str::to_string).collect();
        known.push(KnownForm {
            ty,
            // An all-capitals acronym is only re-found as written ("ATENEA" is not "Atenea").
            exact: (!form.contains(' ') && !form.chars().any(char::is_lowercase))
                .then(|| form.clone()),
            comma: form.contains(','),
            words,
        });
        let full_key = key(&full);
        joins.push((k, full_key));
    }
    // Longest forms first, so that the first match at a position is the longest.
    known.sort_by_key(|f| std::cmp::Reverse(f.words.len()));
    let mut index: FastMap<String, Vec<usize>> = FastMap::default();
    for (n, f) in known.iter().enumerate() {
        if let Some(first) = f.words.first() {
            index.entry(first.clone()).or_default().push(n);
        }
    }
    // First bytes of the known names (ASCII, lowercase): a cheap filter before the lookup.
    let mut first_bytes = [false; 128];
    for f in &known {
        if let Some(&b) = f.words.first().and_then(|w| w.as_bytes().first()) {
            if b < 128 {
                first_bytes[usize::from(b)] = true;
            } else {
                // A non-ASCII first letter may fold from several capitals: allow all.
                first_bytes = [true; 128];
            }
        }
    }
    let names = KnownNames {
        forms: known,
        index,
        first_bytes,
    };
    let mut buf = String::new();
    for sent in 0..unit.sentences.len() {
        refind_in(
            unit.text(sent),
            &unit.toks[sent],
            sent,
            &names,
            &mut buf,
            &mut out,
        );
    }
    out
}

/// The names learnt in the first pass, indexed by their first word.
struct KnownNames {
    /// Longest first.
    forms: Vec<KnownForm>,
    /// First key word -> indices into `forms`.
    index: FastMap<String, Vec<usize>>,
    /// Lowercase ASCII first bytes of the names: a cheap filter before the lookup.
    first_bytes: [bool; 128],
}

/// A name learnt in the first pass, as words in key form ("fida", "kenya").
struct KnownForm {
    ty: EntityType,
    words: Vec<String>,
    exact: Option<String>,
    comma: bool,
}

/// Append the key form of `word` (lowercase, common diacritics folded) to `out`.
fn push_key(word: &str, out: &mut String) {
    for c in word.chars() {
        for l in c.to_lowercase() {
            out.push(fold_char(l));
        }
    }
}

/// Does `word` (text) equal `key` (a key word) once lowercased and folded?
fn eq_key(word: &str, key: &str) -> bool {
    let mut k = key.chars();
    for c in word.chars() {
        for l in c.to_lowercase() {
            if k.next() != Some(fold_char(l)) {
                return false;
            }
        }
    }
    k.next().is_none()
}

/// The alphanumeric runs ("sub-words") of the text from token `ti` on, as byte spans, stopping
/// at a line break, debris or punctuation other than `-`, `&`, `.`, apostrophes (and `,` when
/// `comma`). At most `max` runs.
fn subwords(
    text: &str,
    toks: &[Tok],
    ti: usize,
    comma: bool,
    max: usize,
    out: &mut Vec<(usize, usize)>,
) {
    out.clear();
    for (n, t) in toks.iter().enumerate().skip(ti) {
        if out.len() >= max || t.debris || (n > ti && t.newline_before) {
            break;
        }
        let w = &text[t.s..t.e];
        if t.shape == Shape::Punct {
            if matches!(w, "-" | "&" | "." | "’" | "'") || comma && w == "," {
                continue;
            }
            break;
        }
        let mut run: Option<usize> = None;
        for (off, c) in w.char_indices() {
            if c.is_alphanumeric() {
                run.get_or_insert(t.s + off);
            } else if let Some(rs) = run.take() {
                out.push((rs, t.s + off));
            }
        }
        if let Some(rs) = run {
            out.push((rs, t.e));
        }
    }
}

/// Re-find the known names in one sentence: whole tokens only, starting capitalised, not
/// across debris, line breaks or punctuation (except inside the name itself).
fn refind_in(
    text: &str,
    toks: &[Tok],
    sent: usize,
    names: &KnownNames,
    buf: &mut String,
    out: &mut Vec<Cand>,
) {
    let (known, index, first_bytes) = (&names.forms, &names.index, &names.first_bytes);
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut ti = 0;
    while ti < toks.len() {
        let t = toks[ti];
        if !t.is_cap() || t.debris {
            ti += 1;
            continue;
        }
        let w = &text[t.s..t.e];
        let b0 = w.as_bytes()[0];
        if b0 < 128 && !first_bytes[usize::from(b0.to_ascii_lowercase())] {
            ti += 1;
            continue;
        }
        let first_run_end = w
            .char_indices()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(w.len(), |(o, _)| o);
        buf.clear();
        push_key(&w[..first_run_end], buf);
        let Some(cands) = index.get(buf.as_str()) else {
            ti += 1;
            continue;
        };
        let mut matched = None;
        for &n in cands {
            let f = &known[n];
            subwords(text, toks, ti, f.comma, f.words.len(), &mut runs);
            if runs.len() < f.words.len() {
                continue;
            }
            let ok = runs
                .iter()
                .zip(&f.words)
                .all(|(&(a, b), k)| eq_key(&text[a..b], k));
            if !ok {
                continue;
            }
            let (s, e) = (t.s, runs[f.words.len() - 1].1);
            // Must end at a token end.
            let tj = toks.partition_point(|x| x.e < e);
            if toks.get(tj).is_none_or(|x| x.e != e) {
                continue;
            }
            if f.exact.as_ref().is_some_and(|x| {
                let got = &text[s..e];
                got != x && got.strip_suffix('s') != Some(x.as_str())
            }) {
                continue;
            }
            matched = Some((s, e, f.ty, tj));
            break;
        }
        if let Some((s, e, ty, tj)) = matched {
            out.push(Cand {
                sent,
                s,
                e,
                ty,
                norm: None,
                source: Source::Known,
                acronym_end: None,
            });
            ti = tj + 1;
        } else {
            ti += 1;
        }
    }
}

/// Short forms of an organisation name that may be used alone later in the unit.
fn org_aliases(unit: &Unit<'_, '_>, form: &str, c: &Cand, gaz: &Gazetteer) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ae) = c.acronym_end {
        let text = unit.text(c.sent);
        if let Some(a) = text.get(c.s..ae) {
            out.push(a.to_string());
        }
    }
    let words: Vec<&str> = form.split_whitespace().collect();
    if words.len() < 2 {
        return out;
    }
    let distinctive = |w: &str| {
        w.chars().count() >= 4
            && w.chars().next().is_some_and(char::is_uppercase)
            && !unit.is_common(w)
            && flags(w)
                & (F_FUNCTION
                    | F_ORG_HEAD
                    | F_ORG_START
                    | F_CONNECTOR
                    | F_EVENT
                    | F_ROLE_MOD
                    | F_ROLE)
                == 0
            && !matches!(
                w,
                "Global"
                    | "United"
                    | "Federal"
                    | "Central"
                    | "Royal"
                    | "Supreme"
                    | "High"
                    | "Local"
                    | "Public"
                    | "Women"
                    | "Human"
                    | "Civil"
                    | "Migrant"
                    | "Workers"
                    | "Children"
                    | "Youth"
                    | "Community"
                    | "Development"
                    | "Rights"
                    | "Justice"
                    | "Anti-Trafficking"
                    | "Counter"
                    | "Trafficking"
                    | "Good"
                    | "New"
            )
            && gaz.lookup(w).is_none()
            && !is_demonym(w, gaz)
            && !LEXICON.given.contains(w)
    };
    let connector = |w: &str| has(w, F_CONNECTOR);
    // Without a leading organisation-type word: "Corporación Espacios de Mujer" -> "Espacios de
    // Mujer"; without a trailing "International": "Winrock International" -> "Winrock".
    let mut core: &[&str] = &words;
    if has(core[0], F_ORG_START) && !has(core[0], F_ORG_OF) || matches!(core[0], "Association") {
        core = &core[1..];
    }
    if let Some((last, rest)) = core.split_last()
        && matches!(*last, "International" | "Inc" | "Ltd" | "Limited" | "LLC")
        && !rest.is_empty()
    {
        core = rest;
    }
    if core.len() < words.len() && !core.is_empty() && core.iter().any(|w| distinctive(w)) {
        out.push(core.join(" "));
    }
    // Organisations without keywords ("Rights Jessore", "Espacios de Mujer"): distinctive
    // first or last word alone; with keywords ("Sanad Centre for Migrant Workers"): a
    // distinctive first word.
    let has_keyword = core.iter().any(|w| has(w, F_ORG_HEAD | F_ORG_OF));
    if has_keyword && core.len() >= 2 && distinctive(core[0]) {
        out.push(core[0].to_string());
    }
    if !has_keyword
        && core.len() >= 2
        && let (Some(f), Some(l)) = (core.first(), core.last())
    {
        if distinctive(f) && !connector(f) {
            out.push(f.to_string());
        }
        if distinctive(l) && !connector(l) {
            out.push(l.to_string());
        }
    }
    out
}

/// Build the output: document offsets, norms joined within the unit. `joins` are pairs of
/// name keys (see [`key`]) that name the same entity.
fn build_entities(
    unit: &Unit<'_, '_>,
    chosen: Vec<Cand>,
    joins: &[(String, String)],
) -> Vec<Entity> {
    // Intern the keys of ORG and PERSON mentions: (type, key) -> id.
    let mut ids: FastMap<(EntityType, String), usize> = FastMap::default();
    let mut by_key: FastMap<String, Vec<usize>> = FastMap::default();
    let mut info: Vec<(usize, usize, usize)> = Vec::new(); // (words, count, first mention)
    let mut types: Vec<EntityType> = Vec::new();
    // Surface forms of each id with their counts ("FIDA Kenya" x3, "FIDA-Kenya" x1).
    let mut surfaces: Vec<Vec<(&str, usize)>> = Vec::new();
    let mut id_of: Vec<Option<usize>> = Vec::with_capacity(chosen.len());
    for (n, c) in chosen.iter().enumerate() {
        if c.ty == EntityType::Place {
            id_of.push(None);
            continue;
        }
        let form = &unit.text(c.sent)[c.s..c.e];
        let k = key(form);
        let next = info.len();
        let id = *ids.entry((c.ty, k.clone())).or_insert(next);
        if id == next {
            info.push((k.split(' ').count(), 0, n));
            types.push(c.ty);
            surfaces.push(Vec::new());
            by_key.entry(k).or_default().push(id);
        }
        info[id].1 += 1;
        match surfaces[id].iter_mut().find(|(f, _)| *f == form) {
            Some(slot) => slot.1 += 1,
            None => surfaces[id].push((form, 1)),
        }
        id_of.push(Some(id));
    }
    let mut parent: Vec<usize> = (0..info.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    fn union(parent: &mut [usize], a: usize, b: usize) {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            parent[ra] = rb;
        }
    }
    // Pairs named by the unit (aliases, acronym definitions), same type only.
    for (a, b) in joins {
        let (Some(ia), Some(ib)) = (by_key.get(a), by_key.get(b)) else {
            continue;
        };
        for &x in ia {
            for &y in ib {
                if types[x] == types[y] {
                    union(&mut parent, x, y);
                }
            }
        }
    }
    // Acronyms whose letters are the initials of a longer ORG name in the unit.
    let orgs: Vec<(&str, usize)> = ids
        .iter()
        .filter(|(k, _)| k.0 == EntityType::Org)
        .map(|(k, v)| (k.1.as_str(), *v))
        .collect();
    for &(a, ia) in &orgs {
        if a.contains(' ') {
            continue;
        }
        let base = a.strip_suffix('s').unwrap_or(a);
        if base.len() < 2 {
            continue;
        }
        for &(b, ib) in &orgs {
            if !b.contains(' ') {
                continue;
            }
            let all = b.split(' ').filter_map(|w| w.chars().next());
            let caps = b
                .split(' ')
                .filter(|w| !has(w, F_CONNECTOR))
                .filter_map(|w| w.chars().next());
            if all.eq(base.chars()) || caps.eq(base.chars()) {
                union(&mut parent, ia, ib);
            }
        }
    }
    // Canonical form of each group: the most words, then the most mentions, then the first.
    let mut best: Vec<Option<usize>> = vec![None; info.len()];
    for id in 0..info.len() {
        let root = find(&mut parent, id);
        let better = match best[root] {
            None => true,
            Some(b) => {
                let (x, y) = (info[id], info[b]);
                (x.0, x.1, std::cmp::Reverse(x.2)) > (y.0, y.1, std::cmp::Reverse(y.2))
            }
        };
        if better {
            best[root] = Some(id);
        }
    }
    let mut out = Vec::with_capacity(chosen.len());
    for (c, id) in chosen.iter().zip(&id_of) {
        let s = unit.sentences[c.sent];
        let text = &s.text[c.s..c.e];
        let norm = match id {
            None => c.norm.unwrap_or(text).to_string(),
            Some(id) => {
                let root = find(&mut parent, *id);
                // The most frequent spelling of the canonical name (ties: the first seen).
                best[root]
                    .and_then(|b| {
                        surfaces[b]
                            .iter()
                            .enumerate()
                            .max_by_key(|(n, (_, count))| (*count, std::cmp::Reverse(*n)))
                            .map(|(_, (f, _))| *f)
                    })
                    .unwrap_or(text)
                    .to_string()
            }
        };
        out.push(Entity {
            sentence_index: s.index,
            entity_type: c.ty,
            text: text.to_string(),
            norm,
            start_byte: s.start_byte + c.s,
            end_byte: s.start_byte + c.e,
        });
    }
    out.sort_by_key(|e| (e.start_byte, e.end_byte));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences laid out as a document, one per line: the text and each sentence's
    /// (start, length).
    pub(super) fn document<S: AsRef<str>>(sentences: &[S]) -> (String, Vec<(usize, usize)>) {
        let mut doc = String::new();
        let mut spans = Vec::new();
        for s in sentences {
            spans.push((doc.len(), s.as_ref().len()));
            doc.push_str(s.as_ref());
            doc.push('\n');
        }
        (doc, spans)
    }

    /// The sentences of a [`document`], as the extractor takes them.
    pub(super) fn sentence_refs<'d>(
        doc: &'d str,
        spans: &[(usize, usize)],
    ) -> Vec<SentenceRef<'d>> {
        spans
            .iter()
            .enumerate()
            .map(|(n, &(s, l))| SentenceRef {
                index: n as u32,
                start_byte: s,
                text: &doc[s..s + l],
            })
            .collect()
    }

    pub(crate) fn one(text: &str) -> Vec<Entity> {
        let s = [SentenceRef {
            index: 0,
            start_byte: 0,
            text,
        }];
        EntityExtractor::new().extract(&s)
    }

    #[test]
    fn send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<EntityExtractor>();
        assert_send_sync::<Entity>();
    }

    #[test]
    fn tokens_split_debris() {
        let text = "RJ1Rights Jessore have";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (&text[t.s..t.e], t.debris)).collect();
        assert_eq!(
            words,
            [
                ("RJ1", true),
                ("Rights", false),
                ("Jessore", false),
                ("have", false)
            ]
        );
    }

    #[test]
    fn empty() {
        assert!(one("").is_empty());
        assert!(one("   \n ").is_empty());
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct File {
        case: Vec<Case>,
    }

    #[derive(Debug, Deserialize)]
    struct Case {
        name: String,
        sentences: Vec<String>,
        expected: Vec<Expected>,
    }

    #[derive(Debug, Deserialize)]
    struct Expected {
        #[serde(rename = "type")]
        ty: String,
        text: String,
        norm: Option<String>,
        sentence: Option<u32>,
    }

    const FILES: [(&str, &str); 2] = [
        (
            "testdata/entities/sample.toml",
            include_str!("../../tests/data/entities/sample.toml"),
        ),
        (
            "testdata/entities/general.toml",
            include_str!("../../tests/data/entities/general.toml"),
        ),
    ];

    /// Run one case; returns a description of the failure, if any.
    fn run(x: &EntityExtractor, case: &Case) -> Option<String> {
        let (doc, spans) = super::tests::document(&case.sentences);
        let got = x.extract(&super::tests::sentence_refs(&doc, &spans));
        let ok = got.len() == case.expected.len()
            && got.iter().zip(&case.expected).all(|(g, e)| {
                g.entity_type.as_str() == e.ty
                    && g.text == e.text
                    && e.norm.as_ref().is_none_or(|n| *n == g.norm)
                    && e.sentence.is_none_or(|s| s == g.sentence_index)
            });
        (!ok).then(|| {
            format!(
                "case `{}`\n  sentences: {:?}\n  expected: {:#?}\n  got: {:#?}\n  help: check the rule the case name \
                 describes in src/entities.rs (chunking, classify_chunk, refind_known)",
                case.name, case.sentences, case.expected, got
            )
        })
    }

    #[test]
    fn table_cases() {
        let x = EntityExtractor::new();
        let mut failures = Vec::new();
        let mut n = 0;
        for (path, src) in FILES {
            let file: File = toml::from_str(src).unwrap_or_else(|e| panic!("{path}: {e}"));
            for case in &file.case {
                n += 1;
                if let Some(f) = run(&x, case) {
                    failures.push(format!("{path}: {f}"));
                }
            }
        }
        assert!(n > 0, "no cases loaded");
        assert!(
            failures.is_empty(),
            "{} of {n} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[cfg(test)]
mod prop_tests {
    use super::*;
    use proptest::prelude::*;

    /// Sentences joined into a document (one per line), as the pipeline would give them.
    fn check(texts: &[String]) -> Result<(), TestCaseError> {
        let (doc, spans) = super::tests::document(texts);
        let got = EntityExtractor::new().extract(&super::tests::sentence_refs(&doc, &spans));
        let mut prev_end = 0;
        for e in &got {
            let slice = doc.get(e.start_byte..e.end_byte);
            prop_assert_eq!(
                slice,
                Some(e.text.as_str()),
                "span does not slice back: {:?}",
                e
            );
            prop_assert!(!e.text.is_empty(), "empty entity: {:?}", e);
            prop_assert!(
                e.start_byte >= prev_end,
                "overlapping or unsorted: {:?} in {:#?}",
                e,
                got
            );
            let (s, l) = spans[e.sentence_index as usize];
            prop_assert!(
                e.start_byte >= s && e.end_byte <= s + l,
                "outside its sentence: {:?}",
                e
            );
            prop_assert!(!e.norm.is_empty(), "empty norm: {:?}", e);
            prev_end = e.end_byte;
        }
        Ok(())
    }

    /// The name key by its definition, the reference for [`key`]: the runs of letters and
    /// digits, each lowercased and folded character by character (no ASCII path), joined by
    /// single spaces.
    fn key_char_by_char(name: &str) -> String {
        name.split(|c: char| !c.is_alphanumeric())
            .filter(|run| !run.is_empty())
            .map(|run| {
                run.chars()
                    .flat_map(char::to_lowercase)
                    .map(fold_char)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest! {
        #[test]
        fn key_is_the_char_by_char_key(name in "(\\PC|[A-Za-z0-9 ,.'’-]){0,40}") {
            prop_assert_eq!(key(&name), key_char_by_char(&name));
        }

        #[test]
        fn arbitrary_text(texts in prop::collection::vec("\\PC{0,120}", 0..5)) {
            check(&texts)?;
        }

        #[test]
        fn any_chars(texts in prop::collection::vec(".{0,80}", 0..4)) {
            check(&texts)?;
        }

        #[test]
        fn name_like_text(texts in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    "[A-Z][a-z]{1,8}",
                    "[A-Z]{2,6}s?",
                    "[a-z]{1,7}",
                    "(of|for|and|de|la|the|in|with|Interview|Kenya|Nairobi|Network|Group|Ministry|Dr\\.|Ms|Director|–|\\(|\\)|,|:|’s|-|_|\\.jpg|[0-9]{1,4})",
                    "[A-Z]{2,4}[0-9][A-Z][a-z]{2,6}",
                    "[ÁÉÑÖØ][a-zñáéó]{1,6}",
                ],
                0..25,
            ).prop_map(|words| words.join(" ")),
            0..6,
        )) {
            check(&texts)?;
        }
    }
}
