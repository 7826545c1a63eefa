/**
 * Personal details that are neither a number with a checksum nor a credential: a device's MAC address, the
 * user name in a home directory, a date of birth and a postal address (docs/log-mining.md, "PII redaction").
 * Each rule wants a shape or a word that logs do not write otherwise, because a log is mostly times, dates,
 * ids and hex, and those must stay: a MAC has exactly six groups, a date is a birth date only after a word
 * that says so, a street needs a house number, capitalised name words and a street type.
 *
 * Every expression is linear (bounded quantifiers, no nested repetition), and each runs only on text that
 * holds a piece all of its matches contain (the prechecks), since this runs on every line of every log.
 */
import type { RedactionCounts } from './redact.ts';

/**
 * A MAC address in one of its three written forms: `00:1a:2b:3c:4d:5e`, `00-1A-2B-3C-4D-5E` and Cisco's
 * `001a.2b3c.4d5e`. Exactly six (three) groups: a longer run (BGL's 12-byte chip ids, an IPv6 address) is
 * not one, nor is a time (`10:00:00`, three groups). The dash and dot forms also need a letter a–f, so that
 * a run of digits (a date, a version `1234.5678.9012`) stays; one MAC in 250 has none and is missed.
 */
const MAC =
  /(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.\w)/g;
/**
 * Whether `sep` is followed by four more at three-character steps (`aa:bb:cc:dd:ee:ff` from its first `:`):
 * a scan from one separator to the next, as a time has two and a date three, far cheaper than a regular
 * expression that tries every position.
 */
function hasSixGroups(text: string, sep: string): boolean {
  const code = sep.charCodeAt(0);
  for (let i = text.indexOf(sep); i >= 0 && i + 12 < text.length; i = text.indexOf(sep, i + 1)) {
    if (
      text.charCodeAt(i + 3) === code &&
      text.charCodeAt(i + 6) === code &&
      text.charCodeAt(i + 9) === code &&
      text.charCodeAt(i + 12) === code
    )
      return true;
  }
  return false;
}
/** Cisco's form: a dot with four hex digits and another dot after it (`.2b3c.`), found from dot to dot. */
function hasCiscoGroup(text: string): boolean {
  for (let i = text.indexOf('.'); i >= 0 && i + 5 < text.length; i = text.indexOf('.', i + 1)) {
    if (
      text.charCodeAt(i + 5) === 46 &&
      isHex(text.charCodeAt(i + 1)) &&
      isHex(text.charCodeAt(i + 2)) &&
      isHex(text.charCodeAt(i + 3)) &&
      isHex(text.charCodeAt(i + 4))
    )
      return true;
  }
  return false;
}
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const HEX_LETTER = /[a-f]/i;

function mayHaveMac(text: string): boolean {
  return hasSixGroups(text, ':') || hasSixGroups(text, '-') || hasCiscoGroup(text);
}

function redactMacs(text: string, counts: RedactionCounts): string {
  if (!mayHaveMac(text)) return text;
  return text.replace(MAC, (mac: string) => {
    if (mac[2] !== ':' && !HEX_LETTER.test(mac)) return mac;
    counts.mac++;
    return '<MAC>';
  });
}

/**
 * The user part of a home directory: `/home/alice/…`, `/Users/alice.smith/…` (also inside a longer path,
 * `/export/home/alice`), `C:\Users\asmith\…` with one or two backslashes (JSON escapes them) or slashes. The
 * path keeps its shape (`/home/<USER>/.ssh`), so a template still reads it. (Windows XP's `Documents and
 * Settings` is not looked for.)
 */
const HOME_DIRECTORY =
  /(\/home\/|\/Users\/|(?<![A-Za-z])[A-Za-z]:(?:\\{1,2}|\/)[Uu]sers(?:\\{1,2}|\/))([A-Za-z0-9_][A-Za-z0-9._-]{0,63})(?![A-Za-z0-9._-])/g;
