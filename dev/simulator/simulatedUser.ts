import { isoSeconds, SeededRandom, seededGuid } from "./seeded";
import { assigned, type AssignedLicense } from "./simulatedSkus";

/** A Microsoft Graph user as `GET /v1.0/users` returns it, with the properties the simulated tenant knows. */
export interface SimulatedUser {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: "Member" | "Guest";
  createdDateTime: string;
  department: string | null;
  jobTitle: string | null;
  companyName: string | null;
  officeLocation: string | null;
  usageLocation: string | null;
  assignedLicenses: AssignedLicense[];
  onPremisesSyncEnabled: boolean | null;
  externalUserState: "Accepted" | "PendingAcceptance" | null;
  businessPhones: string[];
  mobilePhone: string | null;
  preferredLanguage: string | null;
}

interface Person {
  readonly given: string;
  readonly surname: string;
  /** ASCII local part for the UPN: real tenants transliterate non-Latin names. */
  readonly alias: string;
  /** East Asian display names put the family name first, without a space. */
  readonly familyFirst?: boolean;
}

const INITIAL_DOMAIN = "contoso.onmicrosoft.com";
const MAIL_DOMAIN = "contoso.com";

const latin: readonly Person[] = [
  ["Jane", "Doe"],
  ["John", "Smith"],
  ["Maria", "Garcia"],
  ["Ahmed", "Khan"],
  ["Emily", "Johnson"],
  ["Lukas", "Müller"],
  ["Chloé", "Dubois"],
  ["Giulia", "Rossi"],
  ["Noah", "Williams"],
  ["Priya", "Patel"],
  ["Olivia", "Brown"],
  ["Mateo", "Fernández"],
  ["Sven", "Lindqvist"],
  ["Ana", "Silva"],
  ["Kwame", "Mensah"],
  ["Hannah", "Schmidt"],
].map(([given, surname]) => person(given ?? "", surname ?? ""));

// Each list is a quirk the product must carry through unchanged: quotes in keys, surrogate pairs, wide and RTL text.
const apostrophes: readonly Person[] = [
  person("Siobhán", "O'Brien", "siobhan.obrien"),
  person("Luca", "D'Angelo", "luca.dangelo"),
  person("Aoife", "O'Connor-Nguyen", "aoife.oconnor-nguyen"),
];
const emoji: readonly Person[] = [
  person("Zoë", "Martin 🚀", "zoe.martin"),
  person("Sam 🎉", "Lee", "sam.lee"),
  person("Ngozi", "Okafor 👩🏾‍💻", "ngozi.okafor"),
];
const cjk: readonly Person[] = [
  { given: "太郎", surname: "田中", alias: "taro.tanaka", familyFirst: true },
  { given: "伟", surname: "王", alias: "wei.wang", familyFirst: true },
  { given: "민준", surname: "김", alias: "minjun.kim", familyFirst: true },
  { given: "さくら", surname: "佐藤", alias: "sakura.sato", familyFirst: true },
];
const rtl: readonly Person[] = [
  person("محمد", "العلي", "mohammed.alali"),
  person("فاطمة", "الزهراء", "fatima.alzahraa"),
  person("דוד", "כהן", "david.cohen"),
  person("נועה", "לוי", "noa.levi"),
];
const accents: readonly Person[] = [
  person("José", "Núñez", "jose.nunez"),
  person("Åsa", "Öberg", "asa.oberg"),
  person("Łukasz", "Żółć", "lukasz.zolc"),
];

