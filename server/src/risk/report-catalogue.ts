/**
 * Data from the report "Tryggleik på NAV-kontora i Hordaland" (NAV Hordaland and Bergen
 * kommune, 2014; the text is in docs/seed/nav-hordaland-safety-report-2014.txt), in
 * Nynorsk as the report writes it, with English translations. Ids are stable: incident reports
 * and site registers store them; never rename one, add a new one.
 *
 * Citations name the report's section and table, and the row (1-based, in the order of the table).
 */

export type Likelihood = 1 | 2 | 3 | 4 | 5;
export type Consequence = 1 | 2 | 3 | 4 | 5;
export interface Text { nn: string; en: string }
export interface Citation { section: string; table?: string; row?: number }

export type EventGroup = 'threats' | 'violence';

export interface ReportEvent {
  id: string;
  group: EventGroup;
  name: Text;
  likelihood: Likelihood;
  consequence: Consequence;
  /** The frequency word of the table as printed ("Daglig", "kvar veke", "Månadleg" ...). */
  reportWord: string;
  citation: Citation;
}

const ROS = 'Risiko- og sårbarhetsanalyse (ROS) › Uønskte hendingar på NAV-kontor (ikkje uttømmande)';

type Row = [id: string, nn: string, en: string, word: string, likelihood: Likelihood, consequence: Consequence];

/** Table "Truslar" (Sannsynlighet, Konsekvensar), in the report's order. */
const THREATS: Row[] = [
  ['threat-phone', 'Truslar på telefon', 'Threats by telephone', 'Daglig', 5, 2],
  ['threat-person-office', 'Truslar mot person på kontoret', 'Threats against a person at the office', 'Daglig', 5, 2],
  ['harassment', 'Trakassering', 'Harassment', 'Daglig', 5, 2],
  ['threat-home-visit', 'Trussel ved heimebesøk', 'Threat during a home visit', 'Månadleg', 3, 3],
  ['following-staff', 'Følgje etter NAV tilsette utanfor NAV kontoret', 'Following NAV staff outside the NAV office', 'Månadleg', 3, 3],
  ['threat-firearm', 'True med skytevåpen', 'Threatening with a firearm', 'Sjeldnare', 1, 4],
  ['threat-written', 'Skriftlige truslar', 'Written threats', 'kvar veke', 4, 2],
  ['vandalism-reception', 'Hærverk i mottak', 'Vandalism in reception', 'kvar veke', 4, 2],
  ['threat-self-harm', 'Truslar om sjølvskading', 'Threats of self-harm', 'Ukentlig', 4, 2],
  ['threat-harm-others', 'Truslar om å skade andre utanfor NAV', 'Threats to harm others outside NAV', 'kvar veke', 4, 2],
  ['threat-seek-out-home', 'Trussel om å oppsøke saksbehandlers bustad, veit kvar du bur', "Threat to seek out the caseworker's home (\"I know where you live\")", 'Årlig', 2, 3],
  ['threat-outside-office-at-work', 'Persontruslar utanfor kontoret, i arbeidssituasjon', 'Personal threats outside the office, while at work', 'Månadleg', 3, 2],
  ['threat-weapons', 'Truslar om bruk av våpen', 'Threats to use weapons', 'Månadleg', 3, 2],
  ['threat-outside-office-off-work', 'Persontruslar utanfor kontoret, utanfor arbeid', 'Personal threats outside the office, off work', 'Årlig', 2, 3],
  ['threat-family', 'Truslar mot familie', 'Threats against family', 'Årlig', 2, 3],
  ['threat-surroundings', 'Truslar mot omgjevnadane utanfor NAV kontoret', 'Threats against the surroundings outside the NAV office', 'Månadleg', 3, 2],
  ['threat-social-media-staff', 'Truslar via sosiale media mot NAV-tilsett', 'Threats on social media against a NAV employee', 'Årlig', 2, 3],
  ['threat-syringe', 'True med sprøyter', 'Threatening with syringes', 'Sjeldnare', 1, 3],
  ['threat-infection', 'Truslar om sjukdom, HIV (smitte)', 'Threats of disease, HIV (infection)', 'Sjeldnare', 1, 3],
  ['threat-reputation', 'Omdømmetrussel', 'Threat to reputation', 'Månadleg', 3, 1],
  ['threat-third-party', 'Indirekte trussel mot tredjeperson, f. eks utleier', 'Indirect threat against a third party, e.g. a landlord', 'Månadleg', 3, 1],
  ['threat-social-media-nav', 'Truslar via sosiale media mot NAV', 'Threats on social media against NAV', 'Årlig', 2, 1],
  ['fire-alarm-triggered', 'Utløysing av brannalarm', 'Setting off the fire alarm', 'Årlig', 2, 1],
  ['bomb-threat', 'Bombetrussel', 'Bomb threat', 'Sjeldnare', 1, 2],
  ['threat-meeting-places', 'Truslar mot møtesteder', 'Threats against meeting places', 'Sjeldnare', 1, 1],
];