/**
 * Accounts that name no person: system and service users, the default users of cloud, container, board and
 * CI images (`ContainerAdministrator` of Windows containers, `nvidia` of Jetson boards, `jovyan` of
 * Jupyter's), Windows' shared profiles and the account a PC maker sets up (`Owner`, `LENOVO`, `HP`), the words
 * people put in a path to stand for "your name" (`user`, `user4`, `myname`), and the folders written where the
 * user was left out (`/home/Downloads/x`). Compared in lower case. A person whose login is one of these
 * (`admin`) keeps it.
 */
const NOT_PERSONAL_USERS = new Set(
  (
    'root ubuntu ec2-user www-data nobody daemon administrator admin public default default user all users ' +
    'shared guest username runner runneradmin vagrant jenkins circleci travis appveyor vsts buildkite-agent ' +
    'gitlab-runner buildslave buildbot ci docker node app centos debian fedora opc azureuser git postgres ' +
    'mysql containeradministrator containeruser nvidia pi jovyan openvino vscode codespace gitpod coder ' +
    'me you yourname your-name your_name yourusername your_username your-username myname name xxx foo example ' +
    'test desktop documents downloads pictures music videos library appdata owner pc lenovo hp dell asus acer'
  ).split(' '),
);
/** `user`, `user1`, `user4`: a stand-in, as in a tutorial's `/home/user/`. */
const NUMBERED_USER = /^user\d{0,3}$/i;

function redactHomeDirectories(text: string, counts: RedactionCounts): string {
  if (!text.includes('home/') && !text.includes('sers')) return text;
  return text.replace(HOME_DIRECTORY, (match: string, root: string, user: string) => {
    if (NOT_PERSONAL_USERS.has(user.toLowerCase()) || NUMBERED_USER.test(user)) return match;
    counts.homeDirectory++;
    return `${root}<USER>`;
  });
}

const MONTH =
  '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)';
/** A full date: ISO, day/month/year either way round with `-`, `/` or `.`, or with the month in words. */
const FULL_DATE = String.raw`(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?[ \t]${MONTH}\.?,?[ \t]\d{4}|${MONTH}\.?[ \t]\d{1,2}(?:st|nd|rd|th)?,?[ \t]\d{4})`;
/**
 * A date of birth: a full date right after a word that says it is one (`DOB`, `D.O.B.`, `date of birth`,
 * `birth_date`, `birthdate`, `birthday`, `born on`), with `:`, `=`, `is` or quotes between. A date without
 * such a word is never touched: log timestamps must stay. A year alone (`born in 1985`) stays.
 */
const BIRTH_DATE = new RegExp(
  String.raw`((?<![a-z0-9])(?:d\.?o\.?b\.?|date[ _-]?of[ _-]?birth|birth[ _-]?date|birthday|born(?: on)?)["']?[ \t]{0,3}(?:[:=]|is|was)?[ \t]{0,3}["']?)(${FULL_DATE})(?![\w]|[-/.]\d)`,
  'gi',
);
const MAY_HAVE_BIRTH_DATE = /dob|d\.o\.b|birth|born/i;

function redactBirthDates(text: string, counts: RedactionCounts): string {
  if (!MAY_HAVE_BIRTH_DATE.test(text)) return text;
  return text.replace(BIRTH_DATE, (_match: string, said: string) => {
    counts.birthDate++;
    return `${said}<DOB>`;
  });
}

/** Street types of English-speaking countries that are seldom the last word of anything else. */
const STREET_TYPE =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Terrace|Crescent|Parkway|Pkwy|Highway|Hwy|Way|Place)';
/**
 * A street address: a house number (`12`, `221B`), one to three capitalised words and a street type
 * (`123 Main Street`, `1600 Pennsylvania Ave`). The number must not continue a version, time or path
 * (`1.2 Main Street`, `/3 Main St`).
 */