const departments = [
  "Sales",
  "Finance & Accounting",
  "R&D / Platform",
  "Marketing",
  "HR",
  "IT #2",
  "Sales – EMEA",
  "研究開発部",
];
const jobTitles = ["Engineer", "Account Manager", "Analyst", "Director of Sales", "Data Scientist", "Intern", "CFO"];
const companies = ["Contoso Ltd.", "Contoso GmbH", 'Contoso "Labs"'];
const offices = ["Building 4/1234", "Remote", "London", "東京オフィス", "Tel Aviv"];
const usageLocations = ["US", "GB", "DE", "JP", "IL", "SA", "FR", "IN"];
const guestDomains = ["fabrikam.com", "gmail.com", "outlook.com", "northwind.example", "contoso-partner.co.uk"];
const languages = ["en-US", "de-DE", "ja-JP", "he-IL", "ar-SA", "fr-FR"];
// Graph caps jobTitle at 128 and department at 64 characters; these sit exactly on the limits.
const LONG_JOB_TITLE =
  "Senior Principal Cross-Functional Program Manager, Enterprise Data Governance, Compliance & Analytics Platform Integration (EUR)";
const LONG_DEPARTMENT = "Global Enterprise Data Governance, Analytics & Reporting Service";

function person(given: string, surname: string, alias?: string): Person {
  return {
    given,
    surname,
    alias:
      alias ??
      `${given}.${surname}`
        .normalize("NFD")
        .replace(/[^A-Za-z.]/g, "")
        .toLowerCase(),
  };
}

/** The first few indices always carry one quirk each, so even a ten-user tenant exercises them. */
function personFor(index: number, random: SeededRandom): Person {
  const forced: Record<number, readonly Person[]> = {
    1: apostrophes,
    2: emoji,
    3: cjk,
    4: rtl.slice(0, 2),
    5: rtl.slice(2),
    6: accents,
  };
  const list = forced[index];
  if (list !== undefined) return random.pick(list);
  const roll = random.next();
  if (roll < 0.04) return random.pick(apostrophes);
  if (roll < 0.07) return random.pick(emoji);
  if (roll < 0.13) return random.pick(cjk);
  if (roll < 0.18) return random.pick(rtl);
  if (roll < 0.21) return random.pick(accents);
  return random.pick(latin);
}

/**
 * The user at `index` of the simulated tenant with this seed: a pure function, so tests can compare what the product
 * stored with what the tenant served. About one in ten is a guest; a few are disabled; some optional fields are null.
 */
export function simulatedUser(seed: number, index: number): SimulatedUser {
  const { random, who, guest, room } = userStart(seed, index);
  const alias = `${who.alias}${index}`;
  const guestDomain = random.pick(guestDomains);
  const displayName = room
    ? `Conference Room ${index % 12}/${index % 7} #A?`
    : who.familyFirst === true
      ? `${who.surname}${who.given}`
      : `${who.given} ${who.surname}`;
  const longFields = index === 9 || random.chance(0.005);
  return {
    id: seededGuid(seed, "user", index),
    displayName,
    givenName: room ? null : who.given,
    surname: room ? null : who.surname,
    userPrincipalName: guest ? `${alias}_${guestDomain}#EXT#@${INITIAL_DOMAIN}` : `${alias}@${MAIL_DOMAIN}`,
    mail: guest ? `${alias}@${guestDomain}` : random.chance(0.05) ? null : `${alias}@${MAIL_DOMAIN}`,
    accountEnabled: index === 0 ? true : index === 6 ? false : !random.chance(0.07),
    userType: guest ? "Guest" : "Member",
    createdDateTime: isoSeconds(random.instant("2015-01-01T00:00:00Z", "2025-06-30T00:00:00Z")),
    department: longFields ? LONG_DEPARTMENT : random.chance(0.15) ? null : random.pick(departments),
    jobTitle: longFields ? LONG_JOB_TITLE : room || random.chance(0.1) ? null : random.pick(jobTitles),
    companyName: guest || random.chance(0.2) ? null : random.pick(companies),
    officeLocation: random.chance(0.3) ? null : random.pick(offices),
    usageLocation: guest && random.chance(0.7) ? null : random.pick(usageLocations),
    assignedLicenses: guest || room ? [] : keepRetiredDraws(random, licenses(seed, index)),
    onPremisesSyncEnabled: guest || random.chance(0.4) ? null : true,
    externalUserState: guest ? (random.chance(0.8) ? "Accepted" : "PendingAcceptance") : null,
    businessPhones: random.chance(0.6) ? [`+1 425 555 ${String(index % 10000).padStart(4, "0")}`] : [],
    mobilePhone: random.chance(0.8) ? null : `+44 7700 ${String(index % 1000000).padStart(6, "0")}`,
    preferredLanguage: random.chance(0.5) ? null : random.pick(languages),
  };
}