/** Table "Vold" (Sannsynlighet, Konsekvensar), in the report's order. */
const VIOLENCE: Row[] = [
  ['violence-hitting', 'Slag, lugging, sparking', 'Hitting, hair-pulling, kicking', 'Månadleg', 3, 3],
  ['violence-holding', 'Holde igjen tilsett, ta tak i tilsett', 'Holding back or grabbing an employee', 'Månadleg', 3, 3],
  ['violence-knife', 'Bruk av kniv, spisse gjenstandar', 'Use of a knife or sharp objects', 'Månadleg', 3, 4],
  ['violence-blood', 'Bruk av blod', 'Use of blood', 'Sjeldnare', 1, 4],
  ['violence-firearm', 'Bruk av skytevåpen', 'Use of a firearm', 'Sjeldnare', 1, 5],
  ['violence-arson', 'Brannstiftelse', 'Arson', 'Sjeldnare', 1, 4],
  ['hostage-office', 'Gisselsituasjon på NAV kontoret', 'Hostage situation at the NAV office', 'Sjeldnare', 1, 4],
  ['hostage-outside', 'Gisselsituasjon utanfor NAV kontoret', 'Hostage situation outside the NAV office', 'Sjeldnare', 1, 4],
  ['violence-throwing', 'Kasting av gjenstandar mot person', 'Throwing objects at a person', 'Årlig', 2, 3],
  ['violence-syringe', 'Bruk av sprøyter', 'Use of syringes', 'Sjeldnare', 1, 3],
  ['violence-fighting-clients', 'Slåssing mellom brukarar', 'Fighting between clients', 'Månadleg', 3, 2],
  ['violence-spitting', 'Spytte', 'Spitting', 'Årlig', 2, 2],
];

const toEvents = (rows: Row[], group: EventGroup, table: string): ReportEvent[] =>
  rows.map(([id, nn, en, reportWord, likelihood, consequence], i) => ({
    id, group, name: { nn, en }, likelihood, consequence, reportWord, citation: { section: ROS, table, row: i + 1 },
  }));

/** The report's event catalogue: the default risk register and the incident categories. */
export const REPORT_EVENTS: readonly ReportEvent[] = [...toEvents(THREATS, 'threats', 'Truslar'), ...toEvents(VIOLENCE, 'violence', 'Vold')];

export const reportEvent = (id: string): ReportEvent | undefined => REPORT_EVENTS.find((e) => e.id === id);

/**
 * "Hendingar i raudt felt — Følgjande hendingar vert definert som raude og krev tiltak", as
 * the list prints them (its wording differs from the tables in places), with the table event
 * each line names. The risk rule (risk-rule.ts) must make exactly these red.
 */
export const REPORT_RED_LIST: readonly { listed: string; eventId: string }[] = [
  { listed: 'Truslar på telefon', eventId: 'threat-phone' },
  { listed: 'Persontruslar på kontoret', eventId: 'threat-person-office' },
  { listed: 'Trakassering', eventId: 'harassment' },
  { listed: 'Trussel ved vitjingar i heimen', eventId: 'threat-home-visit' },
  { listed: 'Følgje etter NAV-tilsette utanfor NAV-kontoret', eventId: 'following-staff' },
  { listed: 'True med skytevåpen', eventId: 'threat-firearm' },
  { listed: 'Slag, lugging, sparking', eventId: 'violence-hitting' },
  { listed: 'Holde igjen tilsett, ta tak i tilsett', eventId: 'violence-holding' },
  { listed: 'Bruk av kniv, spisse gjenstandar', eventId: 'violence-knife' },
  { listed: 'Bruk av blod', eventId: 'violence-blood' },
  { listed: 'Bruk av skytevåpen', eventId: 'violence-firearm' },
  { listed: 'Brannstifting', eventId: 'violence-arson' },
  { listed: 'Gisselsituasjon på NAV-kontoret', eventId: 'hostage-office' },
  { listed: 'Gisselsituasjon utanfor NAV-kontoret', eventId: 'hostage-outside' },
];
export const RED_LIST_CITATION: Citation = { section: 'Risikomatrise › Hendingar i raudt felt' };