const STREET_ADDRESS = new RegExp(
  String.raw`(?<![\w.,:/-])\d{1,5}[A-Za-z]?,? ((?:[A-Z][a-z'-]{1,20} ){1,3})${STREET_TYPE}(?![\w-])`,
  'g',
);
const MAY_HAVE_STREET = new RegExp(String.raw`[a-z] ${STREET_TYPE}(?![\w-])`);
/**
 * Capitalised words before a street type that make something other than a street: `2 Hard Drive`, `1 Google
 * Drive`, `3 Swim Lane`, `1 Right Way`, `2nd Place`.
 */
const NOT_STREET_WORDS = new Set(
  (
    'Hard Flash Usb Network Google External Internal Shared Mapped Virtual Disk Thumb Cloud Optical Tape ' +
    'System Local Backup Data Fast Swim Right Wrong One Two Three Easy Same Other First Second Third Last Next ' +
    'Work Market Supreme Test'
  ).split(' '),
);
/** A flat or suite before a street address (`Flat 4, 12 High Road`): all one address. */
const UNIT_BEFORE_ADDRESS =
  /(?<![\w])(?:Flat|Apartment|Apt\.?|Suite|Unit)[ \t]{1,2}#?\d[0-9A-Za-z]{0,4},?[ \t]{1,2}<ADDRESS>/g;
/**
 * An address after a word that says it is a postal one (`shipping address: 12 rue de la Paix, Paris`): from
 * the house number to the first comma, full stop or line end. `address` alone is no cue: logs say `IP address`.
 */