/** The start of a user's stream: who they are and whether they are a guest or a room, which decides their licences. */
function userStart(seed: number, index: number) {
  const random = new SeededRandom(seed, "user", index);
  const who = personFor(index, random);
  const guest = index === 7 || (index > 9 && random.chance(0.1));
  const room = index === 8 || (index > 9 && random.chance(0.01));
  return { random, who, guest, room };
}

/**
 * The user's `assignedLicenses`, as simulatedUser has them, without building the rest of the user: the simulated
 * `subscribedSkus` counts the seats of every user with it.
 */
export function simulatedLicenses(seed: number, index: number): AssignedLicense[] {
  const { guest, room } = userStart(seed, index);
  return guest || room ? [] : licenses(seed, index);
}

// The first indices pin the cases a licence report must get right, so even a ten-user tenant has each.
const PINNED_LICENSES: Readonly<Record<number, () => AssignedLicense[]>> = {
  0: () => [assigned("SPE_E3"), assigned("POWER_BI_PRO")],
  1: () => [assigned("SPE_E5")],
  2: () => [assigned("SPE_E5", "BI_AZURE_P2")],
  3: () => [assigned("POWER_BI_PRO"), assigned("PBI_PREMIUM_PER_USER")],
  4: () => [assigned("SPE_E3"), assigned("POWER_BI_STANDARD")],
  5: () => [assigned("SPE_E3")],
  6: () => [assigned("POWER_BI_PRO")],
  9: () => [assigned("SPE_E5", "TEAMS1"), assigned("PBI_PREMIUM_PER_USER")],
};

/**
 * A member's licences, from a stream of their own: most hold an E3 or E5 suite, with Power BI added to some E3s
 * (free, Pro, Premium Per User, now and then both Pro and PPU), some suites have plans switched off (Teams, or the Pro
 * inside an E5), a few hold only the free licence and a few nothing.
 */
function licenses(seed: number, index: number): AssignedLicense[] {
  const pinned = PINNED_LICENSES[index];
  if (pinned !== undefined) return pinned();
  const random = new SeededRandom(seed, "licenses", index);
  const roll = random.next();
  if (roll < 0.08) return [];
  if (roll < 0.13) return [assigned("POWER_BI_STANDARD")];
  const e5 = random.chance(0.3);
  const disabled = random.chance(0.15) ? (["TEAMS1"] as const) : [];
  const proDisabled = e5 && random.chance(0.1);
  const suite = assigned(e5 ? "SPE_E5" : "SPE_E3", ...disabled, ...(proDisabled ? (["BI_AZURE_P2"] as const) : []));
  const addOn = random.next();
  if (e5) {
    if (addOn < 0.08) return [suite, assigned("PBI_PREMIUM_PER_USER")];
    if (addOn < (proDisabled ? 0.5 : 0.12)) return [suite, assigned("POWER_BI_STANDARD")];
    return [suite];
  }
  if (addOn < 0.3) return [suite, assigned("POWER_BI_STANDARD")];
  if (addOn < 0.5) return [suite, assigned("POWER_BI_PRO")];
  if (addOn < 0.53) return [suite, assigned("PBI_PREMIUM_PER_USER")];
  if (addOn < 0.55) return [suite, assigned("POWER_BI_PRO"), assigned("PBI_PREMIUM_PER_USER")];
  return [suite];
}

/**
 * Makes the draws the first licence generator made from the user's stream, and returns `licenses` unchanged: every
 * property generated after licences stays what it was before they came from a stream of their own.
 */
function keepRetiredDraws(random: SeededRandom, licenses: AssignedLicense[]): AssignedLicense[] {
  const count = random.int(0, 3);
  random.next();
  for (let k = 0; k < count; k++) if (random.chance(0.3)) random.next();
  return licenses;
}