/** The consequence scale of the risk matrix ("Konsekvens"), 1-5. */
export const CONSEQUENCE_SCALE: readonly { value: Consequence; name: Text }[] = [
  { value: 1, name: { nn: 'Ingen skade', en: 'No injury' } },
  { value: 2, name: { nn: 'Fysisk og/eller psykisk skade uten varig mén, uten sykefravær', en: 'Physical and/or psychological injury without lasting harm, without sick leave' } },
  { value: 3, name: { nn: 'Fysisk og/eller psykisk skade uten varig mén, med sykefravær', en: 'Physical and/or psychological injury without lasting harm, with sick leave' } },
  { value: 4, name: { nn: 'Fysisk og/eller psykisk skade med varig mén', en: 'Physical and/or psychological injury with lasting harm' } },
  { value: 5, name: { nn: 'Dødsfall', en: 'Death' } },
];

/** The likelihood scale of the risk matrix ("Sannsynlighet"), 1-5. */
export const LIKELIHOOD_SCALE: readonly { value: Likelihood; name: Text }[] = [
  { value: 1, name: { nn: 'Sjeldnare', en: 'Less often than yearly' } },
  { value: 2, name: { nn: 'Årleg', en: 'Yearly' } },
  { value: 3, name: { nn: 'Månedleg', en: 'Monthly' } },
  { value: 4, name: { nn: 'Ukentleg', en: 'Weekly' } },
  { value: 5, name: { nn: 'Dagleg', en: 'Daily' } },
];
export const SCALES_CITATION: Citation = { section: 'Risikomatrise (skalaer under matrisa)' };

export interface CauseFactor {
  id: string;
  name: Text;
  /** "Sannsynlighet som utløysande faktor (5 høgast, 1 lavast)". */
  triggerLikelihood: Likelihood;
  citation: Citation;
}

const CAUSES: [string, string, string, Likelihood][] = [
  ['negative-decision', 'negativt vedtak', 'Negative decision', 5],
  ['processing-time', 'sakshandsamingstid', 'Case processing time', 5],
  ['substance-use', 'rusbruk', 'Substance use', 5],
  ['traumatised-persons', 'traumatiserte personar', 'Traumatised persons', 5],
  ['system-failure-others', 'systemsvikt hjå andre', 'System failure in other agencies', 5],
  ['waiting-in-reception', 'ventetid i mottak', 'Waiting time in reception', 4],
  ['caseworker-conduct', 'Sakshandsamar si åtferd og holdningar', "The caseworker's conduct and attitudes", 4],
  ['caseworker-availability', 'I kva grad er sakshandsamar tilgjengeleg', 'How available the caseworker is', 4],
  ['demands-from-nav', 'krav frå NAV', 'Demands from NAV', 4],
  ['mental-illness', 'psykisk sjuk', 'Mental illness', 4],
  ['benefits-too-low', 'oppleving av for lave ytingar, pengar', 'Feeling that benefits/money are too low', 4],
  ['feeling-rejected', 'Kjensle av å verte avvist', 'Feeling rejected', 4],
  ['cultural-background', 'Ulik kulturbakgrunn', 'Different cultural background', 3],
  ['caseworker-competence', 'Sakshandsamar sin kompetanse innan både fag og kommunikasjon', "The caseworker's professional and communication skills", 3],
  ['media-coverage', 'medieoppslag', 'Media coverage', 3],
  ['language', 'språk', 'Language', 3],
  ['decision-wording', 'utforming av vedtak', 'How decisions are written', 3],
  ['expectations-of-nav', 'forventningar til NAV', 'Expectations of NAV', 3],
  ['family-circumstances', 'familiære forhold', 'Family circumstances', 2],
  ['nav-organisation', 'NAV sin organisering og tilgjengelighet', "NAV's organisation and accessibility", 2],
  ['premises-layout', 'fysisk utforming av mottak og samtalerom', 'Physical layout of reception and interview rooms', 2],
  ['workplace-culture', 'bedriftskultur', 'Workplace culture', 2],
  ['opening-hours', 'Opningstid', 'Opening hours', 2],
  ['two-lines', 'to linjer stat/kommune', 'Two lines of service (state/municipality)', 2],
  ['unclear-internal-norms', 'uklare normer internt i NAV', 'Unclear internal norms in NAV', 2],
  ['internal-routines', 'interne rutinar vedr. vold og truslar', 'Internal routines on violence and threats', 1],
];