const SAID_ADDRESS =
  /(\b(?:home|postal|mailing|billing|shipping|street|delivery|residential) address(?:[ \t]{0,3}[:=][ \t]{0,3}|[ \t]{1,3}(?:is|was)[ \t]{1,3})["']?)(\d{1,5}[A-Za-z]?,?[ \t][^\n\r,;.<>"']{2,80})/gi;

const ADDRESS_CUE = /(?:home|postal|mailing|billing|shipping|street|delivery|residential) $/;

/** Whether a postal cue word stands before some `address` (checked at each, not by a scan of the line). */
function mayHaveSaidAddress(text: string): boolean {
  for (const word of ['ddress', 'DDRESS']) {
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      if (ADDRESS_CUE.test(text.slice(Math.max(0, i - 13), i - 1).toLowerCase())) return true;
    }
  }
  return false;
}

function redactSaidAddresses(text: string, counts: RedactionCounts): string {
  if (!mayHaveSaidAddress(text)) return text;
  return text.replace(SAID_ADDRESS, (_match: string, said: string) => {
    counts.postalAddress++;
    return `${said}<ADDRESS>`;
  });
}

function redactStreetAddresses(text: string, counts: RedactionCounts): string {
  if (!MAY_HAVE_STREET.test(text)) return text;
  const s = text.replace(STREET_ADDRESS, (match: string, words: string) => {
    if (words.split(' ').some((w) => NOT_STREET_WORDS.has(w))) return match;
    counts.postalAddress++;
    return '<ADDRESS>';
  });
  return s.includes('<ADDRESS>') ? s.replace(UNIT_BEFORE_ADDRESS, '<ADDRESS>') : s;
}

const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|PR|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
/**
 * A US ZIP code as an address writes it: a capitalised city, a comma, a state's code and five digits
 * (`Springfield, IL 62704`, `-1234` optional). Five digits after anything else are a number.
 */
const US_ZIP = new RegExp(
  String.raw`((?<![\w])[A-Z][a-z]{2,20}(?:[ -][A-Z][a-z]{2,20}){0,2}, {1,2}(?:${US_STATES}) {1,2})(\d{5}(?:-\d{4})?)(?![\w-]|\.\d)`,
  'g',
);
const UK_AREAS =
  'AB|AL|BA|BB|BD|BF|BH|BL|BN|BR|BS|BT|BX|B|CA|CB|CF|CH|CM|CO|CR|CT|CV|CW|DA|DD|DE|DG|DH|DL|DN|DT|DY|EC|EH|EN|EX|E|FK|FY|GL|GU|GY|G|HA|HD|HG|HP|HR|HS|HU|HX|IG|IM|IP|IV|JE|KA|KT|KW|KY|LA|LD|LE|LL|LN|LS|LU|L|ME|MK|ML|M|NE|NG|NN|NP|NR|NW|N|OL|OX|PA|PE|PH|PL|PO|PR|RG|RH|RM|SA|SE|SG|SK|SL|SM|SN|SO|SP|SR|SS|ST|SW|SY|S|TA|TD|TF|TN|TQ|TR|TS|TW|UB|WA|WC|WD|WF|WN|WR|WS|WV|W|YO|ZE';
/**
 * A UK postcode with its space (`SW1A 1AA`, `M1 1AE`): one of the 121 postcode areas, a district, and an
 * inward code of a digit and two letters from the 20 the Royal Mail uses. Without the space it is left, as
 * such runs are ids in logs.
 */
const UK_POSTCODE = new RegExp(
  String.raw`(?<![\w-])(?:${UK_AREAS})\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}(?![\w-])`,
  'g',
);
const MAY_HAVE_POSTCODE = / \d[A-Z]{2}(?![\w-])|, {1,2}[A-Z]{2} {1,2}\d{5}/;

function redactPostcodes(text: string, counts: RedactionCounts): string {
  if (!MAY_HAVE_POSTCODE.test(text)) return text;
  const s = text.replace(US_ZIP, (_match: string, place: string) => {
    counts.postcode++;
    return `${place}<POSTCODE>`;
  });
  return s.replace(UK_POSTCODE, () => {
    counts.postcode++;
    return '<POSTCODE>';
  });
}

/**
 * Whether a text holds one of the words that the word-keyed rules need (a home directory's `home/` or
 * `Users`, a date of birth's cue, `address`, and the OAuth parameters of `redactSignInSecrets`): one test for
 * all of them, as each test of a line costs about as much as the next. 5 % of Loghub's lines pass, nearly
 * all for `address` (`instruction address`), so each rule behind it has a cheap test of its own as well.
 * Case-sensitive, with the casings people write (lower, capitalised, upper), which costs half of what the
 * `i` flag does; `DaTe Of BiRtH` is missed.
 */
export const MAY_HAVE_RARE_WORD =
  /code|SAML|saml|verifier|home\/|[Uu]sers|DOB|[Dd]ob|D\.O\.|d\.o\.|[Bb]irth|BIRTH|[Bb]orn|BORN|ddress|DDRESS/;
/**
 * A piece that every street address, UK postcode and US ZIP code holds: a street type after a lower-case
 * letter and a space, a space and an inward code (` 1AA`), or `, XX 12345`. (Spaces, not tabs: a literal
 * space lets the engine skip ahead, a class does not, and no one writes an address with tabs.) Their expressions (and
 * `MAY_HAVE_STREET`, `MAY_HAVE_POSTCODE`) run only past it.
 */
const MAY_HAVE_ADDRESS = new RegExp(
  String.raw`[a-z] ${STREET_TYPE}\b| \d[ABD-HJLNP-UW-Z]{2}\b|, {1,2}[A-Z]{2} {1,2}\d{5}`,
);

/**
 * MAC addresses, home directories' user names, dates of birth and postal addresses (see above). `rare`:
 * whether `MAY_HAVE_RARE_WORD` matched the text (the caller tests it once for its own rules too).
 */
export function redactPersonalDetails(text: string, counts: RedactionCounts, rare: boolean): string {
  let s = redactMacs(text, counts);
  if (rare) {
    s = redactHomeDirectories(s, counts);
    s = redactBirthDates(s, counts);
    s = redactSaidAddresses(s, counts);
  }
  if (!MAY_HAVE_ADDRESS.test(s)) return s;
  s = redactStreetAddresses(s, counts);
  return redactPostcodes(s, counts);
}