/** "Årsaker til uønskte hendingar (ikkje uttømmande)", ranked as the report ranks them. */
export const CAUSE_FACTORS: readonly CauseFactor[] = CAUSES.map(([id, nn, en, triggerLikelihood], i) => ({
  id, name: { nn, en }, triggerLikelihood,
  citation: { section: 'Risiko- og sårbarhetsanalyse (ROS) › Årsaker til uønskte hendingar (ikkje uttømmande)', table: 'Årsaker', row: i + 1 },
}));

export type MeasureKind = 'preventive' | 'damage-limiting';

export interface ReportMeasure {
  id: string;
  kind: MeasureKind;
  text: Text;
  citation: Citation;
  note?: Text;
}

type MeasureRow = [id: string, nn: string, en: string];
const measures = (kind: MeasureKind, section: string, rows: MeasureRow[], note?: Text): ReportMeasure[] =>
  rows.map(([id, nn, en], i) => ({ id, kind, text: { nn, en }, citation: { section, row: i + 1 }, ...(note ? { note } : {}) }));

/** The report's measures: templates a site attaches to register events, with an owner and status. */
export const REPORT_MEASURES: readonly ReportMeasure[] = [
  ...measures('preventive', 'Førebyggande tiltak', [
    ['hse-culture', 'Vidareutvikle HMS-kulturen i heile organisasjonen og sikre at vold- og trusselarbeidet er ein integrert del av kulturen', 'Develop the HSE culture throughout the organisation so that work on violence and threats is part of it'],
    ['common-routine', 'Utarbeide ei felles rutine for handtering av vold og truslar', 'Write a common routine for handling violence and threats'],
    ['training', 'Vidareutvikle og gjennomføre opplæring i handtering av vold- og trusselsituasjonar', 'Develop and run training in handling violent and threatening situations'],
    ['leadership-agenda', 'Tryggleiksarbeid vert teke opp jamnleg på leiarnivå', 'Safety work is discussed regularly at management level'],
    ['regular-drills', 'Gjennomføre jamnlege øvingar i tråd med kontorets sikkerhets- og beredskapsplan', "Hold regular drills according to the office's safety and emergency plan"],
    ['partnership-meetings', 'Beredskap/sikkerhet/HMS som fast tema på partnarskapsmøte, med deltaking frå vernetenesta', 'Emergency preparedness/safety/HSE as a standing item at partnership meetings, with the safety representatives'],
    ['security-contact', 'Utnemne éin tryggleiksperson', 'Appoint a security contact ("tryggleiksperson")'],
    ['client-risk-assessment', 'System for risikovurdering av enkeltbrukarar og informasjonsdeling om potensielt farlege brukarar', 'A system for risk assessment of individual clients and sharing information about potentially dangerous clients'],
    ['police-cooperation', 'Betre samhandlinga med politiet når saker vert meldt, ved vitjingsforbod og akutte situasjonar', 'Better cooperation with the police when cases are reported, on visiting bans and in acute situations'],
    ['police-council', 'Systematisk dialog med politirådet i kvar kommune', 'Systematic dialogue with the police council of each municipality'],
    ['inter-agency-routines', 'Rutinar mellom NAV og andre offentlege etatar slik at farlege brukarar vert møtt og handtert forsvarleg', 'Routines between NAV and other public agencies so that dangerous clients are met and handled safely'],
    ['acceptable-behaviour', 'Felles forståing av akseptabel og uakseptabel oppførsel, og kva som er ein volds- og trusselsituasjon', 'A shared understanding of acceptable and unacceptable behaviour, and of what counts as violence or a threat'],
    ['clarify-expectations', 'Dyktiggjere tilsette i å avklare forventningar med brukarane', 'Train employees to clarify expectations with clients'],
  ]),
  ...measures('preventive', 'Tiltak som må verta vurdert i kvar enkel eining', [
    ['guard-service', 'Vekterteneste', 'Guard service'],
    ['camera-surveillance', 'Kameraovervaking', 'Camera surveillance'],
  ], { nn: 'Den sentrale arbeidsgruppa tilrår ikkje dette tiltaket (Vedlegg 1).', en: 'The central working group does not recommend this measure (Appendix 1).' }),
  ...measures('damage-limiting', 'Tiltak som må verta vurdert i kvar enkel eining', [
    ['stab-vests', 'Stikksikre vestar tilgjengeleg', 'Stab-proof vests available'],
  ]),
  ...measures('preventive', 'Naudutbetaling', [
    ['emergency-payment-routines', 'Føreseieleg og fagleg forankra praksis ved søknad om og utbetaling av krisehjelp', 'Predictable, professionally grounded practice for applications for and payment of emergency assistance'],
  ]),
  ...measures('preventive', 'Avviksrapportering', [
    ['weekly-incident-review', 'Kvar eining har gjennomgang av avvik kvar veke', 'Each unit reviews incident reports every week'],
    ['categorise-threats', 'Kartlegge og kategorisere trusselhendingar', 'Map and categorise threat incidents'],
    ['coordinate-reporting', 'Samordning av rapportering i ASYS og kommunalt system', 'Coordinate reporting in ASYS and the municipal system'],
    ['leader-copy', 'Leiar får kopi av innmelde avvik', 'The leader gets a copy of each incident report'],
    ['report-to-police', 'Melde truslar til politiet', 'Report threats to the police'],
  ]),
  ...measures('damage-limiting', 'Skadereduserande tiltak', [
    ['reception-design', 'Utforming av publikumsmottak', 'Design of the public reception'],
    ['interview-room-design', 'Standard utforming av samtalerom (t.d. rømingsveg for den tilsette)', 'Standard design of interview rooms (e.g. an escape route for the employee)'],
    ['prepared-meetings', 'Tilsette er førebudde til alle samtalar og har vurdert risiko', 'Employees prepare for every meeting and have assessed the risk'],
    ['dangerous-client-precautions', 'Forholdsreglar før samtale med brukar vurdert som farleg (t.d. to sakshandsamarar til stades)', 'Precautions before a meeting with a client assessed as dangerous (e.g. two caseworkers present)'],
    ['portable-alarm', 'Tryggleiksalarm i møte utanfor kontoret og ved heimevitjingar', 'Portable safety alarm at meetings outside the office and on home visits'],
    ['call-recording', 'Vurdere automatisk opptak av innkomne telefonsamtalar', 'Consider automatic recording of incoming phone calls'],
    ['ums-message', 'Vurdere UMS standard telefonmelding ved alarm og evakuering', 'Consider a standard UMS phone message at alarm and evacuation'],
  ]),
  ...measures('damage-limiting', 'Beredskapsplan', [
    ['emergency-plan-routines', 'Tydelege rutinar for vold- og trusselhendingar i beredskapsplanen, eventuelt med tiltakskort', 'Clear routines for violent and threatening incidents in the emergency plan, possibly with action cards'],
  ]),
  ...measures('damage-limiting', 'Utforming av mottak og samtalerom', [
    ['alarm-buttons', 'Alarmknapp i mottaket og samtalerom, særleg der medarbeidarane sit aleine', 'Alarm buttons in reception and interview rooms, above all where employees sit alone'],
    ['interview-room-escape', 'Samtalerom utforma slik at medarbeidarane kan trekkje seg tilbake (rømingsveg)', 'Interview rooms laid out so that employees can withdraw (escape route)'],
    ['reception-access-control', 'Rutine som hindrar at nokon i mottaket på eiga hand kjem inn i indre eller sikra område', 'A routine that keeps people in reception from entering inner or secured areas on their own'],
  ]),
];

export const reportMeasure = (id: string): ReportMeasure | undefined => REPORT_MEASURES.find((m) => m.id === id);
